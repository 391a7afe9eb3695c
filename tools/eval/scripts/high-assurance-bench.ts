/**
 * `pnpm bench:high-assurance`: what high assurance costs, on the built product in headless Chromium
 * with the one-person actor, the same integration with `highAssurance` off and then `required`
 * (blink and open mouth left out of its plans, which that footage cannot do):
 *
 *   - time from the last challenge to the verdict, and the part of it the commitment and the
 *     crops take (the round trip to the server and the encoding);
 *   - the signed result's size, and the crops' share of it;
 *   - the server process's CPU time per attempt (all its threads, from /proc: the face model's
 *     worker threads included), and the results with crops a second that makes on this machine's
 *     face threads.
 *
 * Usage: pnpm bench:high-assurance [--runs 4]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ONE_PERSON_ACTOR, createSession, installActor, launchBrowser, loadManifest, recordEvents, resolveScript, startServer, updateDevIntegration, waitForOutcome } from '../src/index.ts';

const { values: options } = parseArgs({
  args: process.argv.slice(2).filter((arg, i) => i > 0 || arg !== '--'),
  options: { runs: { type: 'string', default: '4' } },
});
const runs = Number(options.runs);
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const TICK_MS = 10; // USER_HZ on Linux

/** CPU time (user + system, ms) the process has used, all threads. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

interface Run {
  passed: boolean;
  /** Median main-thread ms per frame for the crop (high assurance), and for the rest of the frame's processing. */
  captureMs: number;
  processingMs: number;
  reasons: string[];
  doneToVerdictMs: number;
  framesWaitMs: number;
  resultBytes: number;
  cropBytes: number;
  crops: number;
  serverCpuMs: number;
}

const server = await startServer();
const pid = server.process.pid!;
const script = resolveScript(await loadManifest(), ONE_PERSON_ACTOR);

async function measure(): Promise<Run> {
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await recordEvents(page);
    await installActor(page, { ...script, delayMs: [300, 900] });
    let resultBytes = 0;
    let cropBytes = 0;
    let crops = 0;
    page.on('request', (request) => {
      if (!request.url().endsWith('/result')) return;
      const body = request.postData() ?? '';
      resultBytes = body.length;
      const jws = (JSON.parse(body) as { result: string }).result;
      const payload = JSON.parse(Buffer.from(jws.split('.')[1]!, 'base64url').toString()) as { frames?: { data: string }[] };
      crops = payload.frames?.length ?? 0;
      // Each crop's base64, in the payload's base64url: four thirds again.
      cropBytes = Math.round(((payload.frames ?? []).reduce((sum, f) => sum + f.data.length + 20, 0) * 4) / 3);
    });
    const session = await createSession(server, { audience: 'dev-ats' });
    await page.goto(`${server.url}/?autostart=1&flash_consent=1&client_token=${encodeURIComponent(session.clientToken)}`);
    await page.waitForFunction(() => (document.querySelector('liveproof-check') as unknown as { state: string }).state === 'challenge', undefined, { timeout: 60_000 });
    const cpuBefore = cpuMs(pid);
    const outcome = await waitForOutcome(page);
    const cpuAfter = cpuMs(pid);
    const metrics = await page.evaluate(() => (document.querySelector('liveproof-check') as unknown as { metrics: Record<string, number> & { captureMs: number[]; processingMs: number[] } }).metrics);
    const detail = outcome.detail as { result?: string; reasons?: string[]; attemptId?: string };
    if (detail.result !== 'pass' && detail.attemptId) {
      const record = (await fetch(`${server.url}/v1/sessions/${session.id}/attempts/${detail.attemptId}`, { headers: { authorization: `Bearer ${server.apiKey}` } }).then((r) => r.json())) as { diagnostics?: unknown };
      console.error(`a check failed (${detail.reasons?.join(', ')}): ${JSON.stringify(record.diagnostics)}`);
    }
    return {
      passed: detail.result === 'pass',
      reasons: detail.reasons ?? [],
      captureMs: metrics.captureMs.length ? median(metrics.captureMs) : 0,
      processingMs: median(metrics.processingMs),
      doneToVerdictMs: metrics.verdictAt! - metrics.challengesDoneAt!,
      framesWaitMs: metrics.framesWaitMs ?? 0,
      resultBytes,
      cropBytes,
      crops,
      serverCpuMs: cpuAfter - cpuBefore,
    };
  } finally {
    await browser.close();
  }
}

const report: Record<string, Run[]> = {};
try {
  for (const mode of ['off', 'required'] as const) {
    await updateDevIntegration(server, { highAssurance: mode, excludedChallenges: ['blink', 'open_mouth'] });
    // The first high-assurance result starts the face threads and loads the model: measured apart.
    if (mode === 'required') report['required (first, cold threads)'] = [await measure()];
    report[mode] = [];
    for (let i = 0; i < runs; i++) report[mode]!.push(await measure());
  }
} finally {
  await server.stop();
}

const threads = Number(/Face crops:\s+up to (\d+)/.exec(server.output())?.[1] ?? 1);
console.log(`high assurance on the built product, one-person actor, ${runs} checks each (the first required one also, apart)`);
for (const [mode, list] of Object.entries(report)) {
  const passed = list.filter((r) => r.passed).length;
  console.log(`\n  ${mode}: ${passed}/${list.length} passed${list.some((r) => !r.passed) ? ` (reasons: ${list.filter((r) => !r.passed).map((r) => r.reasons.join('+')).join(', ')})` : ''}`);
  console.log(`    last challenge -> verdict      ${Math.round(median(list.map((r) => r.doneToVerdictMs)))} ms median (commitment and crops: ${Math.round(median(list.map((r) => r.framesWaitMs)))} ms)`);
  console.log(`    signed result                  ${(median(list.map((r) => r.resultBytes)) / 1024).toFixed(1)} KB (crops: ${median(list.map((r) => r.crops))}, ${(median(list.map((r) => r.cropBytes)) / 1024).toFixed(1)} KB)`);
  console.log(`    server CPU per check           ${Math.round(median(list.map((r) => r.serverCpuMs)))} ms (all threads, from the first prompt to the verdict)`);
  console.log(`    per frame on the page          ${median(list.map((r) => r.processingMs)).toFixed(1)} ms analysis, ${median(list.map((r) => r.captureMs)).toFixed(2)} ms cutting the crop (medians)`);
}
const added = median(report.required!.map((r) => r.serverCpuMs)) - median(report.off!.map((r) => r.serverCpuMs));
console.log(`\n  the crops add about ${Math.round(added)} ms of server CPU a check: about ${((threads * 1000) / Math.max(1, added)).toFixed(1)} results with crops a second on ${threads} face thread${threads === 1 ? '' : 's'}`);
