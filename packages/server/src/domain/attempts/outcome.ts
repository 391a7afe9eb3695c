/** An attempt's outcome as the page reads it: the verdict, the verification token and what is left. */
import type { ResultResponse } from '@liveproof/protocol';
import type { Deps } from '../../context.ts';
import type { AttemptRecord, SessionRecord } from '../../store.ts';
import { livenessTokenFor } from '../../tokens.ts';
import { attemptsRemaining, sessionStatus } from '../session-rules.ts';
import { assuranceOf } from '../signals.ts';
import { iso } from '../views.ts';

export async function outcomeResponse(deps: Deps, session: SessionRecord, attempt: AttemptRecord): Promise<ResultResponse> {
  const now = deps.clock.now();
  const [{ token, expiresAt, result }, attempts] = await Promise.all([livenessTokenFor(deps.tokens, session, attempt, now), deps.store.listAttemptStates(session.id)]);
  return {
    attemptId: attempt.id,
    kind: attempt.kind,
    result,
    reasons: attempt.reasons,
    steps: attempt.steps,
    signals: attempt.signals,
    assurance: assuranceOf(attempt.signals),
    token,
    tokenExpiresAt: iso(expiresAt),
    attemptsRemaining: attemptsRemaining(session, attempts),
    sessionStatus: sessionStatus(session, attempts, now),
  };
}
