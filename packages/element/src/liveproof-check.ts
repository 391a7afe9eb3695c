import { LitElement, type PropertyValues } from 'lit';
import { LiveproofError, type LightColour, type ResultResponse } from '@liveproof/protocol';
import { ApiClient } from './api.ts';
import { AttributeAdvisor, POSITIONING_TIMEOUT_RANGE, checkAttributeAdvice } from './attribute-advice.ts';
import { CameraController, playStream } from './camera-controller.ts';
import { runAttempt, sendStop, submitPending, type CheckMetrics, type FlowParts, type FlowUi, type RunningAttempt } from './check-flow.ts';
import { freshClientToken, highAssuranceOf, profileTurnOf, sessionIdOf, sessionIdOrNone, warnIfNoToken } from './client-token.ts';
import { FaceEngineController } from './controllers/face-engine-controller.ts';
import { LightController } from './controllers/light-controller.ts';
import { LocaleController } from './controllers/locale-controller.ts';
import { ENGLISH, loadLocale } from './i18n/locale.ts';
import { ToneController } from './controllers/tone-controller.ts';
import { measureCadence, type CadenceMeter } from './device-probe.ts';
import { LiveproofCompleteEvent } from './events/complete.ts';
import { LiveproofErrorEvent } from './events/error.ts';
import { LiveproofPromptEvent } from './events/prompt.ts';
import { CheckState, LiveproofStateEvent, setCustomState } from './events/state.ts';
import { FrameLoopController } from './frame-loop.ts';
import { FrameSampler } from './frame-sampler.ts';
import { styles } from './liveproof-check.styles.ts';
import { IDLE_VIEW, renderCheck, type CheckHandlers, type CheckView, type RunView } from './liveproof-check.views.ts';
import { errorCopy, outcomeAnnouncement } from './messages.ts';
import { PendingResults, type PendingResult } from './pending-result.ts';
import { SessionEventsController } from './session-events-controller.ts';

export type { CheckMetrics } from './check-flow.ts';

/** How long a page may take to hand the element its token before the console says it is missing. */
const NO_TOKEN_GRACE_MS = 5000;

/**
 * `<liveproof-check>`: a liveness check the candidate completes in the browser. It opens the camera,
 * guides the candidate into position, prompts a server-drawn sequence of challenges with live
 * feedback, signs the measured evidence with a per-attempt key and sends it for the server's own
 * verdict. Video never leaves the device; only measurements do, unless the integration asks for
 * high assurance (a few face crops, said on the introduction). The attempt itself is `check-flow.ts`.
 *
 * @attr client-token - The session's client token from the hiring system's backend (required).
 * @prop tokenProvider - `() => Promise<string>`: a fresh client token from your backend
 *   (`POST /v1/sessions/{id}/client-tokens`), asked for shortly before the current one expires.
 * @attr api-base - Base URL of the Liveproof API (default: this page's origin).
 * @attr assets-base - Where the MediaPipe WASM files and model are served (default: `<api-base>/assets/mediapipe`).
 * @attr autostart - Start at once instead of showing the introduction (only with `flash-consent` or `no-flash`).
 * @attr flash-consent - The page has already warned about flashing colours, so `autostart` may skip the introduction.
 * @attr no-flash - Never flash colours: plans get another movement challenge instead of the screen-light one.
 * @attr positioning-timeout - Seconds to wait for a usable view of the face before giving up (default 60).
 * @attr mode - `check` (default), or `interview`: listen for the interviewer's re-checks during the call.
 * @prop stream - A camera `MediaStream` to use instead of opening the camera (interview mode).
 *
 * @fires liveproof-state - The element moved to another stage.
 * @fires liveproof-prompt - A challenge was shown.
 * @fires liveproof-complete - The server's verdict and verification token.
 * @fires liveproof-error - The check cannot go on; `detail.code` is stable (`client_token_missing`
 *   when the page gave no token: the console says what is wrong).
 *
 * @csspart stage - The camera view.
 * @csspart video - The self-view.
 * @csspart prompt - The current instruction.
 * @csspart steps - The list of challenges.
 * @csspart status - The guidance line.
 * @csspart button - Action buttons.
 * @csspart outcome - The result panel.
 * @csspart flash - The full-window colour of the screen-light challenge.
 * @csspart flash-stop - The Stop button over the flashing colours (a tap anywhere on them stops them too).
 * @csspart flash-notice - The photosensitivity notice.
 * @csspart privacy-notice - What high assurance sends.
 * @cssprop --liveproof-accent - Buttons, progress and the current step.
 * @cssprop --liveproof-success - A step done and a passed check.
 * @cssprop --liveproof-danger - A failed step and errors.
 * @cssprop --liveproof-bg - Background.
 * @cssprop --liveproof-fg - Text.
 * @cssprop --liveproof-muted - Secondary text.
 * @cssprop --liveproof-radius - Corner radius.
 * @cssprop --liveproof-font - Font.
 * @cssprop --liveproof-width - Largest width of the element.
 *
 * @cssstate idle - The introduction, before a check starts.
 * @cssstate loading - The camera and face model are starting.
 * @cssstate positioning - Guiding the candidate into view.
 * @cssstate challenge - The prompts are shown.
 * @cssstate submitting - The result is on its way to the server.
 * @cssstate passed - The server passed the check.
 * @cssstate failed - The server failed the check.
 * @cssstate error - The check cannot go on (`liveproof-error` says why).
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
    _view: { state: true },
    _flashOptOut: { state: true },
  };

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
  /** `check` (default), or `interview`: re-checks whenever the interviewer asks (on `stream`, when given). */
  declare mode: 'check' | 'interview';
  declare private _view: RunView;
  declare private _flashOptOut: boolean;

  readonly #camera = new CameraController(this);
  readonly #loop = new FrameLoopController(this);
  readonly #engine = new FaceEngineController(this, () => this.assetsBase || `${this.#apiBase().replace(/\/+$/, '')}/assets/mediapipe`);
  readonly #light = new LightController(this, (flash: LightColour | undefined) => this.#show({ flash }), () => this.#stopFlashing());
  readonly #tone = new ToneController(this);
  readonly #language = new LocaleController(this, loadLocale, ENGLISH);
  readonly #sessionEvents = new SessionEventsController(this, {
    base: () => this.#apiBase(),
    token: () => freshClientToken(this).catch(() => undefined),
    on: {
      'recheck.requested': (event) => this.#onRecheck(event.recheckId),
      // A re-check asked for before the page listened is waiting in the snapshot.
      snapshot: ({ openRechecks }) => {
        const waiting = openRechecks?.at(-1);
        if (waiting) this.#onRecheck(waiting.recheckId);
      },
    },
  });
  readonly #advisor = new AttributeAdvisor(checkAttributeAdvice);
  #tokenWatch: ReturnType<typeof setTimeout> | undefined;
  readonly #sampler = new FrameSampler();
  readonly #pending = new PendingResults();
  /** Keyboard focus was in the element: a state change then moves it to the new state's heading. */
  #hadFocus = false;
  readonly #internals = this.attachInternals();
  /** The re-check request the running attempt answers, in interview mode. */
  #recheckId: string | undefined;
  #abort: AbortController | undefined;
  #running: RunningAttempt | undefined;
  #metrics: CheckMetrics = { connectedAt: 0, processingMs: [] };
  /** The page's frame cadence, measured while the face model is not running (it would slow the frames itself). */
  #cadence: CadenceMeter | undefined;

  constructor() {
    super();
    Object.assign(this, { clientToken: '', apiBase: '', assetsBase: '', autostart: false, noFlash: false, flashConsent: false, positioningTimeout: 60, mode: 'check' });
    this._view = IDLE_VIEW;
    // Someone who asks their system for less motion probably wants no flashing either.
    this._flashOptOut = typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
    this.addEventListener('focusin', () => (this.#hadFocus = true));
    // Focus that leaves for somewhere else on the page is the candidate's choice: not taken back.
    this.addEventListener('focusout', (event) => {
      const next = event.relatedTarget as Node | null;
      if (next && next !== this && !this.contains(next)) this.#hadFocus = false;
    });
  }

  /** The current stage of the check. */
  get state(): CheckState {
    return this._view.state;
  }

  /** Timings of the current run. */
  get metrics(): CheckMetrics {
    return { ...this.#metrics, processingMs: [...this.#loop.stats.processingMs], captureMs: [...this.#sampler.captureMs] };
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#metrics = { connectedAt: performance.now(), processingMs: [] };
    this.#cadence ??= measureCadence();
    setCustomState(this.#internals, this.state, Object.values(CheckState));
    // Back in the page after a move: listen again for re-check requests (interview mode).
    queueMicrotask(() => this.#listen());
    // Pages often set the token a moment after the element is in the page (once their backend
    // answers): only a token still missing after a few seconds is worth a console message.
    clearTimeout(this.#tokenWatch);
    this.#tokenWatch = setTimeout(() => warnIfNoToken(this), NO_TOKEN_GRACE_MS);
    queueMicrotask(() => this.#advisor.review(this));
    // Starting at once skips the introduction and its flashing notice: only when the page has
    // warned the candidate itself (flash-consent) or nothing will flash (no-flash).
    if (this.autostart && (this.noFlash || this.flashConsent)) queueMicrotask(() => void this.start());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#tokenWatch);
    this.cancel();
  }

  /** Changes what is shown; a patch that changes nothing (the light's colour on every display frame) renders nothing. */
  #show(patch: Partial<RunView>): void {
    const view = this._view as Record<string, unknown>;
    if (Object.entries(patch).some(([k, v]) => view[k] !== v)) this._view = { ...this._view, ...patch };
  }

  /** Esc stopped the flashing colours: the stop is signed and costs no attempt, and the next try skips them. */
  #stopFlashing(): void {
    const running = this.#running;
    this.cancel();
    this._flashOptOut = true;
    this.#show({ notice: 'stopped' });
    this.#announce(this.#language.locale.m.check.stoppedAnnouncement);
    if (running) void sendStop(new ApiClient(this.#apiBase(), this.clientToken), running, this.#pending);
  }

  /** In interview mode, listens for the interviewer's re-check requests (and loads the model for them now). */
  #listen(): void {
    const sessionId = this.mode === 'interview' && this.isConnected ? sessionIdOrNone(this.clientToken) : undefined;
    this.#sessionEvents.follow(sessionId);
    if (sessionId) void this.#engine.load().catch(() => undefined);
  }

  #onRecheck(recheckId: string): void {
    if (!['idle', 'passed', 'failed', 'error'].includes(this.state) || recheckId === this.#recheckId) return;
    this.#recheckId = recheckId;
    this.#show({ recheck: true });
    this.#announce(this.#language.locale.m.check.recheckAsked);
    void this.start();
  }

  protected override updated(changed: PropertyValues<this>): void {
    // Not on every render: during a check the element renders for each camera frame.
    const newSession = changed.has('clientToken') && this.#pending.sessionChanged(changed.get('clientToken') as string | undefined, this.clientToken);
    if (changed.has('mode') || changed.has('apiBase') || newSession) this.#listen();
    if (this.isConnected && (['mode', 'positioningTimeout', 'autostart', 'flashConsent', 'noFlash', 'apiBase', 'assetsBase'] as const).some((k) => changed.has(k))) this.#advisor.review(this);
    // A signed result this tab could not deliver before (a reload, a lost connection): send it now.
    if (newSession && this.state === 'idle' && this.#pending.hasResult(this.clientToken)) void this.start();
    const flash = this.renderRoot.querySelector<HTMLElement>('.flash');
    if (flash && 'showPopover' in flash && !flash.matches(':popover-open')) flash.showPopover();
    const previous = (changed.get('_view' as keyof LiveproofCheck) as RunView | undefined)?.state;
    if (previous !== undefined && previous !== this.state) {
      setCustomState(this.#internals, this.state, Object.values(CheckState));
      this.dispatchEvent(new LiveproofStateEvent(this.state, previous));
      // The button the candidate pressed is gone with the old state: keyboard focus goes to the new
      // state's heading, if it was ours (never taken from the page elsewhere).
      const heading = this.renderRoot.querySelector<HTMLElement>('h2[tabindex="-1"]');
      if (heading && this.#holdsFocus()) heading.focus({ preventScroll: true });
    }
  }

  readonly #handlers: CheckHandlers = {
    start: () => void this.start(),
    back: () => this.#show({ error: undefined, state: 'idle' }),
    flashOptOut: (event: Event) => (this._flashOptOut = (event.target as HTMLInputElement).checked),
    stopFlashing: () => this.#stopFlashing(),
  };

  /** Starts a check, or first sends a signed result (or stop) the server has not acknowledged. */
  async start(): Promise<void> {
    const again = this.state === 'failed' || this.state === 'error' || (this.state === 'passed' && this.#recheckId !== undefined);
    if (this.state !== 'idle' && !again) return;
    this.#abort?.abort();
    const { signal } = (this.#abort = new AbortController());
    this.#show({ outcome: undefined, error: undefined });
    this.#metrics.startedAt = performance.now();
    try {
      const token = await freshClientToken(this);
      const sessionId = sessionIdOf(token);
      const api = new ApiClient(this.#apiBase(), token);
      const pending = this.#pending.load(sessionId);
      if (pending?.purpose === 'result') return this.#finish(await this.#submit(api, pending, signal));
      if (pending?.purpose === 'stop') await this.#submit(api, pending, signal).catch(() => undefined);
      this.#show({ notice: '' });
      const recheckId = this.#recheckId;
      this.#recheckId = undefined;
      const parts: FlowParts = { camera: this.#camera, engine: this.#engine, loop: this.#loop, light: this.#light, tone: this.#tone, sampler: this.#sampler, cadence: this.#cadence, metrics: this.#metrics };
      const options = { api, sessionId, stream: this.stream, positioningTimeoutS: this.#positioningTimeoutS(), lightOptOut: this.noFlash || this._flashOptOut, recheckId, sampling: highAssuranceOf(token), token: () => freshClientToken(this) };
      const result = await runAttempt(parts, this.#flowUi, options, signal);
      this.#pending.keep(result);
      this.#finish(await this.#submit(api, result, signal));
    } catch (error) {
      if (!signal.aborted) this.#fail(error);
    }
  }

  readonly #flowUi: FlowUi = {
    show: (patch) => this.#show(patch),
    announce: (text) => this.#announce(text),
    prompt: (detail) => this.dispatchEvent(new LiveproofPromptEvent(detail)),
    locale: () => this.#language.locale,
    video: async (stream, signal) => (await this.updateComplete, playStream(this.renderRoot.querySelector('video')!, stream, signal)),
    running: (attempt) => (this.#running = attempt),
  };

  /** Stops the check and releases the camera. A result not yet sent is kept for `start()`. */
  cancel(): void {
    this.#abort?.abort();
    this.#running = undefined;
    this.#release();
    if (this.state !== 'passed' && this.state !== 'failed') this.#show({ state: 'idle' });
  }

  #submit(api: ApiClient, pending: PendingResult, signal: AbortSignal): Promise<ResultResponse> {
    if (pending.purpose === 'result') this.#show({ state: 'submitting' });
    return submitPending(api, pending, this.#pending, signal, (retryingS) => this.#show({ retryingS }));
  }

  #finish(response: ResultResponse): void {
    this.#metrics.verdictAt = performance.now();
    this.#show({ outcome: response, state: response.result === 'pass' ? 'passed' : 'failed' });
    this.#announce(outcomeAnnouncement(response, this._view.recheck, this.#language.locale));
    this.dispatchEvent(new LiveproofCompleteEvent(response));
  }

  #release(): void {
    this.#loop.stop();
    this.#light.stop();
    this.#camera.stop();
  }

  #fail(thrown: unknown): void {
    this.#release();
    const error = thrown instanceof LiveproofError ? thrown : new LiveproofError('internal_error', thrown instanceof Error ? thrown.message : String(thrown), { cause: thrown });
    this.#show({ error: { code: error.code, message: error.message }, state: 'error' });
    const copy = errorCopy(error.code, this.#language.locale);
    this.#announce(`${copy.title}. ${copy.body}`);
    this.dispatchEvent(new LiveproofErrorEvent({ code: error.code, message: error.message, retryable: copy.canRetry }));
  }

  /** Whether keyboard focus is in the element, or was until a re-render removed what held it. */
  #holdsFocus(): boolean {
    const active = document.activeElement;
    return this.matches(':focus-within') || (this.#hadFocus && (active === null || active === document.body));
  }

  /** Says `text` in the assertive live region, even when it repeats the previous announcement. */
  #announce(text: string): void {
    this.#show({ announcement: '' });
    requestAnimationFrame(() => this.#show({ announcement: text }));
  }

  #apiBase(): string {
    return this.apiBase || location.origin;
  }

  /** `positioning-timeout`, or 60 s when it is not a number of seconds in range (the console says so). */
  #positioningTimeoutS(): number {
    const [min, max] = POSITIONING_TIMEOUT_RANGE;
    const seconds = this.positioningTimeout;
    return Number.isFinite(seconds) && seconds >= min && seconds <= max ? seconds : 60;
  }


  /**
   * The first render (and any after a change of language) waits for the language's catalogue; the
   * others, one per camera frame during a check, go straight on.
   */
  protected override scheduleUpdate(): void | Promise<unknown> {
    const loading = this.#language.loading;
    return loading ? loading.then(() => super.scheduleUpdate()) : super.scheduleUpdate();
  }

  override render() {
    const view: CheckView = { ...this._view, l: this.#language.locale, noFlash: this.noFlash, flashOptOut: this._flashOptOut, interview: this.mode === 'interview', highAssurance: highAssuranceOf(this.clientToken), profileTurn: profileTurnOf(this.clientToken) };
    return renderCheck(view, this.#handlers);
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
