/** `liveproof-state`: the element moved to another stage of the check. */
export const CheckState = {
  Idle: 'idle',
  Loading: 'loading',
  Positioning: 'positioning',
  Challenge: 'challenge',
  Submitting: 'submitting',
  Passed: 'passed',
  Failed: 'failed',
  Error: 'error',
} as const;
export type CheckState = (typeof CheckState)[keyof typeof CheckState];

export class LiveproofStateEvent extends Event {
  static readonly type = 'liveproof-state';
  readonly detail: { state: CheckState; previous: CheckState };

  constructor(state: CheckState, previous: CheckState) {
    super(LiveproofStateEvent.type, { bubbles: true, composed: true });
    this.detail = { state, previous };
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'liveproof-state': LiveproofStateEvent;
  }
}
