/**
 * One attempt, from the camera to the signed result: the face model and the camera, positioning,
 * the server's plan under a fresh attempt key, the challenges with live feedback, the network
 * probes, and what the plan asks for besides the trace (a reference image, the high-assurance
 * crops). It owns no DOM: the element hands it its controllers and shows what it reports
 * (`FlowUi`). The element sends the result (`ApiClient.submitWithRetry`).
 */
import {
  CURRENT_THRESHOLDS,
  LiveproofError,
  isProfileChallenge,
  traceDigestInput,
  type ErrorCode,
  type ResultFrame,
  type ResultPayload,
  type ResultResponse,
  type StartAttemptResponse,
  type Trace,
  type TraceFrame,
} from '@liveproof/protocol';
import { base64url } from 'jose';
import type { ApiClient } from './api.ts';
import { createAttemptKey, type AttemptKey } from './attempt-key.ts';
import type { CameraController } from './camera-controller.ts';
import type { FaceEngineController } from './controllers/face-engine-controller.ts';
import type { LightController } from './controllers/light-controller.ts';
import type { ToneController } from './controllers/tone-controller.ts';
import { deviceFingerprint, rendererClass, type CadenceMeter } from './device-probe.ts';
import type { LiveproofPromptDetail } from './events/prompt.ts';
import type { FrameLoopController } from './frame-loop.ts';
import type { FrameSampler } from './frame-sampler.ts';
import type { StepStatus } from './liveproof-check.views.ts';
import type { Locale } from './i18n/locale.ts';
import { promptText } from './messages.ts';
import { startNetworkProbes } from './network-probes.ts';
import type { PendingResult, PendingResults } from './pending-result.ts';
import { spokenHints, type PositionHint } from './positioning.ts';
import { captureReferenceImage } from './reference-image.ts';
import { CheckRunner, type ChallengeUpdate } from './runner.ts';

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
  /** High assurance: main-thread milliseconds per frame to cut and hand over its crop. */
  captureMs?: number[];
}

/** The attempt under way: what a stop (Esc during the flashing colours) must sign. */
export interface RunningAttempt {
  sessionId: string;
  attemptId: string;
  nonce: string;
  expiresAt: number;
  key: AttemptKey;
}

/** What the flow reports, for the element to show. */
export interface FlowView {
  state: 'loading' | 'positioning' | 'challenge' | 'submitting';
  loading: 'camera' | 'model';
  hint: PositionHint | undefined;
  spokenHint: PositionHint | undefined;
  hold: number;
  challenges: StartAttemptResponse['plan']['challenges'];
  stepStatus: StepStatus[];
  stepIndex: number;
  progress: number;
  imageSent: boolean;
  framesSent: number;
}

export interface FlowUi {
  show(patch: Partial<FlowView>): void;
  announce(text: string): void;
  /** The language shown now (the page may change it during the check). */
  locale(): Locale;
  prompt(detail: LiveproofPromptDetail): void;
  /** The self-view, playing `stream`. */
  video(stream: MediaStream, signal: AbortSignal): Promise<HTMLVideoElement>;
  /** The attempt under way, or none. */
  running(attempt: RunningAttempt | undefined): void;
}

export interface FlowParts {
  camera: CameraController;
  engine: FaceEngineController;
  loop: FrameLoopController;
  light: LightController;
  tone: ToneController;
  sampler: FrameSampler;
  cadence: CadenceMeter | undefined;
  metrics: CheckMetrics;
}

export interface FlowOptions {
  api: ApiClient;
  sessionId: string;
  /** A camera stream the page handed over (interview mode). */
  stream: MediaStream | undefined;
  positioningTimeoutS: number;
  lightOptOut: boolean;
  recheckId: string | undefined;
  /** The client token says the integration wants high-assurance crops: keep them from the start. */
  sampling: boolean;
  /** A valid client token now (refreshed by the page when it can). */
  token(): Promise<string>;
}

/** Runs one attempt and returns its signed result, not yet sent. */
export async function runAttempt(parts: FlowParts, ui: FlowUi, options: FlowOptions, signal: AbortSignal): Promise<PendingResult> {
  const { camera, loop, sampler, metrics } = parts;
  ui.show({ state: 'loading', loading: 'camera' });
  const enginePromise = parts.engine.load();
  const stream = await camera.open(options.stream, signal);
  metrics.cameraReadyAt = performance.now();
  signal.throwIfAborted();
  ui.show({ loading: 'model' });
  const engine = await enginePromise;
  metrics.modelReadyAt ??= performance.now();
  signal.throwIfAborted();
  const video = await ui.video(stream, signal);

  // Positioning: wait for a steady, neutral, well-placed face. High assurance keeps crops from now on this device.
  const runner = new CheckRunner(CURRENT_THRESHOLDS);
  const keepMs = CURRENT_THRESHOLDS.positioning.baselineMs + 1000;
  sampler.clear();
  ui.show({ state: 'positioning', hint: 'no_face', spokenHint: undefined });
  const spoken = spokenHints();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new LiveproofError('positioning_timeout', 'The face was not steady in view in time.')), options.positioningTimeoutS * 1000);
    signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
    loop.start(video, engine, (frame) => {
      if (frame.n > 0) metrics.firstFaceAt ??= performance.now();
      if (options.sampling) {
        sampler.capture(video, frame);
        sampler.forgetBefore(frame.t - keepMs);
      }
      const update = runner.position(frame);
      const say = spoken(update.hint, frame.t);
      ui.show({ hint: update.hint, hold: update.hold, ...(say ? { spokenHint: say } : {}) });
      if (update.phase === 'ready') {
        clearTimeout(timer);
        resolve();
      }
    });
  });

  // The attempt: a fresh key, a server-drawn plan.
  const key = await createAttemptKey();
  const device = camera.device();
  device.renderer = rendererClass();
  const fingerprint = await deviceFingerprint(device.cameraLabel);
  if (fingerprint) device.fingerprint = fingerprint;
  // A re-check follows the same light policy as a check: the candidate's opt-out goes with it.
  const body = { publicKey: key.publicJwk, device, ...(options.recheckId ? { recheckId: options.recheckId } : {}), ...(options.lightOptOut ? { lightOptOut: true } : {}) };
  const { api } = options;
  api.token = await options.token();
  const started = await api.startAttempt(options.sessionId, body, signal);
  const origin = performance.now();
  const expiresAt = Date.parse(started.plan.expiresAt);
  ui.running({ sessionId: options.sessionId, attemptId: started.attemptId, nonce: started.plan.nonce, expiresAt, key });
  // The network probes run beside the challenges (the UDP probe's credentials come with the plan)
  // and are done before the result goes: they add nothing to the time to the verdict.
  const probes = startNetworkProbes(api, started.attemptId, started.plan.ice);
  sampler.keepAll();
  const { trace, passed } = await runChallenges(parts, ui, api, runner, started, origin, signal, options.sampling ? video : undefined).finally(() => probes.stop());
  // High assurance: commit to the trace, then answer the moments the server draws with their crops.
  metrics.challengesDoneAt = performance.now();
  const frames = started.plan.highAssurance ? await answerFrames(api, started, key, trace, origin, sampler, signal) : undefined;
  if (started.plan.highAssurance) metrics.framesWaitMs = performance.now() - metrics.challengesDoneAt;
  sampler.clear();
  const probesFrom = performance.now();
  const network = await probes.finish();
  metrics.probesWaitMs = performance.now() - probesFrom;
  loop.stop();
  ui.running(undefined);
  const referenceImage = started.plan.referenceImage && passed ? await captureReferenceImage(video, trace.frames).catch(() => undefined) : undefined;
  ui.show({ imageSent: referenceImage !== undefined, framesSent: frames?.length ?? 0 });
  camera.stop(); // leaves a stream the page handed over running for its owner

  ui.show({ state: 'submitting' });
  // The cadence measured since the element appeared (the result's device is the one scored).
  const hz = parts.cadence?.hz();
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
  return { sessionId: options.sessionId, attemptId: started.attemptId, purpose: 'result', jws: await key.sign(payload), expiresAt };
}

/** The challenges, prompted one after another with live feedback: the trace, and whether every step passed here. */
function runChallenges(
  parts: FlowParts,
  ui: FlowUi,
  api: ApiClient,
  runner: CheckRunner,
  started: StartAttemptResponse,
  origin: number,
  signal: AbortSignal,
  sampleFrom: HTMLVideoElement | undefined,
): Promise<{ trace: Trace; passed: boolean }> {
  const { plan } = started;
  let stepStatus: StepStatus[] = plan.challenges.map(() => 'pending');
  ui.show({ state: 'challenge', challenges: plan.challenges, stepStatus });
  // A profile turn takes the screen out of view: a tone says it is done ("hold until the tone").
  const cue = (index: number) => {
    const challenge = plan.challenges[index];
    if (challenge && isProfileChallenge(challenge)) parts.tone.play();
  };
  const show = (update: ChallengeUpdate) => {
    ui.show({ stepIndex: update.index, progress: update.evaluation.progress });
    if (!update.prompted) return;
    if (update.index > 0) cue(update.index - 1);
    stepStatus = stepStatus.map((s, i) => (i < update.index ? 'done' : i === update.index ? 'current' : s));
    ui.show({ stepStatus });
    const l = ui.locale();
    const text = promptText(update.challenge, l);
    ui.announce(`${l.m.check.stepOf(update.index + 1, plan.challenges.length, l.f)}: ${text}`);
    parts.metrics.firstPromptAt ??= performance.now();
    ui.prompt({ attemptId: started.attemptId, challenge: update.challenge, index: update.index, total: plan.challenges.length, text });
    // For an interviewer watching live; the check never waits for it, nor fails without it.
    api.reportPrompt(started.attemptId, update.index, update.challenge);
  };
  return new Promise((resolve, reject) => {
    signal.addEventListener('abort', () => (parts.light.stop(), reject(signal.reason)), { once: true });
    show(runner.begin(plan, origin, performance.now()));
    if (plan.light) parts.light.start(runner);
    parts.loop.setHandler((frame: TraceFrame, now: number) => {
      if (sampleFrom) parts.sampler.capture(sampleFrom, frame);
      const update = runner.challenge(frame, now);
      if (!update) return;
      show(update);
      if (update.outcome) {
        parts.light.stop();
        const passed = update.outcome === 'completed';
        if (passed) cue(update.index);
        ui.show({ stepStatus: stepStatus.map((s, i) => (i < update.index || passed ? 'done' : i === update.index ? 'failed' : s)) });
        resolve({ trace: runner.trace(), passed });
      }
    });
  });
}

/** The candidate stopped the flashing colours (Esc): the stop is signed and sent like a result, and kept until acknowledged. */
export async function sendStop(api: ApiClient, running: RunningAttempt, pendings: PendingResults): Promise<void> {
  const jws = await running.key.sign({ v: 1, attemptId: running.attemptId, nonce: running.nonce, stop: 'flashing', sentAt: Date.now() });
  const pending: PendingResult = { sessionId: running.sessionId, attemptId: running.attemptId, purpose: 'stop', jws, expiresAt: running.expiresAt };
  pendings.keep(pending);
  // Not acknowledged: kept, and the next start sends it first.
  await api.submitWithRetry(pending).then(() => pendings.forget(pending), () => undefined);
}

/** Refusals of a signed result that the server still recorded: the element then shows the recorded outcome. */
const RECORDED_REFUSALS: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['invalid_result', 'plan_mismatch', 'clock_mismatch', 'attempt_expired']);

/**
 * Sends a signed result (or stop) until the server acknowledges it: after a network loss, a rate
 * limit or a server error it waits (as long as `Retry-After` says) and sends it again, saying so
 * (`retrying`). A refusal the server recorded (a malformed or late result) answers with the
 * recorded outcome. Either way the result is then forgotten.
 */
export async function submitPending(api: ApiClient, pending: PendingResult, pendings: PendingResults, signal: AbortSignal, retrying: (seconds: number) => void): Promise<ResultResponse> {
  try {
    const onRetry = (_error: unknown, delayMs: number) => retrying(Math.max(1, Math.ceil(delayMs / 1000)));
    const response = await api.submitWithRetry(pending, { signal, onRetry });
    pendings.forget(pending);
    return response;
  } catch (error) {
    if (signal.aborted) throw error;
    pendings.forget(pending);
    const recorded = error instanceof LiveproofError && RECORDED_REFUSALS.has(error.code) ? await api.outcome(pending.attemptId, signal).catch(() => undefined) : undefined;
    if (recorded) return recorded;
    throw error;
  } finally {
    retrying(0);
  }
}

/**
 * High assurance: signs the commitment (the trace's digest, steps and span), asks the server for
 * its moments and returns the crops for them. Without an answer (the network failed twice) the
 * result goes without crops: under `required` it then fails, under `on` it is flagged.
 */
async function answerFrames(api: ApiClient, started: StartAttemptResponse, key: AttemptKey, trace: Trace, origin: number, sampler: FrameSampler, signal: AbortSignal): Promise<ResultFrame[] | undefined> {
  const traceDigest = base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(traceDigestInput(trace)))));
  const span: [number, number] = [trace.frames[0]?.t ?? 0, trace.frames[trace.frames.length - 1]?.t ?? 0];
  const commitment = await key.sign({ v: 1, attemptId: started.attemptId, nonce: started.plan.nonce, commitment: { traceDigest, steps: trace.steps, span, frameCount: trace.frames.length } });
  for (let tries = 0; tries < 2; tries++) {
    try {
      const { moments } = await api.requestFrames(started.attemptId, commitment, signal);
      return await sampler.answer(moments, trace, origin);
    } catch (error) {
      if (signal.aborted) throw error;
    }
  }
  return undefined;
}
