/**
 * Runs an evaluation: every presentation through the real element in real headless Chromium
 * against the real server (or, for forged evidence, through a scripted client over real HTTP),
 * then the ISO/IEC 30107-3 figures. `pnpm eval` is the command; the end-to-end suite runs a small
 * sample of it so that it cannot rot.
 */
import { cpus } from 'node:os';
import { join } from 'node:path';
import { CompactSign, exportJWK, generateKeyPair } from 'jose';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { traceDigestInput, type FrameRequestResponse, type ResultPayload, type ResultResponse, type StartAttemptResponse, type StepVerdict } from '@liveproof/protocol';
import { installActor } from './actor.ts';
import { launchBrowser } from './browser.ts';
import { createSession, getSession, recordEvents, waitForOutcome } from './check-page.ts';
import { summarise, type EvaluationReport, type PresentationOutcome } from './eval-report.ts';
import { forgeSynthetic, spliceRun } from './forgery.ts';
import { ONE_PERSON_ACTOR } from './actor-script.ts';
import { cropsFor, otherPersonSwap } from './crops.ts';
import type { Manifest } from '@liveproof/test-media';
import { offlineScript } from './offline-actor.ts';
import { PAGE_DIR } from './page-scripts.ts';
import { installPresenter } from './presenter.ts';
import { buildPresentations, isHighAssurance, type PlanOptions, type Presentation } from './presentations.ts';
import { startServer, updateDevIntegration, type RunningServer } from './server-process.ts';
import { toY4m } from './y4m.ts';

export interface EvaluationOptions extends PlanOptions {
  manifest: Manifest;
  mediaDir: string;
  /** How many forged results to have in flight at once. */
  forgeryConcurrency?: number;
  log?: (line: string) => void;
}

/** Seconds the element waits for a usable face before giving up: attacks that never show one end sooner. */
const POSITIONING_TIMEOUT_S = 15;
/** Virtual-camera presentations also run under the `flag` policy, this many of them, to show what it does. */
const FLAGGED_VIRTUAL_CAMERAS = 5;

interface Servers {
  flag: RunningServer;
  reject?: RunningServer;
  /** High assurance required, blink and open mouth left out of the plans (the one-person footage cannot do them). */
  ha?: RunningServer;
}

/** CPU time (user + system, ms) a process has used, all threads (Linux). */
function cpuMs(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}




async function runInBrowser(p: Presentation, server: RunningServer, policy: 'flag' | 'reject'): Promise<PresentationOutcome> {
  const started = performance.now();
  const camera = p.camera;
  const browser = await launchBrowser(camera.kind === 'fake' ? { fakeVideo: toY4m(camera.source, camera.filter ? { filter: camera.filter } : {}) } : {});
  try {
    const page = await browser.context.newPage();
    await recordEvents(page);
    if (camera.kind === 'actor') {
      await installActor(page, camera.script);
      if (camera.virtualCameraLabel) {
        await page.addInitScript((label) => {
          (window as unknown as { __liveproofVirtualCameraLabel: string }).__liveproofVirtualCameraLabel = label;
        }, camera.virtualCameraLabel);
        await page.addInitScript({ path: join(PAGE_DIR, 'virtual-camera.js') });
      }
    } else if (camera.kind === 'presenter') {
      await installPresenter(page, camera.options);
    }
    const session = await createSession(server);
    const query = `autostart=1&flash_consent=1&positioning_timeout=${POSITIONING_TIMEOUT_S}${p.lightOptOut ? '&no_flash=1' : ''}`;
    await page.goto(`${server.url}/?${query}&client_token=${encodeURIComponent(session.clientToken)}`);
    const cpuBefore = cpuMs(server.process.pid);
    const event = await waitForOutcome(page, 120_000);
    const cpuAfter = cpuMs(server.process.pid);
    const metrics = await page.evaluate(() => (document.querySelector('liveproof-check') as unknown as { metrics: Record<string, number | undefined> }).metrics);
    const record = await getSession(server, session.id);
    const detail = event.detail as { result?: string; code?: string; reasons?: string[]; signals?: string[]; assurance?: string };
    const attempt = record.attempts[0] as { challenges?: string[]; reasons?: string[]; signals?: string[]; steps?: StepVerdict[] } | undefined;
    const outcome: PresentationOutcome = {
      id: p.id,
      type: p.type,
      condition: p.lightOptOut ? 'no_light' : 'light',
      policy,
      source: p.source,
      accepted: event.type === 'liveproof-complete' && detail.result === 'pass',
      outcome: detail.result ?? detail.code ?? 'unknown',
      reasons: detail.reasons ?? attempt?.reasons ?? [],
      signals: detail.signals ?? attempt?.signals ?? [],
      challenges: attempt?.challenges ?? [],
      steps: stepSummary(attempt?.steps ?? []),
      durationMs: performance.now() - started,
    };
    if (detail.assurance) outcome.assurance = detail.assurance;
    if (metrics.firstPromptAt !== undefined && metrics.verdictAt !== undefined) outcome.timeToVerdictMs = metrics.verdictAt - metrics.firstPromptAt;
    if (cpuBefore !== undefined && cpuAfter !== undefined) outcome.serverCpuMs = cpuAfter - cpuBefore;
    return outcome;
  } finally {
    await browser.close();
  }
}

async function post<T>(server: RunningServer, path: string, token: string, body: unknown): Promise<{ status: number; json: T }> {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as T };
}

/** A scripted client: no camera, no browser; it makes up the evidence and signs it with its own attempt key. */
async function runForgery(p: Presentation, server: RunningServer, manifest: Manifest, seed: number): Promise<PresentationOutcome> {
  if (p.camera.kind !== 'forgery') throw new Error(`${p.id} is not a forgery`);
  const { level, delaysMs, frames } = p.camera;
  const started = performance.now();
  const session = await createSession(server);
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = await exportJWK(publicKey);
  // It claims a real webcam and hides automation.
  const device = { cameraLabel: 'HD Pro Webcam C920 (046d:082d)', width: 640, height: 480, frameRate: 30, deviceId: true, webdriver: false };
  const start = await post<StartAttemptResponse>(server, `/v1/sessions/${session.id}/attempts`, session.clientToken, {
    publicKey: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y },
    device,
    ...(p.lightOptOut ? { lightOptOut: true } : {}),
  });
  const attemptStarted = performance.now();
  const plan = start.json.plan;
  // High assurance: the one-person footage unless the forger splices the cooperative actor's three people.
  const spec = frames && frames !== 'footage' ? ONE_PERSON_ACTOR : manifest.actor;
  const splice = level === 'spliced' ? spliceRun(plan, { ...(await offlineScript(manifest, delaysMs, spec)), seed }) : undefined;
  const trace = splice?.trace ?? forgeSynthetic(plan, level as 'naive' | 'noisy', seed);
  const sign = (payload: unknown) => new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'ES256' }).sign(privateKey);
  let crops: ResultPayload['frames'];
  if (frames && frames !== 'none' && splice && plan.highAssurance) {
    // It commits to its trace, as it must before the server says which moments it wants.
    const commitment = { traceDigest: createHash('sha256').update(traceDigestInput(trace)).digest('base64url'), steps: trace.steps, span: [trace.frames[0]!.t, trace.frames.at(-1)!.t] as [number, number], frameCount: trace.frames.length };
    const drawn = await post<FrameRequestResponse>(server, `/v1/attempts/${start.json.attemptId}/frames`, session.clientToken, { commitment: await sign({ v: 1, attemptId: start.json.attemptId, nonce: plan.nonce, commitment }) });
    const swap = frames === 'other_person' ? await otherPersonSwap() : undefined;
    // Cut from the footage its trace came from (or another person's), the flashes painted on the face on cue.
    crops = await cropsFor(trace, splice.sources, drawn.json.moments, swap ? { swap } : {});
  }
  // The evidence must not claim more time than the server sees pass: wait it out.
  const span = trace.frames[trace.frames.length - 1]!.t;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, span + 150 - (performance.now() - attemptStarted))));
  const payload: ResultPayload = { v: 1, attemptId: start.json.attemptId, nonce: plan.nonce, planToken: start.json.planToken, trace, device, sentAt: Date.now(), ...(crops?.length ? { frames: crops } : {}) };
  const jws = await sign(payload);
  const result = await post<ResultResponse & { error?: { code: string } }>(server, `/v1/attempts/${start.json.attemptId}/result`, session.clientToken, { result: jws });
  return {
    id: p.id,
    type: p.type,
    condition: p.lightOptOut ? 'no_light' : 'light',
    policy: 'flag',
    source: p.source,
    accepted: result.status === 200 && result.json.result === 'pass',
    outcome: result.json.result ?? result.json.error?.code ?? String(result.status),
    reasons: result.json.reasons ?? [],
    signals: result.json.signals ?? [],
    ...(result.json.assurance ? { assurance: result.json.assurance } : {}),
    challenges: plan.challenges,
    steps: stepSummary(result.json.steps ?? []),
    durationMs: performance.now() - started,
  };
}

function stepSummary(steps: readonly StepVerdict[]): string[] {
  return steps.map((s) => `${s.challenge}:${s.passed ? `ok ${s.reactionMs ?? ''}`.trim() : s.reason ?? 'failed'}`);
}

/** A presentation the harness could not run: on record, but no decision either way. */
function harnessError(p: Presentation, policy: 'flag' | 'reject', error: unknown): PresentationOutcome {
  return {
    id: p.id,
    type: p.type,
    condition: p.lightOptOut ? 'no_light' : 'light',
    policy,
    source: p.source,
    accepted: false,
    outcome: 'harness_error',
    reasons: [error instanceof Error ? error.message.split('\n')[0]!.slice(0, 200) : String(error)],
    signals: [],
    challenges: [],
    steps: [],
    durationMs: 0,
  };
}

async function pool<T, R>(items: readonly T[], size: number, run: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await run(items[index]!, index);
      }
    }),
  );
  return results;
}

export async function runEvaluation(options: EvaluationOptions): Promise<EvaluationReport> {
  const log = options.log ?? (() => undefined);
  const startedAt = new Date();
  const presentations = buildPresentations(options.manifest, options.mediaDir, options);
  // Seeded draws (reproducible runs) need the evaluation mode; and one machine plays hundreds of
  // candidates from one address, which the per-address rate limit exists to stop: off for this.
  const evaluation = { LIVEPROOF_EVALUATION: '1', LIVEPROOF_RATE_LIMIT: 'off' };
  const servers: Servers = { flag: await startServer({ ...evaluation, LIVEPROOF_SEED: String(options.seed) }) };
  if (presentations.some((p) => p.type === 'virtual_camera')) {
    servers.reject = await startServer({ ...evaluation, LIVEPROOF_SEED: String(options.seed + 1), LIVEPROOF_DEV_VIRTUAL_CAMERA_POLICY: 'reject' });
  }
  const outcomes: PresentationOutcome[] = [];
  try {
    if (presentations.some((p) => isHighAssurance(p.type))) {
      servers.ha = await startServer({ ...evaluation, LIVEPROOF_SEED: String(options.seed + 2) });
      // What a security team asks of it: crops required, and a profile turn in every plan (the
      // challenge aimed at real-time face swaps), less the movements the one-person footage lacks.
      await updateDevIntegration(servers.ha, { highAssurance: 'required', profileTurn: 'on', excludedChallenges: ['blink', 'open_mouth'] });
    }
    const serverFor = (p: Presentation, policy: 'flag' | 'reject') => (isHighAssurance(p.type) ? servers.ha! : policy === 'reject' ? servers.reject! : servers.flag);
    const inBrowser = presentations.filter((p) => p.camera.kind !== 'forgery');
    const runs: { p: Presentation; policy: 'flag' | 'reject' }[] = inBrowser.map((p) => ({ p, policy: p.type === 'virtual_camera' ? 'reject' : 'flag' }));
    const virtual = inBrowser.filter((p) => p.type === 'virtual_camera').slice(0, FLAGGED_VIRTUAL_CAMERAS);
    runs.push(...virtual.map((p) => ({ p: { ...p, id: `${p.id}-flag` }, policy: 'flag' as const })));
    for (const [i, { p, policy }] of runs.entries()) {
      const outcome = await runInBrowser(p, serverFor(p, policy), policy).catch((error: unknown) => harnessError(p, policy, error));
      outcomes.push(outcome);
      log(`[${i + 1}/${runs.length}] ${outcome.id}: ${outcome.accepted ? 'ACCEPTED' : 'rejected'} (${outcome.outcome}${outcome.reasons.length ? `: ${outcome.reasons.join(', ')}` : ''}) ${Math.round(outcome.durationMs)} ms`);
    }
    const forged = presentations.filter((p) => p.camera.kind === 'forgery');
    const forgedOutcomes = await pool(forged, options.forgeryConcurrency ?? 8, (p, i) =>
      runForgery(p, serverFor(p, 'flag'), options.manifest, options.seed + i).catch((error: unknown) => harnessError(p, 'flag', error)),
    );
    for (const outcome of forgedOutcomes) log(`${outcome.id}: ${outcome.accepted ? 'ACCEPTED' : 'rejected'} (${outcome.outcome}${outcome.reasons.length ? `: ${outcome.reasons.join(', ')}` : ''})`);
    outcomes.push(...forgedOutcomes);
  } finally {
    await servers.flag.stop();
    await servers.reject?.stop();
    await servers.ha?.stop();
  }
  return {
    startedAt: startedAt.toISOString(),
    durationS: (Date.now() - startedAt.getTime()) / 1000,
    seed: options.seed,
    machine: { node: process.version, cpus: cpus().length },
    ...summarise(outcomes),
    outcomes,
  };
}
