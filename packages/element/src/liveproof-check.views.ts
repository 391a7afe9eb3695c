/**
 * The templates of `<liveproof-check>`, as pure functions of what the element shows, so that the
 * element's own file holds its behaviour and these hold its looks.
 */
import { html, noChange, nothing, type TemplateResult } from 'lit';
import { Directive, directive, type ElementPart, type PartInfo, PartType } from 'lit/directive.js';
import { CHALLENGES, LIGHT_RGB, type ChallengeId, type ErrorCode, type LightColour, type ResultResponse } from '@liveproof/protocol';
import type { CheckState } from './events/state.ts';
import { readableOn } from './contrast.ts';
import { NO_ATTEMPTS_LEFT, RECHECK_FAILED_NEXT, attemptsLeft, errorCopy, promptCue, promptText, reasonText } from './messages.ts';
import { POSITION_HINT_TEXT, type PositionHint } from './positioning.ts';

export type StepStatus = 'pending' | 'current' | 'done' | 'failed';

/** Everything the templates read. */
export interface CheckView {
  state: CheckState;
  hint: PositionHint | undefined;
  hold: number;
  loading: string;
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
  /** Something the candidate should know on the introduction (a stop that cost no attempt). */
  notice: string;
  /** While a result waits to be sent again. */
  retrying: string;
}

/** What the element shows that its attributes do not say, and how it starts. */
export type RunView = Omit<CheckView, 'noFlash' | 'interview' | 'highAssurance' | 'profileTurn' | 'flashOptOut'>;

export const IDLE_VIEW: RunView = {
  state: 'idle', hint: undefined, hold: 0, loading: '', challenges: [], stepStatus: [], stepIndex: 0, progress: 0, flash: undefined,
  recheck: false, imageSent: false, framesSent: 0, outcome: undefined, error: undefined, announcement: '', notice: '', retrying: '',
};

export interface CheckHandlers {
  start(): void;
  back(): void;
  flashOptOut(event: Event): void;
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

/** The full-window colour of the screen-light challenge. */
function flashOverlay(colour: LightColour | undefined) {
  if (!colour) return nothing;
  // A manual popover sits in the top layer, above the page whatever its layout or transforms.
  return html`<div class="flash" part="flash" popover="manual" data-colour=${colour} ${cssProperties({ background: `rgb(${LIGHT_RGB[colour].join(' ')})` })}>
    <span ${cssProperties({ color: readableOn(LIGHT_RGB[colour]) })}>Keep still and look at the screen<br /><small>Press Esc to stop</small></span>
  </div>`;
}

function prompt(challenge: ChallengeId) {
  const cue = promptCue(challenge);
  const arrow = cue ? html`<span class="arrow" aria-hidden="true">${cue}</span>` : nothing;
  // The arrow on the side the candidate turns toward (the self-view is mirrored).
  const after = challenge === 'turn_right' || challenge === 'profile_right';
  return html`<div class="prompt" part="prompt">${after ? nothing : arrow}${promptText(challenge)}${after ? arrow : nothing}</div>`;
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
      ? html`<div class="overlay"><div class="spinner"></div><div>${state === 'loading' ? view.loading : 'Checking…'}</div></div>`
      : nothing}
    ${state === 'challenge' && challenge ? prompt(challenge) : nothing}
  </div>`;
}

function steps(view: CheckView) {
  if (view.challenges.length === 0) return nothing;
  return html`<ol class="steps" part="steps" aria-label="Challenges">
    ${view.challenges.map((c, i) => {
      const status = view.stepStatus[i] ?? 'pending';
      return html`<li data-status=${status}>${CHALLENGES[c].label}<span class="sr-only">, ${status}</span></li>`;
    })}
  </ol>`;
}

function flashNotice(view: CheckView, on: CheckHandlers) {
  if (view.noFlash) return nothing;
  return html`<div class="notice" part="flash-notice">
    <p><strong>Flashing colours.</strong> One step briefly flashes colours on your screen, at most 3 times a second. Press Esc to stop them at any time.</p>
    <label><input type="checkbox" .checked=${view.flashOptOut} @change=${on.flashOptOut} /> Skip flashing lights (you will get a different step
      instead)</label>
  </div>`;
}

/** What leaves the device: measurements only, or (high assurance) a few small face images too. */
function privacy(view: CheckView) {
  if (!view.highAssurance) return html`<p class="muted">Your video stays on this device. Only measurements of your face's movements and colour are sent.</p>`;
  return html`<div class="notice" part="privacy-notice" data-high-assurance>
    <p><strong>A few face images are sent.</strong> Your video stays on this device, but for this check about eight small still images of your face
      (close crops, chosen by the server after the check) are sent so the server can confirm them itself. They are deleted once checked, unless
      the hiring team keeps them for a set time for its reviewers.</p>
  </div>`;
}

/** The profile turn asks more of the neck than the other steps: said first, with what to do if it is too much. */
function profileNotice(view: CheckView) {
  if (!view.profileTurn) return nothing;
  return html`<p part="profile-notice" data-profile-turn><strong>A bigger head turn.</strong> One step asks you to turn your head toward a
    shoulder, as far as is comfortable, and hold it until you hear a tone. If you cannot turn your head that far, tell the hiring team before
    you start.</p>`;
}

function intro(view: CheckView, on: CheckHandlers) {
  const notice = view.notice ? html`<p class="hint" part="status" role="status">${view.notice}</p>` : nothing;
  if (view.interview) {
    return html`<h2 tabindex="-1">Interview in progress</h2>
      ${notice}
      <p>Your interviewer may ask you for a quick re-check during the call: a few simple steps, about ten seconds. It starts by itself when they ask.</p>
      ${privacy(view)} ${profileNotice(view)}
      ${flashNotice(view, on)}`;
  }
  return html`<h2 tabindex="-1">Quick liveness check</h2>
    ${notice}
    <p>You will be asked to do a few simple things, like blinking or turning your head. Do each one as soon as it appears. It takes about 15 seconds.</p>
    ${privacy(view)} ${profileNotice(view)}
    ${flashNotice(view, on)}
    <button part="button" @click=${on.start}>Start check</button>`;
}

function failed(view: CheckView, on: CheckHandlers) {
  const remaining = view.outcome?.attemptsRemaining ?? 0;
  return html`<div class="outcome failed" part="outcome">
      <div class="icon" aria-hidden="true">✕</div>
      <div>
        <h2 tabindex="-1">${view.recheck ? 'Re-check not passed' : 'Check not passed'}</h2>
        <ul class="reasons">
          ${(view.outcome?.reasons ?? []).map((r) => html`<li>${reasonText(r)}</li>`)}
        </ul>
      </div>
    </div>
    ${steps(view)}
    ${view.recheck
      ? html`<p class="muted">${RECHECK_FAILED_NEXT}</p>`
      : remaining > 0
      ? html`<p class="muted">${attemptsLeft(remaining)}. Face the camera in good light and do each action as soon as its prompt appears.</p>
          <button part="button" @click=${on.start}>Try again</button>`
      : html`<p class="muted">${NO_ATTEMPTS_LEFT}</p>`}`;
}

function error(view: CheckView, on: CheckHandlers) {
  const { code, message } = view.error ?? { code: 'internal_error' as const, message: '' };
  const copy = errorCopy(code, message);
  return html`<div class="outcome error" part="outcome">
      <div class="icon" aria-hidden="true">!</div>
      <div><h2 tabindex="-1">${copy.title}</h2><p>${copy.body}</p><p class="muted">Code: ${code}</p></div>
    </div>
    ${copy.back
      ? html`<button part="button" @click=${on.back}>Back</button>`
      : copy.canRetry
        ? html`<button part="button" @click=${on.start}>Try again</button>`
        : nothing}`;
}

/**
 * Each working state's heading: not shown (the camera view says it), but where keyboard focus and
 * screen readers land when the state begins.
 */
const WORKING_HEADING: Partial<Record<CheckState, string>> = {
  loading: 'Getting the check ready',
  positioning: 'Position your face',
  challenge: 'Follow the prompts',
  submitting: 'Checking your result',
};

function body(view: CheckView, on: CheckHandlers) {
  const heading = WORKING_HEADING[view.state];
  return html`${heading ? html`<h2 class="sr-only" tabindex="-1">${heading}</h2>` : nothing}${stateBody(view, on)}`;
}

function stateBody(view: CheckView, on: CheckHandlers) {
  switch (view.state) {
    case 'idle':
      return intro(view, on);
    case 'loading':
      return html`${view.recheck ? html`<p class="hint"><strong>Your interviewer asked for a quick re-check.</strong></p>` : nothing}
        <p class="hint" part="status">${view.loading}</p>`;
    case 'positioning':
      return html`<p class="hint" part="status" role="status">${view.hint ? POSITION_HINT_TEXT[view.hint] : ''}</p>
        ${meter('Holding position', view.hold)}`;
    case 'challenge':
      return html`${steps(view)}
        <p class="hint" part="status">Step ${view.stepIndex + 1} of ${view.challenges.length}</p>
        ${meter('Progress on this step', view.progress)}`;
    case 'submitting':
      return html`${steps(view)}<p class="hint" part="status" role="status">${view.retrying || 'Checking your result…'}</p>`;
    case 'passed':
      return html`<div class="outcome passed" part="outcome">
          <div class="icon" aria-hidden="true">✓</div>
          <div>
            <h2 tabindex="-1">${view.recheck ? 'Re-check passed' : 'Check passed'}</h2>
            <p>${view.recheck ? 'Thank you. Your interviewer can see the result.' : 'You are verified as a live person. You can continue.'}</p>
            ${view.imageSent ? html`<p class="muted">One small photo of your face from the end of the check was sent for your interviewer to compare with the call; it is deleted after a set time.</p>` : nothing}
            ${view.framesSent ? html`<p class="muted">${view.framesSent} small face images were checked by the server.</p>` : nothing}
          </div>
        </div>
        ${steps(view)}`;
    case 'failed':
      return failed(view, on);
    case 'error':
      return error(view, on);
  }
}

export function renderCheck(view: CheckView, on: CheckHandlers): TemplateResult {
  return html`${flashOverlay(view.flash)}${stage(view)}${body(view, on)}
    <div class="sr-only" aria-live="assertive" aria-atomic="true">${view.announcement}</div>`;
}
