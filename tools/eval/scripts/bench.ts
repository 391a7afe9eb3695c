/**
 * `pnpm bench`: the figures that matter to a candidate and an embedder, measured on the built
 * product in real headless Chromium with the cooperative actor as the camera.
 *
 *   - time from the element's mount to the first face detected (with autostart)
 *   - milliseconds per processed frame: our whole pipeline (light, MediaPipe, features) and bare
 *     `detectForVideo` on the same frames
 *   - the time a cooperative check takes: first prompt to verdict, and Start to verdict
 *   - the gzipped size of the element's own JavaScript with the chunks it loads (MediaPipe excluded), and of the badge's
 *   - the bytes the demo page moves to its first face: cold (empty cache) and warm (a second visit
 *     in the same browser profile), as Chromium counts them
 *
 * Server throughput per route, on both stores, is `pnpm load`'s (it needs the rate limits off,
 * which this command, run on the shipped defaults, keeps on).
 *
 * Usage: pnpm bench [--runs 5] [--json test-results/bench.json]
 */
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync, brotliCompressSync } from 'node:zlib';
import {
  PAGE_DIR,
  REPO_ROOT,
  SHARED_MEDIA_DIR,
  createSession,
  installCooperativeActor,
  launchBrowser,
  recordEvents,
  recordTransfer,
  startServer,
  toY4m,
  waitForOutcome,
  type Transfer,
} from '../src/index.ts';

const { values: options } = parseArgs({
  // `pnpm bench -- --runs 10` passes the `--` on.
  args: process.argv.slice(2).filter((arg, i) => i > 0 || arg !== '--'),
  options: { runs: { type: 'string', default: '5' }, json: { type: 'string', default: join(REPO_ROOT, 'test-results', 'bench.json') } },
});
const runs = Number(options.runs);

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

interface RunFigures {
  passed: boolean;
  mountToFirstFaceMs: number;
  startToFirstFaceMs: number;
  firstPromptToVerdictMs: number;
  startToVerdictMs: number;
  /** The result's wait for the network probes after the last challenge: what they add to the verdict. */
  probesWaitMs: number;
  pipelineMsPerFrame: number;
  bareDetectMsPerFrame: number;
  framesProcessed: number;
}

/** An entry and the chunks it imports statically (what a page loads before it runs). */
function staticFiles(dist: string, entry: string): string[] {
  const files = [entry];
  for (let i = 0; i < files.length; i++) {
    const code = readFileSync(join(dist, files[i]!), 'utf8');
    for (const match of code.matchAll(/(?:^|[;}\s])(?:import|export)[^"'()]*?from\s*["']\.\/([^"']+\.js)["']|(?:^|[;}\s])import\s*["']\.\/([^"']+\.js)["']/g)) {
      const file = posix.join(posix.dirname(files[i]!), match[1] ?? match[2]!);
      if (!files.includes(file)) files.push(file);
    }
  }
  return files;
}

function gzipped(dist: string, files: readonly string[]): { raw: number; gzip: number; brotli: number } {
  const buffers = files.map((f) => readFileSync(join(dist, f)));
  return {
    raw: buffers.reduce((n, b) => n + b.length, 0),
    gzip: buffers.reduce((n, b) => n + gzipSync(b, { level: 9 }).length, 0),
    brotli: buffers.reduce((n, b) => n + brotliCompressSync(b).length, 0),
  };
}

/** The element's browser bundle and MediaPipe's loader, as the server serves them (apps/server/dist/static). */
function elementSize() {
  const served = join(REPO_ROOT, 'apps', 'server', 'dist', 'static');
  const dist = join(served, 'element');
  const check = gzipped(dist, staticFiles(dist, 'liveproof-check.js'));
  const badge = gzipped(dist, staticFiles(dist, 'liveproof-badge.js'));
  const mediapipe = join(served, 'assets', 'mediapipe');
  const manifest = JSON.parse(readFileSync(join(mediapipe, 'manifest.json'), 'utf8')) as { loader: string };
  return {
    elementBytes: check.raw,
    elementGzipBytes: check.gzip,
    elementBrotliBytes: check.brotli,
    badgeGzipBytes: badge.gzip,
    mediapipeJsGzipBytes: gzipSync(readFileSync(join(mediapipe, manifest.loader)), { level: 9 }).length,
  };
}

async function measureRun(server: Awaited<ReturnType<typeof startServer>>): Promise<RunFigures> {
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await recordEvents(page);
    await installCooperativeActor(page);
    const session = await createSession(server);
    await page.goto(`${server.url}/?autostart=1&flash_consent=1&client_token=${encodeURIComponent(session.clientToken)}`);
    const outcome = await waitForOutcome(page, 120_000);
    const metrics = await page.evaluate(() => {
      const element = document.querySelector('liveproof-check') as unknown as { metrics: Record<string, number> & { processingMs: number[] } };
      return element.metrics;
    });

    // Bare detectForVideo on the same footage the element saw: the actor's camera stream.
    // Evaluated, not added as a <script>: the demo page's CSP allows no inline script (and should not).
    await page.evaluate(readFileSync(join(PAGE_DIR, 'bare-detect.js'), 'utf8'));
    const bare = await page.evaluate(
      ([manifest, frames]) => (window as unknown as { __liveproofBareDetect(url: string, n: number): Promise<number[]> }).__liveproofBareDetect(manifest, frames),
      ['/assets/mediapipe/manifest.json', 150] as const,
    );

    return {
      passed: outcome.type === 'liveproof-complete' && outcome.detail.result === 'pass',
      mountToFirstFaceMs: metrics.firstFaceAt! - metrics.connectedAt!,
      startToFirstFaceMs: metrics.firstFaceAt! - metrics.startedAt!,
      firstPromptToVerdictMs: metrics.verdictAt! - metrics.firstPromptAt!,
      startToVerdictMs: metrics.verdictAt! - metrics.startedAt!,
      probesWaitMs: metrics.probesWaitMs ?? 0,
      pipelineMsPerFrame: median(metrics.processingMs),
      bareDetectMsPerFrame: median(bare),
      framesProcessed: metrics.processingMs.length,
    };
  } finally {
    await browser.close();
  }
}

/**
 * The demo page from navigation to the first face, twice in one browser profile: a cold visit (empty
 * cache) and a warm one. Chromium's fake camera plays real footage, since the actor's page routes
 * would turn Chromium's HTTP cache off.
 */
async function measureTransfer(server: Awaited<ReturnType<typeof startServer>>): Promise<{ cold: Transfer; warm: Transfer }> {
  const browser = await launchBrowser({ fakeVideo: toY4m(join(SHARED_MEDIA_DIR, 'live', 'liveportrait-d0.mp4'), { duration: 20 }) });
  const visit = async () => {
    const page = await browser.context.newPage();
    const transfer = await recordTransfer(page);
    const session = await createSession(server);
    await page.goto(`${server.url}/?autostart=1&flash_consent=1&client_token=${encodeURIComponent(session.clientToken)}`);
    await page.waitForFunction(() => (document.querySelector('liveproof-check') as unknown as { metrics?: { firstFaceAt?: number } }).metrics?.firstFaceAt !== undefined, undefined, {
      timeout: 60_000,
      polling: 50,
    });
    // Let the last loadingFinished events of what arrived before the face reach us.
    await page.waitForTimeout(300);
    const figures = transfer.read();
    await transfer.stop();
    await page.close();
    return figures;
  };
  try {
    const cold = await visit();
    const warm = await visit();
    return { cold, warm };
  } finally {
    await browser.close();
  }
}

const megabytes = (bytes: number) => (bytes < 1e5 ? `${round(bytes / 1e3, 1)} kB` : `${round(bytes / 1e6, 2)} MB`);

/** The biggest responses of a visit, for the printout. */
const largest = (transfer: Transfer, n = 4) =>
  [...transfer.requests]
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, n)
    .map((r) => `${new URL(r.url).pathname.split('/').at(-1) || '/'} ${megabytes(r.bytes)} ${r.encoding}`)
    .join(', ');

const size = elementSize();
const server = await startServer();
const figures: RunFigures[] = [];
try {
  for (let i = 0; i < runs; i++) {
    const run = await measureRun(server);
    figures.push(run);
    console.log(`run ${i + 1}/${runs}: ${run.passed ? 'passed' : 'FAILED'}, first prompt to verdict ${round(run.firstPromptToVerdictMs, 0)} ms`);
  }
  const transfer = await measureTransfer(server);
  const pick = (key: keyof RunFigures) => figures.map((f) => Number(f[key]));
  const summary = {
    machine: { node: process.version, cpus: (await import('node:os')).cpus().length },
    runs,
    passed: figures.filter((f) => f.passed).length,
    mountToFirstFaceMs: round(median(pick('mountToFirstFaceMs')), 0),
    startToFirstFaceMs: round(median(pick('startToFirstFaceMs')), 0),
    pipelineMsPerFrame: round(median(pick('pipelineMsPerFrame'))),
    bareDetectMsPerFrame: round(median(pick('bareDetectMsPerFrame'))),
    firstPromptToVerdictMs: round(median(pick('firstPromptToVerdictMs')), 0),
    startToVerdictMs: round(median(pick('startToVerdictMs')), 0),
    probesWaitMs: round(median(pick('probesWaitMs')), 0),
    probesWaitMaxMs: round(Math.max(...pick('probesWaitMs')), 0),
    ...size,
    coldBytesToFirstFace: transfer.cold.bytes,
    coldRequestsToFirstFace: transfer.cold.requests.length,
    warmBytesToFirstFace: transfer.warm.bytes,
    warmRequestsToFirstFace: transfer.warm.requests.length,
    perRun: figures,
    transfer,
  };
  mkdirSync(dirname(options.json!), { recursive: true });
  writeFileSync(options.json!, `${JSON.stringify(summary, null, 2)}\n`);
  console.log(`
Liveproof benchmark (${runs} cooperative checks, medians; ${summary.machine.cpus} CPUs, Node ${summary.machine.node})
  checks passed                         ${summary.passed}/${runs}
  mount -> first face (autostart)       ${summary.mountToFirstFaceMs} ms   (Start -> first face ${summary.startToFirstFaceMs} ms)
  per processed frame, whole pipeline   ${summary.pipelineMsPerFrame} ms
  per frame, bare detectForVideo        ${summary.bareDetectMsPerFrame} ms
  first prompt -> verdict               ${summary.firstPromptToVerdictMs} ms   (Start -> verdict ${summary.startToVerdictMs} ms)
  of which the network probes' wait     ${summary.probesWaitMs} ms median, ${summary.probesWaitMaxMs} ms at most (after the last challenge, before the result)
  element JS (own, MediaPipe excluded)  ${summary.elementBytes} B raw, ${summary.elementGzipBytes} B gzip, ${summary.elementBrotliBytes} B brotli
  <liveproof-badge> JS, with its chunks  ${summary.badgeGzipBytes} B gzip
  MediaPipe's JS (lazy)                 ${summary.mediapipeJsGzipBytes} B gzip (+ WASM and model, served by us)
  demo page to first face, cold         ${megabytes(summary.coldBytesToFirstFace)} in ${summary.coldRequestsToFirstFace} requests (largest: ${largest(transfer.cold)})
  demo page to first face, warm         ${megabytes(summary.warmBytesToFirstFace)} in ${summary.warmRequestsToFirstFace} requests (largest: ${largest(transfer.warm)})
written to ${options.json}`);
} finally {
  await server.stop();
}
