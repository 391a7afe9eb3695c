import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { decodeJwt } from 'jose';
import {
  CHALLENGES,
  CURRENT_THRESHOLDS,
  LIGHT_RGB,
  LiveproofError,
  type ChallengeId,
  type ErrorCode,
  type LightColour,
  type ResultPayload,
  type ResultResponse,
  type StartAttemptResponse,
  type TraceFrame,
} from '@liveproof/protocol';
import { ApiClient } from './api.ts';
import { createAttemptKey } from './attempt-key.ts';
import { CameraController } from './camera-controller.ts';
import { createFaceEngine, type FaceEngine } from './engine.ts';
import { LiveproofCompleteEvent } from './events/complete.ts';
import { LiveproofErrorEvent } from './events/error.ts';
import { LiveproofPromptEvent } from './events/prompt.ts';
import { CheckState, LiveproofStateEvent } from './events/state.ts';
import { FrameLoopController } from './frame-loop.ts';
import { errorCopy, promptCue, promptText, reasonText } from './messages.ts';
import { POSITION_HINT_TEXT, type PositionHint } from './positioning.ts';
import { CheckRunner, type ChallengeUpdate } from './runner.ts';
import { styles } from './liveproof-check.styles.ts';

/** Give up positioning after this long (seconds) and say why. */
const POSITIONING_TIMEOUT_S = 60;
/** Retries of a result upload lost to the network, with their delays. */
const SUBMIT_RETRY_DELAYS_MS = [500, 1500, 3000];

type StepStatus = 'pending' | 'current' | 'done' | 'failed';

/** Timestamps (performance.now()) and costs of the current run, for benchmarks and diagnostics. */
export interface CheckMetrics {
  connectedAt: number;
  startedAt?: number;
  cameraReadyAt?: number;
  modelReadyAt?: number;
  firstFaceAt?: number;
  firstPromptAt?: number;
  verdictAt?: number;
  /** Milliseconds per processed frame: light, face engine and feature extraction. */
  processingMs: number[];
}

/**
 * `<liveproof-check>`: a liveness check the candidate completes in the browser. It opens the camera,
 * guides the candidate into position, prompts a server-drawn sequence of challenges with live
 * feedback, signs the measured evidence with a per-attempt key and sends it for the server's own
 * verdict. Video never leaves the device; only measurements do.
 *
 * @attr client-token - The session's client token from the hiring system's backend (required).
 * @attr api-base - Base URL of the Liveproof API (default: this page's origin).
 * @attr assets-base - Where the MediaPipe WASM files and model are served (default: `<api-base>/assets/mediapipe`).
 * @attr autostart - Start at once instead of showing the introduction.
 * @prop stream - A camera `MediaStream` to use instead of opening the camera (interview mode).
 *
 * @fires liveproof-state - The element moved to another stage.
 * @fires liveproof-prompt - A challenge was shown.
 * @fires liveproof-complete - The server's verdict and verification token.
 * @fires liveproof-error - The check cannot go on; `detail.code` is stable.
 *
 * @csspart stage - The camera view. @csspart video - The self-view.
 * @csspart prompt - The current instruction. @csspart steps - The list of challenges.
 * @csspart status - The guidance line. @csspart button - Action buttons.
 * @csspart outcome - The result panel. @csspart flash - The full-window colour of the screen-light challenge.
 * @csspart flash-notice - The photosensitivity notice and opt-out on the introduction.
 * @attr positioning-timeout - Seconds to wait for a usable view of the face before giving up (default 60).
 * @attr no-flash - Never flash colours: plans get another movement challenge instead of the screen-light one.
 *
 * @cssprop --liveproof-accent, --liveproof-success, --liveproof-danger, --liveproof-bg,
 *   --liveproof-fg, --liveproof-muted, --liveproof-radius, --liveproof-font, --liveproof-width
 *
 * States (`:state(...)`): idle, loading, positioning, challenge, submitting, passed, failed, error.
 */
export class LiveproofCheck extends LitElement {
  static override styles = styles;

  static override properties = {
    clientToken: { attribute: 'client-token' },
    apiBase: { attribute: 'api-base' },
    assetsBase: { attribute: 'assets-base' },
    autostart: { type: Boolean },
    noFlash: { type: Boolean, attribute: 'no-flash' },
    positioningTimeout: { type: Number, attribute: 'positioning-timeout' },
    stream: { attribute: false },
    _flashOptOut: { state: true },
    _flash: { state: true },
    _state: { state: true },
    _hint: { state: true },
    _hold: { state: true },
    _loading: { state: true },
    _challenges: { state: true },
    _stepStatus: { state: true },
    _stepIndex: { state: true },
    _progress: { state: true },
    _announcement: { state: true },
    _outcome: { state: true },
    _error: { state: true },
  };

  readonly #camera = new CameraController(this);
  readonly #loop = new FrameLoopController(this);
  readonly #internals: ElementInternals;

  declare clientToken: string;
  declare apiBase: string;
  declare assetsBase: string;
  declare autostart: boolean;
  declare noFlash: boolean;
  declare positioningTimeout: number;
  declare stream: MediaStream | undefined;

  declare private _state: CheckState;
  declare private _hint: PositionHint | undefined;
  declare private _hold: number;
  declare private _loading: string;
  declare private _challenges: ChallengeId[];
  declare private _stepStatus: StepStatus[];
  declare private _stepIndex: number;
  declare private _progress: number;
  declare private _flashOptOut: boolean;
  declare private _flash: LightColour | undefined;
  declare private _announcement: string;
  declare private _outcome: ResultResponse | undefined;
  declare private _error: { code: ErrorCode; message: string } | undefined;

  #engine: Promise<FaceEngine> | undefined;
  #abort: AbortController | undefined;
  #pending: { attemptId: string; jws: string } | undefined;
  #metrics: CheckMetrics = { connectedAt: 0, processingMs: [] };

  constructor() {
    super();
    this.#internals = this.attachInternals();
    this.clientToken = '';
    this.apiBase = '';
    this.assetsBase = '';
    this.autostart = false;
    this.stream = undefined;
    this._state = 'idle';
    this._hold = 0;
    this._loading = '';
    this._challenges = [];
    this._stepStatus = [];
    this._stepIndex = 0;
    this._progress = 0;
    this.noFlash = false;
    this.positioningTimeout = POSITIONING_TIMEOUT_S;
    this._flashOptOut = false;
    this._flash = undefined;
    this._announcement = '';
  }

  /** The current stage of the check. */
  get state(): CheckState {
    return this._state;
  }

  /** Timings of the current run. */
  get metrics(): CheckMetrics {
    return { ...this.#metrics, processingMs: [...this.#loop.stats.processingMs] };
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#metrics = { connectedAt: performance.now(), processingMs: [] };
    this.#setCustomState(this._state);
    if (this.autostart) queueMicrotask(() => void this.start());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.cancel();
    void this.#engine?.then((engine) => engine.close()).catch(() => undefined);
    this.#engine = undefined;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('_state' as keyof LiveproofCheck)) {
      const previous = (changed.get('_state' as keyof LiveproofCheck) as CheckState | undefined) ?? 'idle';
      this.#setCustomState(this._state);
      if (previous !== this._state) this.dispatchEvent(new LiveproofStateEvent(this._state, previous));
      // The button the candidate pressed is gone: take keyboard focus to the outcome, if it was ours.
      const outcome = this.renderRoot.querySelector<HTMLElement>('.outcome h2');
      if (outcome && this.matches(':focus-within')) outcome.focus();
    }
  }

  #handleStart = () => void this.start();
  #handleFlashOptOut = (event: Event) => {
    this._flashOptOut = (event.target as HTMLInputElement).checked;
  };

  /** Starts a check, or resumes sending a result that the network lost. */
  async start(): Promise<void> {
    if (this._state !== 'idle' && this._state !== 'failed' && this._state !== 'error') return;
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    const { signal } = abort;
    this._outcome = undefined;
    this._error = undefined;
    this.#metrics.startedAt = performance.now();
    try {
      if (!this.clientToken) throw new LiveproofError('unauthorized', 'No client token was given to the check.');
      const api = new ApiClient(this.#apiBase(), this.clientToken);
      const response = this.#pending ? await this.#submit(api, this.#pending, signal) : await this.#run(api, signal);
      this.#finish(response);
    } catch (error) {
      if (signal.aborted) return;
      this.#fail(error);
    }
  }

  /** Stops the check and releases the camera. A result not yet sent is kept for `start()`. */
  cancel(): void {
    this.#abort?.abort();
    this.#loop.stop();
    this.#camera.stop();
    if (this._state !== 'passed' && this._state !== 'failed') this._state = 'idle';
  }

  async #run(api: ApiClient, signal: AbortSignal): Promise<ResultResponse> {
    const sessionId = sessionIdOf(this.clientToken);
    this._state = 'loading';
    this._loading = 'Starting your camera…';
    const enginePromise = this.#loadEngine();
    const stream = await this.#camera.open(this.stream, signal);
    this.#metrics.cameraReadyAt = performance.now();
    signal.throwIfAborted();
    this._loading = 'Loading the face check…';
    const engine = await enginePromise;
    this.#metrics.modelReadyAt ??= performance.now();
    signal.throwIfAborted();
    const video = await this.#showVideo(stream, signal);

    // Positioning: wait for a steady, neutral, well-placed face.
    const runner = new CheckRunner(CURRENT_THRESHOLDS);
    this._state = 'positioning';
    this._hint = 'no_face';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new LiveproofError('positioning_timeout', 'The face was not steady in view in time.')), this.positioningTimeout * 1000);
      signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          reject(signal.reason);
        },
        { once: true },
      );
      this.#loop.start(video, engine, (frame) => {
        if (frame.n > 0) this.#metrics.firstFaceAt ??= performance.now();
        const update = runner.position(frame);
        this._hint = update.hint;
        this._hold = update.hold;
        if (update.phase === 'ready') {
          clearTimeout(timer);
          resolve();
        }
      });
    });

    // The attempt: a fresh key, a server-drawn plan.
    const key = await createAttemptKey();
    const device = this.#camera.device();
    const lightOptOut = this.noFlash || this._flashOptOut;
    const started = await api.startAttempt(sessionId, { publicKey: key.publicJwk, device, ...(lightOptOut ? { lightOptOut } : {}) }, signal);
    const origin = performance.now();
    const finished = this.#runChallenges(runner, started, origin, signal);
    const trace = await finished;
    this.#loop.stop();
    this.#camera.stop(); // leaves a stream the page handed over running for its owner

    this._state = 'submitting';
    const payload: ResultPayload = {
      v: 1,
      attemptId: started.attemptId,
      nonce: started.plan.nonce,
      planToken: started.planToken,
      trace,
      device,
      sentAt: Date.now(),
    };
    this.#pending = { attemptId: started.attemptId, jws: await key.sign(payload) };
    return this.#submit(api, this.#pending, signal);
  }

  #runChallenges(runner: CheckRunner, started: StartAttemptResponse, origin: number, signal: AbortSignal) {
    const { plan } = started;
    this._challenges = plan.challenges;
    this._stepStatus = plan.challenges.map(() => 'pending');
    this._state = 'challenge';
    const show = (update: ChallengeUpdate) => {
      this._stepIndex = update.index;
      this._progress = update.evaluation.progress;
      this._flash = update.flash;
      if (update.prompted) {
        this._stepStatus = this._stepStatus.map((s, i) => (i < update.index ? 'done' : i === update.index ? 'current' : s));
        const text = promptText(update.challenge);
        this.#announce(`Step ${update.index + 1} of ${plan.challenges.length}: ${text}`);
        this.#metrics.firstPromptAt ??= performance.now();
        this.dispatchEvent(
          new LiveproofPromptEvent({ attemptId: started.attemptId, challenge: update.challenge, index: update.index, total: plan.challenges.length, text }),
        );
      }
    };
    return new Promise<ReturnType<CheckRunner['trace']>>((resolve, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      show(runner.begin(plan, origin, performance.now()));
      this.#loop.setHandler((frame: TraceFrame, now: number) => {
        const update = runner.challenge(frame, now);
        if (!update) return;
        show(update);
        if (update.outcome) {
          this._flash = undefined;
          const passed = update.outcome === 'completed';
          this._stepStatus = this._stepStatus.map((s, i) => (i < update.index || passed ? 'done' : i === update.index ? 'failed' : s));
          resolve(runner.trace());
        }
      });
    });
  }

  /** Sends the signed result; retries what the network lost; reads back a result already recorded. */
  async #submit(api: ApiClient, pending: { attemptId: string; jws: string }, signal: AbortSignal): Promise<ResultResponse> {
    this._state = 'submitting';
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await api.submitResult(pending.attemptId, pending.jws, signal);
        this.#pending = undefined;
        return response;
      } catch (error) {
        if (error instanceof LiveproofError && error.code === 'result_already_submitted') {
          this.#pending = undefined;
          return api.outcome(pending.attemptId, signal);
        }
        const retry = SUBMIT_RETRY_DELAYS_MS[attempt];
        if (!(error instanceof LiveproofError && error.code === 'network_error') || retry === undefined) {
          // A refusal (not a network loss) is final for this result.
          if (!(error instanceof LiveproofError && error.code === 'network_error')) this.#pending = undefined;
          throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, retry));
        signal.throwIfAborted();
      }
    }
  }

  #finish(response: ResultResponse): void {
    this.#metrics.verdictAt = performance.now();
    this._outcome = response;
    this._state = response.result === 'pass' ? 'passed' : 'failed';
    this.#announce(response.result === 'pass' ? 'Check passed.' : 'Check not passed.');
    this.dispatchEvent(new LiveproofCompleteEvent(response));
  }

  #fail(thrown: unknown): void {
    this.#loop.stop();
    this.#camera.stop();
    const error =
      thrown instanceof LiveproofError ? thrown : new LiveproofError('internal_error', thrown instanceof Error ? thrown.message : String(thrown), { cause: thrown });
    this._error = { code: error.code, message: error.message };
    this._state = 'error';
    const copy = errorCopy(error.code, error.message);
    this.#announce(copy.title);
    this.dispatchEvent(new LiveproofErrorEvent({ code: error.code, message: error.message, retryable: copy.canRetry }));
  }

  /** Says `text` in the assertive live region, even when it repeats the previous announcement. */
  #announce(text: string): void {
    this._announcement = '';
    requestAnimationFrame(() => {
      this._announcement = text;
    });
  }

  #loadEngine(): Promise<FaceEngine> {
    this.#engine ??= createFaceEngine({ assetsBase: this.#assetsBase() }).catch((error: unknown) => {
      this.#engine = undefined; // let a retry load it again
      throw error;
    });
    return this.#engine;
  }

  async #showVideo(stream: MediaStream, signal: AbortSignal): Promise<HTMLVideoElement> {
    await this.updateComplete;
    const video = this.renderRoot.querySelector('video')!;
    if (video.srcObject !== stream) video.srcObject = stream;
    await video.play().catch(() => undefined);
    if (video.readyState < 2) {
      await new Promise((resolve, reject) => {
        video.addEventListener('loadeddata', resolve, { once: true });
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    }
    return video;
  }

  #apiBase(): string {
    return this.apiBase || location.origin;
  }

  #assetsBase(): string {
    return this.assetsBase || `${this.#apiBase().replace(/\/+$/, '')}/assets/mediapipe`;
  }

  #setCustomState(state: CheckState): void {
    try {
      for (const name of Object.values(CheckState)) this.#internals.states.delete(name);
      this.#internals.states.add(state);
    } catch {
      // Browsers without custom states: the `state` property and events still tell.
    }
  }

  // ---- rendering ----

  #renderStage() {
    const state = this._state;
    const showVideo = state === 'loading' || state === 'positioning' || state === 'challenge' || state === 'submitting';
    if (!showVideo) return nothing;
    const challenge = this._challenges[this._stepIndex];
    const cue = challenge ? promptCue(challenge) : undefined;
    return html`<div class="stage" part="stage">
      <video part="video" muted playsinline autoplay aria-hidden="true"></video>
      <svg class="guide ${this._hint === 'hold_still' ? 'ok' : ''}" viewBox="0 0 400 300" aria-hidden="true">
        <ellipse cx="200" cy="145" rx="82" ry="108"></ellipse>
      </svg>
      ${state === 'loading' || state === 'submitting'
        ? html`<div class="overlay"><div class="spinner"></div><div>${state === 'loading' ? this._loading : 'Checking…'}</div></div>`
        : nothing}
      ${state === 'challenge' && challenge
        ? html`<div class="prompt" part="prompt">
            ${cue && challenge !== 'turn_right' ? html`<span class="arrow" aria-hidden="true">${cue}</span>` : nothing}${promptText(challenge)}${cue &&
            challenge === 'turn_right'
              ? html`<span class="arrow" aria-hidden="true">${cue}</span>`
              : nothing}
          </div>`
        : nothing}
    </div>`;
  }

  #renderSteps() {
    if (this._challenges.length === 0) return nothing;
    return html`<ol class="steps" part="steps" aria-label="Challenges">
      ${this._challenges.map(
        (c, i) =>
          html`<li data-status=${this._stepStatus[i] ?? 'pending'}>
            ${CHALLENGES[c].label}<span class="sr-only">, ${this._stepStatus[i] ?? 'pending'}</span>
          </li>`,
      )}
    </ol>`;
  }

  #renderBody() {
    switch (this._state) {
      case 'idle':
        return html`<h2>Quick liveness check</h2>
          <p>You will be asked to do a few simple things, like blinking or turning your head. It takes about 15 seconds.</p>
          <p class="muted">Your video stays on this device. Only measurements of your face's movements and colour are sent.</p>
          ${this.noFlash
            ? nothing
            : html`<div class="notice" part="flash-notice">
                <p><strong>Flashing colours.</strong> One step briefly flashes colours on your screen, at most 3 times a second.</p>
                <label><input type="checkbox" .checked=${this._flashOptOut} @change=${this.#handleFlashOptOut} /> Skip flashing lights (you will get a
                  different step instead)</label>
              </div>`}
          <button part="button" @click=${this.#handleStart}>Start check</button>`;
      case 'loading':
        return html`<p class="hint" part="status">${this._loading}</p>`;
      case 'positioning':
        return html`<p class="hint" part="status" role="status">${this._hint ? POSITION_HINT_TEXT[this._hint] : ''}</p>
          <div class="meter" role="progressbar" aria-label="Holding position" aria-valuemin="0" aria-valuemax="100" aria-valuenow=${Math.round(this._hold * 100)}>
            <div style="width:${Math.round(this._hold * 100)}%"></div>
          </div>`;
      case 'challenge':
        return html`${this.#renderSteps()}
          <p class="hint" part="status">Step ${this._stepIndex + 1} of ${this._challenges.length}</p>
          <div class="meter" role="progressbar" aria-label="Progress on this step" aria-valuemin="0" aria-valuemax="100" aria-valuenow=${Math.round(this._progress * 100)}>
            <div style="width:${Math.round(this._progress * 100)}%"></div>
          </div>`;
      case 'submitting':
        return html`${this.#renderSteps()}<p class="hint" part="status">Checking your result…</p>`;
      case 'passed':
        return html`<div class="outcome passed" part="outcome">
            <div class="icon" aria-hidden="true">✓</div>
            <div><h2 tabindex="-1">Check passed</h2><p>You are verified as a live person. You can continue.</p></div>
          </div>
          ${this.#renderSteps()}`;
      case 'failed':
        return this.#renderFailed();
      case 'error':
        return this.#renderError();
    }
  }

  #renderFailed() {
    const outcome = this._outcome;
    const remaining = outcome?.attemptsRemaining ?? 0;
    return html`<div class="outcome failed" part="outcome">
        <div class="icon" aria-hidden="true">✕</div>
        <div>
          <h2 tabindex="-1">Check not passed</h2>
          <ul class="reasons">
            ${(outcome?.reasons ?? []).map((r) => html`<li>${reasonText(r)}</li>`)}
          </ul>
        </div>
      </div>
      ${this.#renderSteps()}
      ${remaining > 0
        ? html`<p class="muted">${remaining} ${remaining === 1 ? 'attempt' : 'attempts'} left. Face the camera in good light and follow each prompt when it appears.</p>
            <button part="button" @click=${this.#handleStart}>Try again</button>`
        : html`<p class="muted">No attempts left. Contact the person who invited you.</p>`}`;
  }

  #renderError() {
    const error = this._error ?? { code: 'internal_error' as const, message: '' };
    const copy = errorCopy(error.code, error.message);
    return html`<div class="outcome error" part="outcome">
        <div class="icon" aria-hidden="true">!</div>
        <div><h2 tabindex="-1">${copy.title}</h2><p>${copy.body}</p><p class="muted">Code: ${error.code}</p></div>
      </div>
      ${copy.canRetry ? html`<button part="button" @click=${this.#handleStart}>Try again</button>` : nothing}`;
  }

  override render() {
    const flash = this._flash ? LIGHT_RGB[this._flash] : undefined;
    return html`${flash
        ? html`<div class="flash" part="flash" data-colour=${this._flash!} style="background: rgb(${flash.join(' ')})">
            <span style="color: ${this._flash === 'green' ? '#000' : '#fff'}">Keep still and look at the screen</span>
          </div>`
        : nothing}
      ${this.#renderStage()}${this.#renderBody()}
      <div class="sr-only" aria-live="assertive" aria-atomic="true">${this._announcement}</div>`;
  }
}

/** The session a client token is for (its `sub`); the server checks the token itself. */
function sessionIdOf(clientToken: string): string {
  try {
    const sub = decodeJwt(clientToken).sub;
    if (sub) return sub;
  } catch {
    // fall through
  }
  throw new LiveproofError('unauthorized', 'The client token is malformed.');
}

if (!customElements.get('liveproof-check')) customElements.define('liveproof-check', LiveproofCheck);

declare global {
  interface HTMLElementTagNameMap {
    'liveproof-check': LiveproofCheck;
  }
}
