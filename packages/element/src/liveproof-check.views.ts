/**
 * The templates of `<liveproof-check>`, as pure functions of what the element shows, so that the
 * element's own file holds its behaviour and these hold its looks.
 */
import { html, noChange, nothing, type TemplateResult } from 'lit';
import { Directive, directive, type ElementPart, type PartInfo, PartType } from 'lit/directive.js';
import { LIGHT_RGB, type ChallengeId, type ErrorCode, type LightColour, type ResultResponse } from '@liveproof/protocol';
import type { CheckState } from './events/state.ts';
import { readableOn } from './contrast.ts';
import type { Locale } from './i18n/locale.ts';
import { attemptsLeft, cueOnTheRight, errorCopy, promptCue, promptText, reasonText } from './messages.ts';
import type { PositionHint } from './positioning.ts';

export type StepStatus = 'pending' | 'current' | 'done' | 'failed';

/** Everything the templates read. */
export interface CheckView {
  state: CheckState;
  hint: PositionHint | undefined;
  /** The positioning hint said aloud (a steady one; see `spokenHints`). */
  spokenHint: PositionHint | undefined;
  hold: number;
  /** What loading waits for: the camera, then the face model. */
  loading: 'camera' | 'model';
  challenges: ChallengeId[];
  stepStatus: StepStatus[];
  stepIndex: number;
  progress: number;
  flash: LightColour | undefined;
  noFlash: boolean;
  flashOptOut: boolean;
  /** Interview mode: re-checks come from the interviewer. */
  interview: boolean;
  /** The current or last run answers an interviewer's re-check request. */
  recheck: boolean;
  /** A reference image went with the result (the integration opted in). */
  imageSent: boolean;
  /** High assurance: face crops sent with the result. */
  framesSent: number;
  /** The integration's high-assurance mode is on: say so before the check starts. */
  highAssurance: boolean;
  /** The integration's plans hold a profile turn: said before the check starts. */
  profileTurn: boolean;
  outcome: ResultResponse | undefined;
  error: { code: ErrorCode; message: string } | undefined;
  announcement: string;
  /** Something the candidate should know on the introduction: a stop (Esc) that cost no attempt. */
  notice: '' | 'stopped';
  /** While a result waits to be sent again: the seconds until the next try (0: not waiting). */
  retryingS: number;
  /** The language shown. */
  l: Locale;
}

/** What the element shows that its attributes do not say, and how it starts. */
export type RunView = Omit<CheckView, 'noFlash' | 'interview' | 'highAssurance' | 'profileTurn' | 'flashOptOut' | 'l'>;

export const IDLE_VIEW: RunView = {
  state: 'idle', hint: undefined, spokenHint: undefined, hold: 0, loading: 'camera', challenges: [], stepStatus: [], stepIndex: 0, progress: 0, flash: undefined,
  recheck: false, imageSent: false, framesSent: 0, outcome: undefined, error: undefined, announcement: '', notice: '', retryingS: 0,
};

export interface CheckHandlers {
  start(): void;
  back(): void;
  flashOptOut(event: Event): void;
  /** A tap or click on the flashing colours: the same as Esc (a phone has no Esc key). */
  stopFlashing(): void;
}

const percent = (share: number) => Math.round(share * 100);

/**
 * Inline styles through the CSSOM, always. (Lit's styleMap writes a `style` attribute on its first
 * render, which a page's strict Content-Security-Policy refuses; CSSOM changes it allows.)
 */
class CssProperties extends Directive {
  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.ELEMENT) throw new Error('cssProperties() goes on an element, not in an attribute');
  }
  render(_properties: Record<string, string>) {
    return noChange;
  }
  override update(part: ElementPart, [properties]: [Record<string, string>]) {
    const { style } = part.element as HTMLElement;
    for (const [name, value] of Object.entries(properties)) style.setProperty(name, value);
    return noChange;
  }
}
const cssProperties = directive(CssProperties);

function meter(label: string, share: number): TemplateResult {
  return html`<div class="meter" role="progressbar" aria-label=${label} aria-valuemin="0" aria-valuemax="100" aria-valuenow=${percent(share)}>
    <div ${cssProperties({ width: `${percent(share)}%` })}></div>
  </div>`;
}

/**
 * The full-window colour of the screen-light challenge. A tap anywhere on it stops the colours, as
 * Esc does, and its Stop button says so to touch and screen-reader users.
 */
function flashOverlay(colour: LightColour | undefined, l: Locale, on: CheckHandlers) {
  if (!colour) return nothing;
  // A manual popover sits in the top layer, above the page whatever its layout or transforms.
  return html`<div class="flash" part="flash" popover="manual" data-colour=${colour} @click=${on.stopFlashing} ${cssProperties({ background: `rgb(${LIGHT_RGB[colour].join(' ')})` })}>
    <span ${cssProperties({ color: readableOn(LIGHT_RGB[colour]) })}
      >${l.m.prompts.light}<br /><small>${l.m.check.flashStop}</small><br /><button type="button" class="stop" part="flash-stop">${l.m.check.flashStopButton}</button></span
    >
  </div>`;
}

function prompt(challenge: ChallengeId, l: Locale) {
  const cue = promptCue(challenge);
  const arrow = cue ? html`<span class="arrow" aria-hidden="true">${cue}</span>` : nothing;
  // The arrow on the side the candidate turns toward (the self-view is mirrored), on the left or
  // right of the screen whichever way the words run.
  const after = cueOnTheRight(challenge) !== (l.dir === 'rtl');
  return html`<div class="prompt" part="prompt">${after ? nothing : arrow}<span>${promptText(challenge, l)}</span>${after ? arrow : nothing}</div>`;
}

/** The camera view with its guide, and what lies over it. */
function stage(view: CheckView) {
  const { state } = view;
  if (state !== 'loading' && state !== 'positioning' && state !== 'challenge' && state !== 'submitting') return nothing;
  const challenge = view.challenges[view.stepIndex];
  return html`<div class="stage" part="stage">
    <video part="video" muted playsinline autoplay aria-hidden="true"></video>
    <svg class="guide ${view.hint === 'hold_still' ? 'ok' : ''}" viewBox="0 0 400 300" aria-hidden="true">
      <ellipse cx="200" cy="145" rx="82" ry="108"></ellipse>
    </svg>
    ${state === 'loading' || state === 'submitting'
      ? html`<div class="overlay"><div class="spinner"></div><div>${state === 'loading' ? loadingText(view) : view.l.m.check.checking}</div></div>`
      : nothing}
    ${state === 'challenge' && challenge ? prompt(challenge, view.l) : nothing}
  </div>`;
}

const loadingText = (view: CheckView) => (view.loading === 'camera' ? view.l.m.check.startingCamera : view.l.m.check.loadingModel);

function steps(view: CheckView) {
  if (view.challenges.length === 0) return nothing;
  const { m } = view.l;
  return html`<ol class="steps" part="steps" aria-label=${m.check.challengesLabel}>
    ${view.challenges.map((c, i) => {
      const status = view.stepStatus[i] ?? 'pending';
      return html`<li data-status=${status}>${m.labels[c]}<span class="sr-only">, ${m.check.stepStatus[status]}</span></li>`;
    })}
  </ol>`;
}

function flashNotice(view: CheckView, on: CheckHandlers) {
  if (view.noFlash) return nothing;
  const c = view.l.m.check;
  return html`<div class="notice" part="flash-notice">
    <p><strong>${c.flashTitle}</strong> ${c.flashBody}</p>
    <label><input type="checkbox" .checked=${view.flashOptOut} @change=${on.flashOptOut} /> ${c.flashSkip}</label>
  </div>`;
}

/** What leaves the device: measurements only, or (high assurance) a few small face images too. */
function privacy(view: CheckView) {
  const c = view.l.m.check;
  if (!view.highAssurance) return html`<p class="muted">${c.privacyMeasurements}</p>`;
  return html`<div class="notice" part="privacy-notice" data-high-assurance>
    <p><strong>${c.privacyFramesTitle}</strong> ${c.privacyFramesBody}</p>
  </div>`;
}

/** The profile turn asks more of the neck than the other steps: said first, with what to do if it is too much. */
function profileNotice(view: CheckView) {
  if (!view.profileTurn) return nothing;
  const c = view.l.m.check;
  return html`<p part="profile-notice" data-profile-turn><strong>${c.profileTitle}</strong> ${c.profileBody}</p>`;
}

function intro(view: CheckView, on: CheckHandlers) {
  const c = view.l.m.check;
  const notice = view.notice ? html`<p class="hint" part="status">${c.stoppedNotice}</p>` : nothing;
  if (view.interview) {
    return html`<h2 tabindex="-1">${c.interviewTitle}</h2>
      ${notice}
      <p>${c.interviewBody}</p>
      ${privacy(view)} ${profileNotice(view)}
      ${flashNotice(view, on)}`;
  }
  return html`<h2 tabindex="-1">${c.introTitle}</h2>
    ${notice}
    <p>${c.introBody}</p>
    ${privacy(view)} ${profileNotice(view)}
    ${flashNotice(view, on)}
    <button part="button" @click=${on.start}>${c.start}</button>`;
}

function failed(view: CheckView, on: CheckHandlers) {
  const remaining = view.outcome?.attemptsRemaining ?? 0;
  const { l } = view;
  const c = l.m.check;
  return html`<div class="outcome failed" part="outcome">
      <div class="icon" aria-hidden="true">✕</div>
      <div>
        <h2 tabindex="-1">${view.recheck ? c.recheckFailed : c.failed}</h2>
        <ul class="reasons">
          ${(view.outcome?.reasons ?? []).map((r) => html`<li>${reasonText(r, l)}</li>`)}
        </ul>
      </div>
    </div>
    ${steps(view)}
    ${view.recheck
      ? html`<p class="muted">${c.recheckFailedNext}</p>`
      : remaining > 0
      ? html`<p class="muted">${attemptsLeft(remaining, l)}. ${c.failedAdvice}</p>
          <button part="button" @click=${on.start}>${c.tryAgain}</button>`
      : html`<p class="muted">${c.noAttemptsLeft}</p>`}`;
}

function error(view: CheckView, on: CheckHandlers) {
  const { code } = view.error ?? { code: 'internal_error' as const };
  const copy = errorCopy(code, view.l);
  const c = view.l.m.check;
  return html`<div class="outcome error" part="outcome">
      <div class="icon" aria-hidden="true">!</div>
      <div><h2 tabindex="-1">${copy.title}</h2><p>${copy.body}</p><p class="muted">${c.errorCode(code)}</p></div>
    </div>
    ${copy.back
      ? html`<button part="button" @click=${on.back}>${c.back}</button>`
      : copy.canRetry
        ? html`<button part="button" @click=${on.start}>${c.tryAgain}</button>`
        : nothing}`;
}

/**
 * Each working state's heading: not shown (the camera view says it), but where keyboard focus and
 * screen readers land when the state begins.
 */
const isWorking = (state: CheckState): state is keyof Locale['m']['check']['headings'] => ['loading', 'positioning', 'challenge', 'submitting'].includes(state);

function body(view: CheckView, on: CheckHandlers) {
  const heading = isWorking(view.state) ? view.l.m.check.headings[view.state] : undefined;
  return html`${heading ? html`<h2 class="sr-only" tabindex="-1">${heading}</h2>` : nothing}${stateBody(view, on)}`;
}

function stateBody(view: CheckView, on: CheckHandlers) {
  const { l } = view;
  const c = l.m.check;
  switch (view.state) {
    case 'idle':
      return intro(view, on);
    case 'loading':
      return html`${view.recheck ? html`<p class="hint"><strong>${c.recheckAsked}</strong></p>` : nothing}
        <p class="hint" part="status">${loadingText(view)}</p>`;
    case 'positioning':
      return html`<p class="hint" part="status">${view.hint ? l.m.hints[view.hint] : ''}</p>
        ${meter(c.holdingMeter, view.hold)}`;
    case 'challenge':
      return html`${steps(view)}
        <p class="hint" part="status">${c.stepOf(view.stepIndex + 1, view.challenges.length, l.f)}</p>
        ${meter(c.progressMeter, view.progress)}`;
    case 'submitting':
      return html`${steps(view)}<p class="hint" part="status">${retryingText(view) || c.checkingResult}</p>`;
    case 'passed':
      return html`<div class="outcome passed" part="outcome">
          <div class="icon" aria-hidden="true">✓</div>
          <div>
            <h2 tabindex="-1">${view.recheck ? c.recheckPassed : c.passed}</h2>
            <p>${view.recheck ? c.recheckPassedBody : c.passedBody}</p>
            ${view.imageSent ? html`<p class="muted">${c.imageSent}</p>` : nothing}
            ${view.framesSent ? html`<p class="muted">${c.framesChecked(view.framesSent, l.f)}</p>` : nothing}
          </div>
        </div>
        ${steps(view)}`;
    case 'failed':
      return failed(view, on);
    case 'error':
      return error(view, on);
  }
}

/**
 * What is said politely, as it changes: a steady positioning hint, or why a result waits to be sent
 * again. Like the assertive region, it is in the page from the first render, so that screen readers
 * watch it before anything is written there.
 */
function guidance(view: CheckView): string {
  if (view.state === 'positioning' && view.spokenHint) return view.l.m.hints[view.spokenHint];
  if (view.state === 'submitting') return retryingText(view);
  return '';
}

const retryingText = (view: CheckView) => (view.retryingS > 0 ? view.l.m.check.retrying(view.retryingS, view.l.f) : '');

/**
 * Everything in one wrapper that carries the language and its direction (`display: contents`, so
 * it takes no part in the layout): an Arabic check in an English page still runs right to left.
 */
export function renderCheck(view: CheckView, on: CheckHandlers): TemplateResult {
  return html`<div class="root" lang=${view.l.lang} dir=${view.l.dir}>
    ${flashOverlay(view.flash, view.l, on)}${stage(view)}${body(view, on)}
    <div class="sr-only" aria-live="assertive" aria-atomic="true">${view.announcement}</div>
    <div class="sr-only" role="status" aria-atomic="true">${guidance(view)}</div>
  </div>`;
}
