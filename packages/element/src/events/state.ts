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

/** Shows `state` as the element's one custom state (`:state(...)`), among `all` of them. */
export function setCustomState(internals: ElementInternals, state: string, all: readonly string[]): void {
  try {
    for (const name of all) internals.states.delete(name);
    internals.states.add(state);
  } catch {
    // Browsers without custom states: the `state` property and events still tell.
  }
}
