/**
 * Records a trace from every clip of the shared test footage with the element's own engine, in
 * headless Chromium, one frame at a time (by seeking), so that the traces are deterministic.
 *
 *   node --import tsx tools/recorder/record-traces.ts [--media DIR] [--width 640] [clip ...]
 *
 * Clips are named by base name (`maxine-webcam-turns`), file name or `folder/file`; none means all.
 * Writes `test-media/traces/<folder>/<name>.json` and prints a summary per clip.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, extname, join, normalize, sep } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { createLogger, createServer, type Logger, type Plugin } from 'vite';
import type { RecordingResult } from './api.ts';
import { TRANSCODE_DIR, transcodeToVp9 } from '@liveproof/eval';
import { MEDIA_FOLDERS, REPO_ROOT, SHARED_MEDIA_DIR, tracePath, type MediaFolder, type RecordedTrace } from '@liveproof/test-media';
import { summarise, formatSummary } from './trace-summary.ts';

const run = promisify(execFile);

const { values: options, positionals: wanted } = parseArgs({
  allowPositionals: true,
  options: {
    media: { type: 'string', default: SHARED_MEDIA_DIR },
    width: { type: 'string', default: '640' },
    model: { type: 'string', default: join(REPO_ROOT, 'apps/server/assets/models/face_landmarker.task') },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
});
const mediaDir = options.media;
const analysisWidth = Number(options.width);
const STILL_FPS = 30;
const STILL_SECONDS = 5;

const TASKS_VISION_DIR = join(REPO_ROOT, 'packages/element/node_modules/@mediapipe/tasks-vision');
const WASM_DIR = join(TASKS_VISION_DIR, 'wasm');
const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp']);
const CONTENT_TYPES: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
};

/** MediaPipe's own log lines, SwiftShader performance notes and the blocked usage log. */
const PAGE_NOISE = /^(?:[WI]\d{4} |INFO: )|GL Driver Message|GPU stall|ERR_BLOCKED_BY_CLIENT|net::ERR_FAILED/;

interface Clip {
  folder: MediaFolder;
  file: string;
  path: string;
  still: boolean;
}

async function listClips(): Promise<Clip[]> {
  const clips: Clip[] = [];
  for (const folder of MEDIA_FOLDERS) {
    const dir = join(mediaDir, folder);
    if (!existsSync(dir)) continue;
    for (const file of (await readdir(dir)).sort()) {
      const ext = extname(file).toLowerCase();
      if (ext !== '.mp4' && ext !== '.webm' && ext !== '.mov' && !IMAGE_EXTENSIONS.has(ext)) continue;
      clips.push({ folder, file, path: join(dir, file), still: IMAGE_EXTENSIONS.has(ext) });
    }
  }
  if (wanted.length === 0) return clips;
  const picked = clips.filter((c) => wanted.some((w) => w === c.file || w === `${c.folder}/${c.file}` || w === basename(c.file, extname(c.file))));
  const missing = wanted.filter((w) => !picked.some((c) => w === c.file || w === `${c.folder}/${c.file}` || w === basename(c.file, extname(c.file))));
  if (missing.length > 0) throw new Error(`no such clip in ${mediaDir}: ${missing.join(', ')}`);
  return picked;
}

function parseRate(rate: string): number {
  const [num, den] = rate.split('/').map(Number);
  return den ? num! / den : num!;
}

interface Probe {
  codec: string;
  fps: number;
  /** Whether the average frame rate disagrees with the nominal one (timestamps are not a clean grid). */
  irregular: boolean;
  frameCount: number;
  /** Seconds from the start of the file's timeline to the first video frame (non-zero when audio starts first). */
  startOffset: number;
}

async function probe(path: string): Promise<Probe> {
  const { stdout } = await run('ffprobe', [
    '-v', 'error', '-select_streams', 'v:0', '-count_packets',
    '-show_entries', 'stream=codec_name,r_frame_rate,avg_frame_rate,nb_read_packets,start_time:format=start_time', '-of', 'json', path,
  ]);
  const probed = JSON.parse(stdout) as { streams: Array<Record<string, string>>; format: Record<string, string> };
  const stream = probed.streams[0];
  if (!stream) throw new Error(`${path}: no video stream`);
  const fps = parseRate(stream.r_frame_rate!);
  const avg = parseRate(stream.avg_frame_rate!);
  const startOffset = Math.round(Math.max(0, Number(stream.start_time ?? 0) - Number(probed.format.start_time ?? 0)) * 1e6) / 1e6;
  return { codec: stream.codec_name!, fps, irregular: Math.abs(avg - fps) / fps > 1e-4, frameCount: Number(stream.nb_read_packets), startOffset };
}

async function sendFile(req: IncomingMessage, res: ServerResponse, root: string, relative: string): Promise<void> {
  const path = normalize(join(root, decodeURIComponent(relative)));
  if (!path.startsWith(root.endsWith(sep) ? root : root + sep)) {
    res.writeHead(403).end();
    return;
  }
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a file');
    size = info.size;
  } catch {
    res.writeHead(404).end();
    return;
  }
  const headers: Record<string, string | number> = {
    'Content-Type': CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'no-store',
  };
  let start = 0;
  let end = size - 1;
  let status = 200;
  const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
  if (range && (range[1] || range[2])) {
    if (range[1] === '') {
      start = Math.max(0, size - Number(range[2]));
    } else {
      start = Number(range[1]);
      if (range[2]) end = Math.min(Number(range[2]), size - 1);
    }
    if (start > end || start >= size) {
      res.writeHead(416, { 'Content-Range': `bytes */${size}` }).end();
      return;
    }
    status = 206;
    headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
  }
  headers['Content-Length'] = end - start + 1;
  res.writeHead(status, headers);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(path, { start, end }).pipe(res);
}

/** Serves the MediaPipe assets, the footage and its transcoded copies next to the recorder page. */
function assetsPlugin(modelPath: string): Plugin {
  const routes: Array<[prefix: string, root: string]> = [
    ['/assets/mediapipe/wasm/', WASM_DIR],
    ['/media/', mediaDir],
    ['/transcoded/', TRANSCODE_DIR],
  ];
  return {
    name: 'liveproof-recorder-assets',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const url = new URL(req.url ?? '/', 'http://recorder');
        // What the element's engine reads to find MediaPipe (the server's build writes its own).
        if (url.pathname === '/assets/mediapipe/manifest.json') {
          res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ version: '', loader: './vision_bundle.mjs', wasm: './wasm', model: './face_landmarker.task' }));
          return;
        }
        if (url.pathname === '/assets/mediapipe/vision_bundle.mjs') {
          void sendFile(req, res, TASKS_VISION_DIR, 'vision_bundle.mjs');
          return;
        }
        if (url.pathname === '/assets/mediapipe/face_landmarker.task') {
          void sendFile(req, res, join(modelPath, '..'), basename(modelPath));
          return;
        }
        for (const [prefix, root] of routes) {
          if (url.pathname.startsWith(prefix)) {
            void sendFile(req, res, root, url.pathname.slice(prefix.length));
            return;
          }
        }
        next();
      });
    },
  };
}

/** Vite's logger minus the warning about tasks-vision's missing source map. */
function quietLogger(): Logger {
  const logger = createLogger('warn');
  const warn = logger.warn.bind(logger);
  logger.warn = (message, options) => {
    if (!message.includes('Failed to load source map')) warn(message, options);
  };
  return logger;
}

function writeTrace(path: string, trace: RecordedTrace): Promise<void> {
  const { frames, ...head } = trace;
  const text = `${JSON.stringify(head).slice(0, -1)},"frames":[\n${frames.map((f) => JSON.stringify(f)).join(',\n')}\n]}\n`;
  return writeFile(path, text);
}

async function main(): Promise<void> {
  const clips = await listClips();
  const modelPath = existsSync(options.model) ? options.model : join(mediaDir, '..', 'models', 'face_landmarker.task');
  const model = createHash('sha256').update(await readFile(modelPath)).digest('hex').slice(0, 16);
  const tasksVision = (JSON.parse(await readFile(join(TASKS_VISION_DIR, 'package.json'), 'utf8')) as { version: string }).version;

  const server = await createServer({
    configFile: false,
    root: join(REPO_ROOT, 'tools', 'recorder'),
    customLogger: quietLogger(),
    clearScreen: false,
    server: { host: '127.0.0.1', port: 0, hmr: false, watch: null, fs: { allow: [REPO_ROOT] } },
    // Serve the few dependencies as plain ESM: no optimiser run that could reload the page mid-clip.
    optimizeDeps: { noDiscovery: true, include: [] },
    plugins: [assetsPlugin(modelPath)],
  });
  await server.listen();
  const origin = `http://127.0.0.1:${(server.httpServer!.address() as AddressInfo).port}`;

  const profile = await mkdtemp(join(tmpdir(), 'liveproof-recorder-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: options.chromium,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const cleanUp = async () => {
    await context.close();
    await server.close();
    await rm(profile, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void cleanUp().finally(() => process.exit(130));
    });
  }
  try {
    // Nothing leaves the machine: tasks-vision 1.1.0 posts usage logs to odml.pa.googleapis.com.
    await context.route((url) => url.origin !== origin, (route) => route.abort('blockedbyclient'));
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => console.error(`[page] ${error.message}`));
    page.on('console', (message) => {
      if ((message.type() === 'error' || message.type() === 'warning') && !PAGE_NOISE.test(message.text())) console.error(`[page] ${message.text()}`);
    });
    await page.goto(`${origin}/index.html`);
    await page.waitForFunction(() => window.liveproofRecorder !== undefined);
    await page.evaluate(() => window.liveproofRecorder.ready);
    const browser = `Chromium ${context.browser()?.version() ?? (await page.evaluate(() => navigator.userAgent))}`;
    console.log(`recording ${clips.length} clip(s) from ${mediaDir} with model ${model}, tasks-vision ${tasksVision}, ${browser}`);

    for (const clip of clips) {
      const label = `${clip.folder}/${clip.file}`;
      const started = Date.now();
      let result: RecordingResult;
      let fps = STILL_FPS;
      let transcoded: string | undefined;
      const mediaUrl = `/media/${clip.folder}/${encodeURIComponent(clip.file)}`;
      if (clip.still) {
        const job = { url: mediaUrl, fps, frameCount: STILL_FPS * STILL_SECONDS, analysisWidth };
        result = await page.evaluate((j) => window.liveproofRecorder.recordImage(j), job);
      } else {
        const info = await probe(clip.path);
        fps = info.fps;
        let url = mediaUrl;
        let startOffset = info.startOffset;
        const playable = await page.evaluate((u) => window.liveproofRecorder.canPlay(u), url);
        if (!playable.playable || info.irregular) {
          const why = playable.playable ? 'irregular frame timing' : `Chromium cannot decode ${info.codec}: ${playable.error}`;
          const name = await transcodeToVp9(clip.path, { prefix: clip.folder, fps });
          url = `/transcoded/${name}`;
          transcoded = `${info.codec} -> vp9 (${why})`;
          startOffset = 0;
        }
        const job = { url, fps, frameCount: info.frameCount, startOffset, analysisWidth };
        result = await page.evaluate((j) => window.liveproofRecorder.recordVideo(j), job);
      }
      const trace: RecordedTrace = {
        clip: label,
        fps: Math.round(fps * 1000) / 1000,
        ...(result.startOffset ? { startOffset: result.startOffset } : {}),
        frameCount: result.frames.length,
        width: result.width,
        height: result.height,
        analysedWidth: result.analysedWidth,
        analysedHeight: result.analysedHeight,
        recordedWith: { model, tasksVision, browser, ...(transcoded ? { transcoded } : {}), ...(clip.still ? { still: true } : {}) },
        frames: result.frames,
      };
      const out = tracePath(clip.folder, clip.file);
      await mkdir(join(out, '..'), { recursive: true });
      await writeTrace(out, trace);
      const misplaced = result.misplacedFrames.length > 0 ? `, ${result.misplacedFrames.length} frame(s) not at their seek target: ${result.misplacedFrames.slice(0, 8).join(' ')}` : '';
      console.log(`${formatSummary(label, summarise(trace.frames))}, detect ${result.detectMs.toFixed(1)} ms/frame, ${((Date.now() - started) / 1000).toFixed(1)} s${transcoded ? `, transcoded ${transcoded}` : ''}${misplaced}`);
    }
  } finally {
    await cleanUp();
  }
}

await main();
