import { LitElement, type PropertyValues } from 'lit';
import { decodeJwt } from 'jose';
import {
  CURRENT_THRESHOLDS,
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
import { captureReferenceImage } from './reference-image.ts';
import { createAttemptKey } from './attempt-key.ts';
import { CameraController } from './camera-controller.ts';
import { createFaceEngine, type FaceEngine } from './engine.ts';
import { LiveproofCompleteEvent } from './events/complete.ts';
import { LiveproofErrorEvent } from './events/error.ts';
import { LiveproofPromptEvent } from './events/prompt.ts';
import { CheckState, LiveproofStateEvent } from './events/state.ts';
import { FrameLoopController } from './frame-loop.ts';
import { errorCopy, promptText } from './messages.ts';
import type { PositionHint } from './positioning.ts';
import { CheckRunner, type ChallengeUpdate } from './runner.ts';
import { styles } from './liveproof-check.styles.ts';
import { renderCheck, type CheckHandlers, type StepStatus } from './liveproof-check.views.ts';

/** Give up positioning after this long (seconds) and say why. */
const POSITIONING_TIMEOUT_S = 60;
/** Retries of a result upload lost to the network, with their delays. */
const SUBMIT_RETRY_DELAYS_MS = [500, 1500, 3000];


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
 * @attr autostart - Start at once instead of showing the introduction (only with `flash-consent` or `no-flash`).
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
 * @attr flash-consent - The page has already warned about flashing colours, so `autostart` may skip the introduction.
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
    flashConsent: { type: Boolean, attribute: 'flash-consent' },
    positioningTimeout: { type: Number, attribute: 'positioning-timeout' },
    stream: { attribute: false },
    mode: { type: String },
    _recheck: { state: true },
    _imageSent: { state: true },
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
  declare flashConsent: boolean;
  declare positioningTimeout: number;
  declare stream: MediaStream | undefined;
  /**
   * `check` (default): the check before the interview. `interview`: during the call, the element
   * listens to the session's events and runs a short re-check whenever the interviewer asks for one
   * (on `stream`, the call's camera stream, when given).
   */
  declare mode: 'check' | 'interview';

  declare private _recheck: boolean;
  declare private _imageSent: boolean;
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
  #events: EventSource | undefined;
  #eventsFor = '';
  /** The re-check request the running attempt answers, in interview mode. */
  #recheckId: string | undefined;
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
    this.mode = 'check';
    this._recheck = false;
    this._imageSent = false;
    this._state = 'idle';
    this._hold = 0;
    this._loading = '';
    this._challenges = [];
    this._stepStatus = [];
    this._stepIndex = 0;
    this._progress = 0;
    this.noFlash = false;
    this.flashConsent = false;
    this.positioningTimeout = POSITIONING_TIMEOUT_S;
    // Someone who asks their system for less motion probably wants no flashing either.
    this._flashOptOut = typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
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
    addEventListener('keydown', this.#onKeyDown);
    // Back in the page after a move: listen again for re-check requests (interview mode).
    queueMicrotask(() => this.#listen());
    // Starting at once skips the introduction and its flashing notice: only when the page has
    // warned the candidate itself (flash-consent) or nothing will flash (no-flash).
    if (this.autostart && (this.noFlash || this.flashConsent)) queueMicrotask(() => void this.start());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener('keydown', this.#onKeyDown);
    this.#events?.close();
    this.#events = undefined;
    this.#eventsFor = '';
    this.cancel();
    void this.#engine?.then((engine) => engine.close()).catch(() => undefined);
    this.#engine = undefined;
  }

  /** Esc stops the check while colours flash: nobody should have to sit through them. */
  #onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || this._flash === undefined) return;
    this.cancel();
    this.#announce('Check stopped.');
  };

  /** In interview mode, listens for the interviewer's re-check requests on the session's event stream. */
  #listen(): void {
    const wanted = this.mode === 'interview' && this.clientToken && this.isConnected ? `${this.#apiBase()}|${this.clientToken}` : '';
    if (wanted === this.#eventsFor) return;
    this.#events?.close();
    this.#events = undefined;
    this.#eventsFor = wanted;
    if (!wanted) return;
    let sessionId: string;
    try {
      sessionId = sessionIdOf(this.clientToken);
    } catch {
      return;
    }
    const source = new EventSource(`${this.#apiBase()}/v1/sessions/${encodeURIComponent(sessionId)}/events?access_token=${encodeURIComponent(this.clientToken)}`);
    this.#events = source;
    // Load the face model now, so a re-check starts the moment the interviewer asks for it.
    void this.#loadEngine().catch(() => undefined);
    source.addEventListener('recheck.requested', (message) => {
      const { recheckId } = JSON.parse((message as MessageEvent<string>).data) as { recheckId: string };
      if (this._state !== 'idle' && this._state !== 'passed' && this._state !== 'failed' && this._state !== 'error') return;
      this.#recheckId = recheckId;
      this._recheck = true;
      this.#announce('Your interviewer asked for a quick re-check.');
      void this.start();
    });
  }

  protected override updated(changed: PropertyValues<this>): void {
    // Not on every render: during a check the element renders for each camera frame.
    if (changed.has('mode') || changed.has('clientToken') || changed.has('apiBase')) this.#listen();
    const flash = this.renderRoot.querySelector<HTMLElement>('.flash');
    if (flash && 'showPopover' in flash && !flash.matches(':popover-open')) flash.showPopover();
    if (changed.has('_state' as keyof LiveproofCheck)) {
      const previous = (changed.get('_state' as keyof LiveproofCheck) as CheckState | undefined) ?? 'idle';
      this.#setCustomState(this._state);
      if (previous !== this._state) this.dispatchEvent(new LiveproofStateEvent(this._state, previous));
      // The button the candidate pressed is gone: take keyboard focus to the outcome, if it was ours.
      const outcome = this.renderRoot.querySelector<HTMLElement>('.outcome h2');
      if (outcome && this.matches(':focus-within')) outcome.focus();
    }
  }

  readonly #handlers: CheckHandlers = {
    start: () => void this.start(),
    back: () => {
      this._error = undefined;
      this._state = 'idle';
    },
    flashOptOut: (event: Event) => {
      this._flashOptOut = (event.target as HTMLInputElement).checked;
    },
  };

  /** Starts a check, or resumes sending a result that the network lost. */
  async start(): Promise<void> {
    const again = this._state === 'failed' || this._state === 'error' || (this._state === 'passed' && this.#recheckId !== undefined);
    if (this._state !== 'idle' && !again) return;
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
    const recheckId = this.#recheckId;
    this.#recheckId = undefined;
    const started = await api.startAttempt(
      sessionId,
      { publicKey: key.publicJwk, device, ...(recheckId ? { recheckId } : lightOptOut ? { lightOptOut } : {}) },
      signal,
    );
    const origin = performance.now();
    const finished = this.#runChallenges(runner, started, origin, signal, api);
    const trace = await finished;
    this.#loop.stop();
    const passedHere = this._stepStatus.every((s) => s === 'done');
    const referenceImage = started.plan.referenceImage && passedHere ? await captureReferenceImage(video, trace.frames).catch(() => undefined) : undefined;
    this._imageSent = referenceImage !== undefined;
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
      ...(referenceImage ? { referenceImage } : {}),
    };
    this.#pending = { attemptId: started.attemptId, jws: await key.sign(payload) };
    return this.#submit(api, this.#pending, signal);
  }

  #runChallenges(runner: CheckRunner, started: StartAttemptResponse, origin: number, signal: AbortSignal, api: ApiClient) {
    const { plan } = started;
    this._challenges = plan.challenges;
    this._stepStatus = plan.challenges.map(() => 'pending');
    this._state = 'challenge';
    const show = (update: ChallengeUpdate) => {
      this._stepIndex = update.index;
      this._progress = update.evaluation.progress;
      if (update.prompted) {
        this._stepStatus = this._stepStatus.map((s, i) => (i < update.index ? 'done' : i === update.index ? 'current' : s));
        const text = promptText(update.challenge);
        this.#announce(`Step ${update.index + 1} of ${plan.challenges.length}: ${text}`);
        this.#metrics.firstPromptAt ??= performance.now();
        this.dispatchEvent(
          new LiveproofPromptEvent({ attemptId: started.attemptId, challenge: update.challenge, index: update.index, total: plan.challenges.length, text }),
        );
        // For an interviewer watching live; the check never waits for it, nor fails without it.
        api.reportPrompt(started.attemptId, update.index, update.challenge);
      }
    };
    // The screen-light colours follow the display's own frames, not the camera's.
    let raf = 0;
    const light = () => {
      this._flash = runner.tickLight(performance.now());
      raf = requestAnimationFrame(light);
    };
    const stopLight = () => {
      cancelAnimationFrame(raf);
      this._flash = undefined;
    };
    return new Promise<ReturnType<CheckRunner['trace']>>((resolve, reject) => {
      signal.addEventListener(
        'abort',
        () => {
          stopLight();
          reject(signal.reason);
        },
        { once: true },
      );
      show(runner.begin(plan, origin, performance.now()));
      if (plan.light) light();
      this.#loop.setHandler((frame: TraceFrame, now: number) => {
        const update = runner.challenge(frame, now);
        if (!update) return;
        show(update);
        if (update.outcome) {
          stopLight();
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

  override render() {
    return renderCheck(
      {
        state: this._state,
        hint: this._hint,
        hold: this._hold,
        loading: this._loading,
        challenges: this._challenges,
        stepStatus: this._stepStatus,
        stepIndex: this._stepIndex,
        progress: this._progress,
        flash: this._flash,
        noFlash: this.noFlash,
        flashOptOut: this._flashOptOut,
        interview: this.mode === 'interview',
        recheck: this._recheck,
        imageSent: this._imageSent,
        outcome: this._outcome,
        error: this._error,
        announcement: this._announcement,
      },
      this.#handlers,
    );
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

/** Registers `<liveproof-check>`, unless the tag is taken; `@liveproof/element/define` calls it. */
export function defineLiveproofCheck(): void {
  if (!customElements.get('liveproof-check')) customElements.define('liveproof-check', LiveproofCheck);
}

declare global {
  interface HTMLElementTagNameMap {
    'liveproof-check': LiveproofCheck;
  }
}
