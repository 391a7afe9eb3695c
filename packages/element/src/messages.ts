/** What the element says to the candidate, in the language shown (the words are the catalogue's, `i18n/`). */
import type { ChallengeId, ErrorCode, ReasonCode, ResultResponse } from '@liveproof/protocol';
import type { ErrorKey } from './i18n/en.ts';
import { ENGLISH, type Locale } from './i18n/locale.ts';

/** Arrows as the candidate sees them in the mirrored self-view. */
const CUES: Partial<Record<ChallengeId, string>> = { turn_left: '←', turn_right: '→', look_up: '↑', profile_left: '⇐', profile_right: '⇒' };

export function promptText(challenge: ChallengeId, l: Locale = ENGLISH): string {
  return l.m.prompts[challenge];
}

export function promptCue(challenge: ChallengeId): string | undefined {
  return CUES[challenge];
}

/** Whether the arrow points right: it then sits on the right of the words, whichever way they run. */
export const cueOnTheRight = (challenge: ChallengeId): boolean => challenge === 'turn_right' || challenge === 'profile_right';

export function reasonText(reason: ReasonCode, l: Locale = ENGLISH): string {
  return l.m.reasons[reason] ?? reason;
}

export interface ErrorCopy {
  title: string;
  body: string;
  /** Whether the candidate can fix it and try again from here. */
  canRetry: boolean;
  /** Going back to the introduction (to change a choice there) rather than retrying at once. */
  back?: boolean;
}

/** The errors the candidate cannot fix from the check itself. */
const FINAL: ReadonlySet<ErrorCode> = new Set(['unsupported_browser', 'unauthorized', 'origin_not_allowed', 'session_expired', 'session_completed', 'attempt_limit_reached']);

export function errorCopy(code: ErrorCode, l: Locale = ENGLISH): ErrorCopy {
  const text = l.m.errors[(code in l.m.errors ? code : 'other') as ErrorKey];
  return { ...text, canRetry: !FINAL.has(code), ...(code === 'light_required' ? { back: true } : {}) };
}

/** "1 attempt left", "2 attempts left" (and Arabic's other four plural forms). */
export const attemptsLeft = (n: number, l: Locale = ENGLISH): string => l.m.check.attemptsLeft(n, l.f);

/** What the live region says at the outcome: the verdict, why it failed, and what to do next. */
export function outcomeAnnouncement(response: ResultResponse, recheck: boolean, l: Locale = ENGLISH): string {
  const c = l.m.check;
  if (response.result === 'pass') return `${recheck ? c.recheckPassed : c.passed}.`;
  const reasons = response.reasons.map((r) => reasonText(r, l)).join(' ');
  const left = response.attemptsRemaining ?? 0;
  const next = recheck ? c.recheckFailedNext : left > 0 ? `${attemptsLeft(left, l)}: ${c.pressTryAgain}` : c.noAttemptsLeft;
  return `${recheck ? c.recheckFailed : c.failed}. ${reasons} ${next}`.replace(/\s+/g, ' ').trim();
}
