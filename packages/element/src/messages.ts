/** What the element says to the candidate, in one place. */
import { CHALLENGES, REASON_TEXT, type ChallengeId, type ErrorCode, type ReasonCode, type ResultResponse } from '@liveproof/protocol';

/** Arrows as the candidate sees them in the mirrored self-view. */
const CUES: Partial<Record<ChallengeId, string>> = { turn_left: '←', turn_right: '→', look_up: '↑', profile_left: '⇐', profile_right: '⇒' };

export function promptText(challenge: ChallengeId): string {
  return CHALLENGES[challenge].prompt;
}

export function promptCue(challenge: ChallengeId): string | undefined {
  return CUES[challenge];
}

export function reasonText(reason: ReasonCode): string {
  return REASON_TEXT[reason] ?? reason;
}

export interface ErrorCopy {
  title: string;
  body: string;
  /** Whether the candidate can fix it and try again from here. */
  canRetry: boolean;
  /** Going back to the introduction (to change a choice there) rather than retrying at once. */
  back?: boolean;
}

export function errorCopy(code: ErrorCode, message: string): ErrorCopy {
  switch (code) {
    case 'camera_denied':
      return { title: 'Camera access is blocked', body: 'Allow this site to use your camera (look for the camera icon in the address bar), then try again.', canRetry: true };
    case 'camera_not_found':
      return { title: 'No camera found', body: 'Connect a camera or check that it is enabled, then try again.', canRetry: true };
    case 'camera_in_use':
      return { title: 'The camera is busy', body: 'Another application is using the camera. Close it there, then try again.', canRetry: true };
    case 'model_load_failed':
      return { title: 'The check could not load', body: 'The face model did not load. Check your connection, then try again.', canRetry: true };
    case 'network_error':
      return { title: 'Connection lost', body: 'We could not reach the verification service. Check your connection, then try again; nothing you did is lost.', canRetry: true };
    case 'positioning_timeout':
      return { title: 'We could not see you clearly', body: 'Sit facing the camera in good light, with only you in view, then try again.', canRetry: true };
    case 'unsupported_browser':
      return { title: 'This browser is not supported', body: message, canRetry: false };
    case 'unauthorized':
      return { title: 'This check link has expired', body: 'Reload the page to start a new check.', canRetry: false };
    case 'client_token_missing':
      return {
        title: 'This check is not set up yet',
        body: 'The page did not give the check the link it needs. Reload the page; if this stays, tell the person who invited you (their developers will find the details in the browser console).',
        canRetry: true,
      };
    case 'origin_not_allowed':
      return { title: 'This page may not run the check', body: 'The check is set up for another website. Tell the person who invited you.', canRetry: false };
    case 'too_many_streams':
      return { title: 'Too many open windows', body: 'Close other tabs with this check, then try again.', canRetry: true };
    case 'session_expired':
      return { title: 'This check has expired', body: 'Ask the person who invited you for a new link.', canRetry: false };
    case 'session_completed':
      return { title: 'Already verified', body: 'This check has already been passed.', canRetry: false };
    case 'attempt_limit_reached':
      return { title: 'No attempts left', body: 'You have used all attempts for this check. Contact the person who invited you.', canRetry: false };
    case 'light_required':
      return {
        title: 'The flashing-colour step is required',
        body: 'This check cannot skip it. Go back and untick "Skip flashing lights", or contact the person who invited you if flashing lights could affect you.',
        canRetry: true,
        back: true,
      };
    case 'rate_limited':
      return { title: 'Too many tries', body: 'Wait a minute, then try again.', canRetry: true };
    default:
      return { title: 'Something went wrong', body: message, canRetry: true };
  }
}

/** After a failed re-check, and after a failed check with no attempts left. */
export const RECHECK_FAILED_NEXT = 'Your interviewer can see this and may ask for another re-check.';
export const NO_ATTEMPTS_LEFT = 'No attempts left. Contact the person who invited you.';

/** "1 attempt left", "2 attempts left". */
export const attemptsLeft = (n: number): string => `${n} ${n === 1 ? 'attempt' : 'attempts'} left`;

/** What the live region says at the outcome: the verdict, why it failed, and what to do next. */
export function outcomeAnnouncement(response: ResultResponse, recheck: boolean): string {
  const what = recheck ? 'Re-check' : 'Check';
  if (response.result === 'pass') return `${what} passed.`;
  const reasons = response.reasons.map(reasonText).join(' ');
  const left = response.attemptsRemaining ?? 0;
  const next = recheck ? RECHECK_FAILED_NEXT : left > 0 ? `${attemptsLeft(left)}: press Try again when you are ready.` : NO_ATTEMPTS_LEFT;
  return `${what} not passed. ${reasons} ${next}`.replace(/\s+/g, ' ').trim();
}
