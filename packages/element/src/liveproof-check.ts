import { LitElement, type PropertyValues } from 'lit';
import {
  CURRENT_THRESHOLDS,
  LiveproofError,
  type ChallengeId,
  type ErrorCode,
  type LightColour,
  type ResultPayload,
  type ResultResponse,
  type ResultFrame,
  type StartAttemptResponse,
  type Trace,
  type TraceFrame,
  traceDigestInput,
} from '@liveproof/protocol';
import { ApiClient } from './api.ts';
import { expiresSoon, highAssuranceOf, missingTokenAdvice, sessionIdOf } from './client-token.ts';
import { FrameSampler } from './frame-sampler.ts';
import { clearPending, loadPending, savePending, type PendingResult } from './pending-result.ts';
import { SessionEventsController } from './session-events-controller.ts';
import { captureReferenceImage } from './reference-image.ts';
import { createAttemptKey, type AttemptKey } from './attempt-key.ts';
import { CameraController } from './camera-controller.ts';
import { createFaceEngine, type FaceEngine } from './engine.ts';
import { LiveproofCompleteEvent } from './events/complete.ts';
import { LiveproofErrorEvent } from './events/error.ts';
import { LiveproofPromptEvent } from './events/prompt.ts';
import { CheckState, LiveproofStateEvent } from './events/state.ts';
import { FrameLoopController } from './frame-loop.ts';
import { errorCopy, promptText } from './messages.ts';
import type { PositionHint } from './positioning.ts';
import { deviceFingerprint, measureCadence, rendererClass, type CadenceMeter } from './device-probe.ts';
import { startNetworkProbes } from './network-probes.ts';
import { CheckRunner, type ChallengeUpdate } from './runner.ts';
import { styles } from './liveproof-check.styles.ts';
import { renderCheck, type CheckHandlers, type StepStatus } from './liveproof-check.views.ts';

/** Give up positioning after this long (seconds) and say why. */
const POSITIONING_TIMEOUT_S = 60;

/** Refusals of a signed result that the server still recorded: the element then shows the recorded outcome. */
const RECORDED_REFUSALS: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['invalid_result', 'plan_mismatch', 'clock_mismatch', 'attempt_expired']);

/** The attempt under way: what a stop (Esc during the flashing colours) must sign. */
interface RunningAttempt {
  sessionId: string;
  attemptId: string;
  nonce: string;
  expiresAt: number;
  key: AttemptKey;
}


/** Timestamps (performance.now()) and costs of the current run, for benchmarks and diagnostics. */
export interface CheckMetrics {
  connectedAt: number;
  startedAt?: number;
  cameraReadyAt?: number;
  modelReadyAt?: number;
  firstFaceAt?: number;
  firstPromptAt?: number;
  verdictAt?: number;
  /** How long the result waited for the network probes after the last challenge (ms). */
  probesWaitMs?: number;
  /** When the last challenge ended. */
  challengesDoneAt?: number;
  /** High assurance: the commitment's round trip and the crops' encoding (ms). */
  framesWaitMs?: number;
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
 * @prop tokenProvider - `() => Promise<string>`: a fresh client token from your backend
 *   (`POST /v1/sessions/{id}/client-tokens`), asked for shortly before the current one expires, so
 *   interview mode keeps working through a call longer than a token lives.
 * @attr api-base - Base URL of the Liveproof API (default: this page's origin).
 * @attr assets-base - Where the MediaPipe WASM files and model are served (default: `<api-base>/assets/mediapipe`).
 * @attr autostart - Start at once instead of showing the introduction (only with `flash-consent` or `no-flash`).
 * @prop stream - A camera `MediaStream` to use instead of opening the camera (interview mode).
 *
 * @fires liveproof-state - The element moved to another stage.
 * @fires liveproof-prompt - A challenge was shown.
 * @fires liveproof-complete - The server's verdict and verification token.
 * @fires liveproof-error - The check cannot go on; `detail.code` is stable (`client_token_missing`
 *   when the page gave no token: the console says what is wrong).
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
    tokenProvider: { attribute: false },
    mode: { type: String },
    _notice: { state: true },
    _retrying: { state: true },
    _recheck: { state: true },
    _imageSent: { state: true },
    _framesSent: { state: true },
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
  readonly #sessionEvents = new SessionEventsController(this, {
    base: () => this.#apiBase(),
    token: () => this.#freshToken().catch(() => undefined),
    onRecheck: (recheckId) => this.#onRecheck(recheckId),
  });
  readonly #internals: ElementInternals;

  declare clientToken: string;
  declare apiBase: string;
  declare assetsBase: string;
  declare autostart: boolean;
  declare noFlash: boolean;
  declare flashConsent: boolean;
  declare positioningTimeout: number;
  declare stream: MediaStream | undefined;
  /** Asked for a fresh client token before the current one expires (interview mode, long checks). */
  declare tokenProvider: (() => Promise<string>) | undefined;
  /**
   * `check` (default): the check before the interview. `interview`: during the call, the element
   * listens to the session's events and runs a short re-check whenever the interviewer asks for one
   * (on `stream`, the call's camera stream, when given).
   */
  declare mode: 'check' | 'interview';

  declare private _recheck: boolean;
  /** Said on the introduction after something the candidate should know (a stop that cost no attempt). */
  declare private _notice: string;
  /** While a result waits to be sent again: what is happening. */
  declare private _retrying: string;
  declare private _imageSent: boolean;
  /** High assurance: how many face crops went with the result. */
  declare private _framesSent: number;
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
  /** The re-check request the running attempt answers, in interview mode. */
  #recheckId: string | undefined;
  #abort: AbortController | undefined;
  /** A signed result (or stop) the server has not acknowledged yet: it is sent before anything else. */
  #pending: PendingResult | undefined;
  #running: RunningAttempt | undefined;
  #metrics: CheckMetrics = { connectedAt: 0, processingMs: [] };
  /** High assurance: crops of the processed frames, on this device until the server asks for a few. */
  readonly #sampler = new FrameSampler();
  /** The page's frame cadence, measured while the face model is not running (it would slow the frames itself). */
  #cadence: CadenceMeter | undefined;

  constructor() {
    super();
    this.#internals = this.attachInternals();
    this.clientToken = '';
    this.apiBase = '';
    this.assetsBase = '';
    this.autostart = false;
    this.stream = undefined;
    this.tokenProvider = undefined;
    this.mode = 'check';
    this._recheck = false;
    this._notice = '';
    this._retrying = '';
    this._imageSent = false;
    this._framesSent = 0;
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
    this.#cadence ??= measureCadence();
    this.#setCustomState(this._state);
    addEventListener('keydown', this.#onKeyDown);
    // Back in the page after a move: listen again for re-check requests (interview mode).
    queueMicrotask(() => this.#listen());
    if (!this.clientToken) queueMicrotask(() => this.#warnIfNoToken());
    // Starting at once skips the introduction and its flashing notice: only when the page has
    // warned the candidate itself (flash-consent) or nothing will flash (no-flash).
    if (this.autostart && (this.noFlash || this.flashConsent)) queueMicrotask(() => void this.start());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener('keydown', this.#onKeyDown);
    this.cancel();
    void this.#engine?.then((engine) => engine.close()).catch(() => undefined);
    this.#engine = undefined;
  }

  /**
   * Esc stops the check while colours flash: nobody should have to sit through them. The stop is
   * signed and sent like a result; it does not use up an attempt, and the next try skips the
   * flashing colours (a movement instead, recorded as an opt-out).
   */
  #onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || this._flash === undefined) return;
    const running = this.#running;
    this.cancel();
    this._flashOptOut = true;
    this._notice = 'You stopped the flashing colours. That did not use up an attempt; the next try skips them.';
    this.#announce('Check stopped. The flashing colours are off.');
    if (running) void this.#sendStop(running);
  };

  async #sendStop(running: RunningAttempt): Promise<void> {
    const jws = await running.key.sign({ v: 1, attemptId: running.attemptId, nonce: running.nonce, stop: 'flashing', sentAt: Date.now() });
    const pending: PendingResult = { sessionId: running.sessionId, attemptId: running.attemptId, purpose: 'stop', jws, expiresAt: running.expiresAt };
    this.#keep(pending);
    try {
      await new ApiClient(this.#apiBase(), this.clientToken).submitWithRetry(pending);
      this.#forget(pending);
    } catch {
      // Kept: the next start sends it first.
    }
  }

  /** In interview mode, listens for the interviewer's re-check requests on the session's event stream. */
  #listen(): void {
    let sessionId: string | undefined;
    try {
      sessionId = this.mode === 'interview' && this.clientToken && this.isConnected ? sessionIdOf(this.clientToken) : undefined;
    } catch {
      sessionId = undefined;
    }
    this.#sessionEvents.follow(sessionId);
    // Load the face model now, so a re-check starts the moment the interviewer asks for it.
    if (sessionId) void this.#loadEngine().catch(() => undefined);
  }

  #onRecheck(recheckId: string): void {
    if (this._state !== 'idle' && this._state !== 'passed' && this._state !== 'failed' && this._state !== 'error') return;
    if (recheckId === this.#recheckId) return;
    this.#recheckId = recheckId;
    this._recheck = true;
    this.#announce('Your interviewer asked for a quick re-check.');
    void this.start();
  }

  /** The client token, fresh: the page's `tokenProvider` is asked for a new one shortly before it expires. */
  async #freshToken(): Promise<string> {
    if (!this.clientToken) {
      this.#warnIfNoToken();
      throw new LiveproofError('client_token_missing', 'The page did not give the check its client token.');
    }
    if (this.tokenProvider && expiresSoon(this.clientToken)) {
      const fresh = await this.tokenProvider();
      if (fresh) this.clientToken = fresh;
    }
    return this.clientToken;
  }

  #warnIfNoToken(): void {
    if (!this.clientToken && this.isConnected) console.error(missingTokenAdvice(this));
  }

  #hasPendingResult(): boolean {
    try {
      return loadPending(sessionIdOf(this.clientToken))?.purpose === 'result';
    } catch {
      return false;
    }
  }

  #keep(pending: PendingResult): void {
    this.#pending = pending;
    savePending(pending);
  }

  #forget(pending: PendingResult): void {
    if (this.#pending?.attemptId === pending.attemptId) this.#pending = undefined;
    clearPending(pending.sessionId);
  }

  protected override updated(changed: PropertyValues<this>): void {
    // Not on every render: during a check the element renders for each camera frame.
    const newSession = changed.has('clientToken') && this.#sessionChanged(changed.get('clientToken') as string | undefined);
    if (changed.has('mode') || changed.has('apiBase') || newSession) this.#listen();
    // A signed result this tab could not deliver before (a reload, a lost connection): send it now.
    if (newSession && this._state === 'idle' && this.#hasPendingResult()) void this.start();
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

  /** A fresh token for the same session does not need a new stream. */
  #sessionChanged(previous: string | undefined): boolean {
    try {
      return !previous || !this.clientToken || sessionIdOf(previous) !== sessionIdOf(this.clientToken);
    } catch {
      return true;
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

  /** Starts a check, or first sends a signed result (or stop) the server has not acknowledged. */
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
      const token = await this.#freshToken();
      const sessionId = sessionIdOf(token);
      const api = new ApiClient(this.#apiBase(), token);
      const pending = this.#pending?.sessionId === sessionId ? this.#pending : loadPending(sessionId);
      if (pending?.purpose === 'result') return this.#finish(await this.#submit(api, pending, signal));
      if (pending?.purpose === 'stop') await this.#submit(api, pending, signal).catch(() => undefined);
      this._notice = '';
      this.#finish(await this.#run(api, sessionId, signal));
    } catch (error) {
      if (signal.aborted) return;
      this.#fail(error);
    }
  }

  /** Stops the check and releases the camera. A result not yet sent is kept for `start()`. */
  cancel(): void {
    this.#abort?.abort();
    this.#running = undefined;
    this.#loop.stop();
    this.#camera.stop();
    if (this._state !== 'passed' && this._state !== 'failed') this._state = 'idle';
  }

  async #run(api: ApiClient, sessionId: string, signal: AbortSignal): Promise<ResultResponse> {
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
    // High assurance (the integration's, as the client token tells): crops kept from now, on this device.
    const sampling = highAssuranceOf(this.clientToken);
    const keepMs = CURRENT_THRESHOLDS.positioning.baselineMs + 1000;
    this.#sampler.clear();
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
        if (sampling) {
          this.#sampler.capture(video, frame);
          this.#sampler.forgetBefore(frame.t - keepMs);
        }
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
    device.renderer = rendererClass();
    const fingerprint = await deviceFingerprint(device.cameraLabel);
    if (fingerprint) device.fingerprint = fingerprint;
    const lightOptOut = this.noFlash || this._flashOptOut;
    const recheckId = this.#recheckId;
    this.#recheckId = undefined;
    // A re-check follows the same light policy as a check: the candidate's opt-out goes with it.
    const body = { publicKey: key.publicJwk, device, ...(recheckId ? { recheckId } : {}), ...(lightOptOut ? { lightOptOut } : {}) };
    api.token = await this.#freshToken();
    const started = await api.startAttempt(sessionId, body, signal);
    const origin = performance.now();
    this.#running = { sessionId, attemptId: started.attemptId, nonce: started.plan.nonce, expiresAt: Date.parse(started.plan.expiresAt), key };
    // The network probes run beside the challenges (the UDP probe's credentials come with the plan)
    // and are done before the result goes: they add nothing to the time to the verdict.
    const probes = startNetworkProbes(api, started.attemptId, started.plan.ice);
    this.#sampler.keepAll();
    const trace = await this.#runChallenges(runner, started, origin, signal, api, sampling ? video : undefined).finally(() => probes.stop());
    // High assurance: commit to the trace, then answer the moments the server draws with their crops.
    this.#metrics.challengesDoneAt = performance.now();
    const frames = started.plan.highAssurance ? await this.#answerFrames(api, started, key, trace, origin, signal) : undefined;
    if (started.plan.highAssurance) this.#metrics.framesWaitMs = performance.now() - this.#metrics.challengesDoneAt;
    this.#sampler.clear();
    this._framesSent = frames?.length ?? 0;
    const probesFrom = performance.now();
    const network = await probes.finish();
    this.#metrics.probesWaitMs = performance.now() - probesFrom;
    this.#loop.stop();
    this.#running = undefined;
    const passedHere = this._stepStatus.every((s) => s === 'done');
    const referenceImage = started.plan.referenceImage && passedHere ? await captureReferenceImage(video, trace.frames).catch(() => undefined) : undefined;
    this._imageSent = referenceImage !== undefined;
    this.#camera.stop(); // leaves a stream the page handed over running for its owner

    this._state = 'submitting';
    // The cadence measured since the element appeared (the result's device is the one scored).
    const hz = this.#cadence?.hz();
    if (hz !== undefined) device.frameHz = hz;
    const payload: ResultPayload = {
      v: 1,
      attemptId: started.attemptId,
      nonce: started.plan.nonce,
      planToken: started.planToken,
      trace,
      device,
      sentAt: Date.now(),
      ...(referenceImage ? { referenceImage } : {}),
      ...(frames?.length ? { frames } : {}),
      ...(network ? { network } : {}),
    };
    const pending: PendingResult = { sessionId, attemptId: started.attemptId, purpose: 'result', jws: await key.sign(payload), expiresAt: Date.parse(started.plan.expiresAt) };
    this.#keep(pending);
    return this.#submit(api, pending, signal);
  }

  /**
   * Signs the commitment (the trace's digest, steps and span), asks the server for its moments and
   * returns the crops for them. Without an answer (the network failed twice) the result goes
   * without crops: under `required` it then fails, under `on` it is flagged.
   */
  async #answerFrames(api: ApiClient, started: StartAttemptResponse, key: AttemptKey, trace: Trace, origin: number, signal: AbortSignal): Promise<ResultFrame[] | undefined> {
    const bytes = new TextEncoder().encode(traceDigestInput(trace));
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    const traceDigest = btoa(String.fromCharCode(...digest)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const first = trace.frames[0]?.t ?? 0;
    const last = trace.frames[trace.frames.length - 1]?.t ?? 0;
    const commitment = await key.sign({
      v: 1,
      attemptId: started.attemptId,
      nonce: started.plan.nonce,
      commitment: { traceDigest, steps: trace.steps, span: [first, last], frameCount: trace.frames.length },
    });
    for (let tries = 0; tries < 2; tries++) {
      try {
        const { moments } = await api.requestFrames(started.attemptId, commitment, signal);
        return await this.#sampler.answer(moments, trace, origin);
      } catch (error) {
        if (signal.aborted) throw error;
      }
    }
    return undefined;
  }

  #runChallenges(runner: CheckRunner, started: StartAttemptResponse, origin: number, signal: AbortSignal, api: ApiClient, sampleFrom?: HTMLVideoElement) {
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
        if (sampleFrom) this.#sampler.capture(sampleFrom, frame);
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

  /**
   * Sends a signed result (or stop) until the server acknowledges it: after a network loss, a rate
   * limit or a server error it waits (as long as `Retry-After` says) and sends it again. A refusal
   * the server recorded (a malformed or late result) shows the recorded outcome.
   */
  async #submit(api: ApiClient, pending: PendingResult, signal: AbortSignal): Promise<ResultResponse> {
    if (pending.purpose === 'result') this._state = 'submitting';
    try {
      const response = await api.submitWithRetry(pending, {
        signal,
        onRetry: (_error, delayMs) => (this._retrying = `The connection failed; sending your result again in ${Math.ceil(delayMs / 1000)} s. Nothing is lost.`),
      });
      this.#forget(pending);
      return response;
    } catch (error) {
      if (signal.aborted) throw error;
      this.#forget(pending);
      if (error instanceof LiveproofError && RECORDED_REFUSALS.has(error.code)) {
        const recorded = await api.outcome(pending.attemptId, signal).catch(() => undefined);
        if (recorded) return recorded;
      }
      throw error;
    } finally {
      this._retrying = '';
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
        framesSent: this._framesSent,
        highAssurance: highAssuranceOf(this.clientToken),
        outcome: this._outcome,
        error: this._error,
        announcement: this._announcement,
        notice: this._notice,
        retrying: this._retrying,
      },
      this.#handlers,
    );
  }
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
