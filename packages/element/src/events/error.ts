/** `liveproof-error`: the check cannot go on; `code` is stable, `retryable` says whether trying again may help. */
import type { ErrorCode } from '@liveproof/protocol';

export interface LiveproofErrorDetail {
  code: ErrorCode;
  message: string;
  retryable: boolean;
}

export class LiveproofErrorEvent extends Event {
  static readonly type = 'liveproof-error';
  readonly detail: LiveproofErrorDetail;

  constructor(detail: LiveproofErrorDetail) {
    super(LiveproofErrorEvent.type, { bubbles: true, composed: true });
    this.detail = detail;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'liveproof-error': LiveproofErrorEvent;
  }
}
