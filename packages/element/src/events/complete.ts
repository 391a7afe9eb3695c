/** `liveproof-complete`: the server's verdict on an attempt, with the verification token to hand on. */
import type { AttemptKind, Assurance, CheckResult, ReasonCode, ResultResponse } from '@liveproof/protocol';

export interface LiveproofCompleteDetail {
  attemptId: string;
  /** `recheck` for an interviewer's re-check during the call: not one of the session's checks. */
  kind: AttemptKind;
  result: CheckResult;
  /** The verification token (JWT) a hiring system verifies against the issuer's JWKS. */
  token: string;
  tokenExpiresAt: string;
  reasons: ReasonCode[];
  signals: string[];
  /** `reduced` when a risk signal (a virtual camera, an injected stream, no screen light) came with the result. */
  assurance: Assurance;
  attemptsRemaining: number;
}

export class LiveproofCompleteEvent extends Event {
  static readonly type = 'liveproof-complete';
  readonly detail: LiveproofCompleteDetail;

  constructor(response: ResultResponse) {
    super(LiveproofCompleteEvent.type, { bubbles: true, composed: true });
    this.detail = {
      attemptId: response.attemptId,
      kind: response.kind,
      result: response.result,
      token: response.token,
      tokenExpiresAt: response.tokenExpiresAt,
      reasons: response.reasons,
      signals: response.signals,
      assurance: response.assurance,
      attemptsRemaining: response.attemptsRemaining,
    };
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'liveproof-complete': LiveproofCompleteEvent;
  }
}
