/** `liveproof-prompt`: a challenge has just been shown to the candidate. */
import type { ChallengeId } from '@liveproof/protocol';

export interface LiveproofPromptDetail {
  attemptId: string;
  challenge: ChallengeId;
  /** 0-based position in the plan, and the plan's length. */
  index: number;
  total: number;
  /** The instruction as shown. */
  text: string;
}

export class LiveproofPromptEvent extends Event {
  static readonly type = 'liveproof-prompt';
  readonly detail: LiveproofPromptDetail;

  constructor(detail: LiveproofPromptDetail) {
    super(LiveproofPromptEvent.type, { bubbles: true, composed: true });
    this.detail = detail;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'liveproof-prompt': LiveproofPromptEvent;
  }
}
