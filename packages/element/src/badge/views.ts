/**
 * What the badge shows, as templates of its state: the status line's words and icon, the live
 * step, the token's details. No state of their own.
 */
import { html, nothing } from 'lit';
import type { ChallengeId, FaceCheckSummary, LivenessTokenClaims, ReasonCode } from '@liveproof/protocol';
import type { WhyCode } from '../i18n/badge-en.ts';
import { BADGE_ENGLISH, type BadgeLocale } from '../i18n/badge-locale.ts';
import type { RecheckAsk } from './viewer-api.ts';

export const BADGE_STATUSES = ['unchecked', 'checking', 'verifying', 'verified', 'failed', 'expired', 'invalid'] as const;
export type BadgeStatus = (typeof BADGE_STATUSES)[number];

/** Each status's icon: the status is said in words too, never by colour or icon alone. */
export const STATUS_ICON: Record<BadgeStatus, string> = { unchecked: '○', checking: '◔', verifying: '◔', verified: '✓', failed: '✕', expired: '⌛', invalid: '!' };

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
  why: WhyCode | undefined;
  attempt: LiveAttempt | undefined;
  /** The challenge the candidate is shown now, in live mode. */
  prompt: ChallengeId | undefined;
  /** Where the interviewer's re-check request stands. */
  asking: RecheckAsk | undefined;
  /** Object URL of the reference image of the result shown, when the integration keeps one. */
  image: string;
  now: number;
}

/** "just now", "4 minutes ago", "2 hours ago", in the language shown: coarse on purpose. */
export function timeAgo(fromSeconds: number, nowMs: number, l: BadgeLocale = BADGE_ENGLISH): string {
  return nowMs / 1000 - fromSeconds < 60 ? l.b.justNow : l.f.ago(fromSeconds, nowMs);
}

/** The status line's words: a re-check is never shown as a check. */
export function statusLabel(status: BadgeStatus, claims: LivenessTokenClaims | undefined, l: BadgeLocale = BADGE_ENGLISH): string {
  const recheck = claims?.kind === 'recheck' && (status === 'verified' || status === 'failed');
  if (recheck) return status === 'verified' ? l.b.recheckPassed : l.b.recheckFailed;
  return l.b.status[status];
}

/** Where the re-check request stands, in words. */
export function askingText(asking: RecheckAsk | undefined, l: BadgeLocale): string {
  if (!asking) return '';
  const a = l.b.asking;
  return asking.state === 'refused' ? a.refused(asking.why) : a[asking.state];
}

/**
 * Which attempt and step the candidate is on, and the prompt they are shown. The prompt's live
 * region is there from the attempt's start, empty, so screen readers announce each prompt that
 * fills it (a region created already holding text is usually not read).
 */
export function liveStep(attempt: LiveAttempt, prompt: ChallengeId | undefined, l: BadgeLocale) {
  const b = l.b;
  return html`<p class="live">${attempt.recheck ? b.witnessedRecheck : b.attempt(attempt.sequence, l.f)}${attempt.index >= 0 ? b.step(attempt.index + 1, attempt.total, l.f) : nothing}</p>
    <p part="prompt" class="prompt" aria-live="assertive">${prompt ? html`${b.asked}<strong>${l.m.prompts[prompt] ?? prompt}</strong>` : nothing}</p>`;
}

/** When, which challenges, why it failed, the server's face checks, the risk signals. */
export function details(claims: LivenessTokenClaims | undefined, now: number, l: BadgeLocale) {
  if (!claims) return nothing;
  const { m, f, b } = l;
  const passed = claims.challenges.filter((c) => c.passed).map((c) => m.labels[c.id] ?? c.id);
  const signals = claims.signals.map((s) => b.signals[s] ?? s);
  const reasons = claims.result === 'fail' ? claims.reasons.map((r: ReasonCode) => m.reasons[r] ?? r) : [];
  return html`<dl part="details">
    <dt>${b.checked}</dt>
    <dd><time datetime=${new Date(claims.iat * 1000).toISOString()}>${timeAgo(claims.iat, now, l)}</time></dd>
    <dt>${b.challengesPassed}</dt>
    <dd>${passed.length ? b.passedOf(f.list(passed), passed.length, claims.challenges.length, f) : b.noneOf(claims.challenges.length, f)}</dd>
    ${reasons.length ? html`<dt>${b.whyFailed}</dt><dd><ul>${reasons.map((r) => html`<li>${r}</li>`)}</ul></dd>` : nothing}
    ${claims.faces ? html`<dt>${b.facesChecked}</dt><dd>${facesText(claims.faces, l)}</dd>` : nothing}
    <dt>${b.riskSignals}</dt>
    <dd>${signals.length ? html`<ul>${signals.map((s) => html`<li>${s}</li>`)}</ul>` : b.none}</dd>
  </dl>`;
}

export function referenceImage(url: string, l: BadgeLocale) {
  if (!url) return nothing;
  return html`<figure part="reference-image">
    <img src=${url} width="120" height="120" alt=${l.b.imageAlt} />
    <figcaption>${l.b.imageCaption}</figcaption>
  </figure>`;
}

/** High assurance, in the interviewer's words: what the server saw in the crops, and whether the face changed. */
function facesText(faces: FaceCheckSummary, l: BadgeLocale): string {
  const b = l.b;
  if (faces.frames === 0) return b.noFaceImages;
  const failed = l.f.list(faces.failed.map((check) => check.replace(/_/g, ' ')));
  const seen = faces.failed.length ? b.faceImagesFailed(faces.frames, failed, l.f) : b.faceImagesAgreed(faces.frames, l.f);
  if (!faces.continuity) return seen;
  return `${seen}; ${faces.continuity.changed ? b.otherFace : b.sameFace}`;
}

/** Why a token is not shown as verified. */
export const whyText = (why: WhyCode | undefined, l: BadgeLocale): string => (why ? l.b.why[why] : '');
