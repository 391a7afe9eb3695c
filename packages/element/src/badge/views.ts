/**
 * What the badge shows, as templates of its state: the status line's words and icon, the live
 * step, the token's details. No state of their own.
 */
import { html, nothing } from 'lit';
import { CHALLENGES, REASON_TEXT, SIGNAL_TEXT, type FaceCheckSummary, type LivenessTokenClaims, type ReasonCode } from '@liveproof/protocol';

export const BADGE_STATUSES = ['unchecked', 'checking', 'verifying', 'verified', 'failed', 'expired', 'invalid'] as const;
export type BadgeStatus = (typeof BADGE_STATUSES)[number];

export const STATUS_TEXT: Record<BadgeStatus, { icon: string; label: string }> = {
  unchecked: { icon: '○', label: 'Not yet checked' },
  checking: { icon: '◔', label: 'Check in progress' },
  verifying: { icon: '◔', label: 'Verifying the result…' },
  verified: { icon: '✓', label: 'Verified live' },
  failed: { icon: '✕', label: 'Liveness check failed' },
  expired: { icon: '⌛', label: 'Result expired' },
  invalid: { icon: '!', label: 'Invalid result' },
};

/** The attempt under way, as the event stream told it. */
export interface LiveAttempt {
  sequence: number;
  total: number;
  index: number;
  recheck: boolean;
}

/** Everything the badge shows, as one state. */
export interface BadgeView {
  status: BadgeStatus;
  claims: LivenessTokenClaims | undefined;
  /** Why the token is invalid. */
  why: string;
  attempt: LiveAttempt | undefined;
  prompt: string;
  /** Where the interviewer's re-check request stands. */
  asking: string;
  /** Object URL of the reference image of the result shown, when the integration keeps one. */
  image: string;
  now: number;
}

/** "just now", "4 min ago", "2 h ago": coarse on purpose. */
export function timeAgo(fromSeconds: number, nowMs: number): string {
  const minutes = Math.floor((nowMs / 1000 - fromSeconds) / 60);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h ago` : `${Math.floor(hours / 24)} days ago`;
}

/** The status line's words: a re-check is never shown as a check. */
export function statusLabel(status: BadgeStatus, claims: LivenessTokenClaims | undefined): string {
  const recheck = claims?.kind === 'recheck' && (status === 'verified' || status === 'failed');
  if (recheck) return status === 'verified' ? 'Re-check passed (witnessed)' : 'Re-check failed';
  return STATUS_TEXT[status].label;
}

/**
 * Which attempt and step the candidate is on, and the prompt they are shown. The prompt's live
 * region is there from the attempt's start, empty, so screen readers announce each prompt that
 * fills it (a region created already holding text is usually not read).
 */
export function liveStep(attempt: LiveAttempt, prompt: string) {
  return html`<p class="live">${attempt.recheck ? 'Witnessed re-check' : `Attempt ${attempt.sequence}`}${attempt.index >= 0 ? html`, step ${attempt.index + 1} of ${attempt.total}` : nothing}</p>
    <p part="prompt" class="prompt" aria-live="assertive">${prompt ? html`Candidate is asked: <strong>${prompt}</strong>` : nothing}</p>`;
}

/** When, which challenges, why it failed, the server's face checks, the risk signals. */
export function details(claims: LivenessTokenClaims | undefined, now: number) {
  if (!claims) return nothing;
  const passed = claims.challenges.filter((c) => c.passed).map((c) => CHALLENGES[c.id]?.label ?? c.id);
  const signals = claims.signals.map((s) => SIGNAL_TEXT[s] ?? s);
  const reasons = claims.result === 'fail' ? claims.reasons.map((r: ReasonCode) => REASON_TEXT[r] ?? r) : [];
  return html`<dl part="details">
    <dt>Checked</dt>
    <dd><time datetime=${new Date(claims.iat * 1000).toISOString()}>${timeAgo(claims.iat, now)}</time></dd>
    <dt>Challenges passed</dt>
    <dd>${passed.length ? `${passed.join(', ')} (${passed.length} of ${claims.challenges.length})` : `none of ${claims.challenges.length}`}</dd>
    ${reasons.length ? html`<dt>Why it failed</dt><dd><ul>${reasons.map((r) => html`<li>${r}</li>`)}</ul></dd>` : nothing}
    ${claims.faces ? html`<dt>Face checked by the server</dt><dd>${facesText(claims.faces)}</dd>` : nothing}
    <dt>Risk signals</dt>
    <dd>${signals.length ? html`<ul>${signals.map((s) => html`<li>${s}</li>`)}</ul>` : 'none'}</dd>
  </dl>`;
}

export function referenceImage(url: string) {
  if (!url) return nothing;
  return html`<figure part="reference-image">
    <img src=${url} width="120" height="120" alt="Photo taken at the end of the candidate's passed check" />
    <figcaption>Supplied by the candidate's page at the end of the check: compare with the person on the call.</figcaption>
  </figure>`;
}

/** High assurance, in the interviewer's words: what the server saw in the crops, and whether the face changed. */
function facesText(faces: FaceCheckSummary): string {
  if (faces.frames === 0) return 'no face images were sent';
  const seen = faces.failed.length ? `${faces.frames} images; failed: ${faces.failed.join(', ').replace(/_/g, ' ')}` : `${faces.frames} images, all checks agreed`;
  if (!faces.continuity) return seen;
  return `${seen}; ${faces.continuity.changed ? 'NOT the face of the passed check' : 'the same face as the passed check'}`;
}
