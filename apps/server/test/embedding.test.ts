/**
 * Every way an embedder can take the element, each in real Chromium against the built server:
 *
 *   - a Vite app bundling `@liveproof/element` from the workspace's source,
 *   - the same app bundling it from the packed tarballs, installed with npm outside the workspace
 *     (and type-checked there against the installed declarations),
 *   - a React 19 app and a Vue 3 app (an SFC, with @vitejs/plugin-vue) on the same tarballs, each
 *     type-checked against the installed framework declarations (`tsc` for the React TSX, `vue-tsc`
 *     for the Vue templates) and built with the app's own Vite,
 *   - a plain HTML page with no bundler loading the server's `/element/define.js`
 *
 * (the demo page, on the server's own bundle, is the end-to-end test's). The Vite apps start a check
 * on Chromium's fake camera and let MediaPipe process frames; the React, Vue and plain pages run a
 * whole check with the responsive actor (no flashing) and must receive the passing result with its
 * token through their own event binding. Each then removes the element (MediaPipe flushes its
 * usage log when the face engine closes) and watches for a second: no request may go to any host
 * but the Liveproof server and the page's own, and MediaPipe's usage-log address must be nowhere
 * in what was built. The one npm install fetches lit, jose, zod and @mediapipe/tasks-vision (for
 * its types), and the frameworks' packages, from the registry.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, extname, join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { build, version as viteVersion } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BADGE_STATUSES, CheckState, type LiveproofCompleteDetail } from '@liveproof/element';
import {
  createSession,
  installCooperativeActor,
  launchBrowser,
  recordEvents,
  screenshot,
  startServer,
  waitForPass,
  waitForState,
  type LaunchedBrowser,
  type RunningServer,
} from '@liveproof/eval';

declare global {
  interface Window {
    /** Each result the React, Vue and plain pages received through their own event binding. */
    __completes?: LiveproofCompleteDetail[];
  }
}

const REPO = resolve(import.meta.dirname, '../../..');
const FIXTURE = join(import.meta.dirname, 'fixtures', 'embedder');
/** The React and Vue apps: in a dot-folder, which the workspace's `tsc -b` (no React, no Vue) skips. */
const FRAMEWORK_FIXTURES = join(import.meta.dirname, 'fixtures', '.frameworks');
const PNPM = ['-y', 'pnpm@10.34.9'];
const TSC = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
const TELEMETRY_HOST = 'odml.pa.googleapis.com';

let server: RunningServer;
let work: string;
const browsers: LaunchedBrowser[] = [];

beforeAll(async () => {
  server = await startServer();
  work = await mkdtemp(join(tmpdir(), 'liveproof-embedding-'));
});

afterAll(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

/** Serves `files` (path to body) on 127.0.0.1, an origin other than the Liveproof server's. */
async function servePage(files: (path: string) => Promise<string | Buffer | undefined>): Promise<{ url: string; close(): Promise<void> }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
  const page: Server = createServer((request, response) => {
    const requested = new URL(request.url ?? '/', 'http://page').pathname;
    const path = requested === '/' ? '/index.html' : requested;
    void files(path).then((body) => {
      if (body === undefined) response.writeHead(404).end();
      else response.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(body);
    });
  });
  await new Promise<void>((done) => page.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(page.address() as AddressInfo).port}`,
    close: () =>
      new Promise((done) => {
        page.close(() => done());
        // Chromium keeps connections open (some never used) that close() would wait for.
        page.closeAllConnections();
      }),
  };
}

/** A built app's files, refusing paths outside it. */
const fromDirectory = (dir: string) => (path: string) => {
  const file = resolve(dir, `.${path}`);
  return file.startsWith(dir) ? readFile(file).catch(() => undefined) : Promise.resolve(undefined);
};

interface Visit {
  page: Page;
  /** Requests to anything but the Liveproof server, the page's own origin, `data:` and `blob:`. */
  elsewhere: string[];
  requested: string[];
  framesProcessed: number;
}

/** A new page in a new Chromium, recording every request it makes. */
async function openPage(): Promise<{ page: Page; requested: string[] }> {
  const browser = await launchBrowser();
  browsers.push(browser);
  const page = await browser.context.newPage();
  const requested: string[] = [];
  page.on('request', (request) => requested.push(request.url()));
  return { page, requested };
}

/** Removes the element, watches the network for a second more, and returns the requests that went elsewhere. */
async function leave(page: Page, pageUrl: string, requested: string[]): Promise<string[]> {
  await page.evaluate(() => document.querySelector('liveproof-check')!.remove());
  await page.waitForTimeout(1000);
  const allowed = [new URL(server.url).origin, new URL(pageUrl).origin];
  return requested.filter((url) => !/^(data|blob):/.test(url) && !allowed.includes(new URL(url).origin));
}

/**
 * Opens `pageUrl` (whose check starts by itself) on the fake camera, waits for MediaPipe to process
 * frames, removes the element and watches the network for a second more.
 */
async function checkThenLeave(pageUrl: string): Promise<Visit> {
  const { page, requested } = await openPage();
  await page.goto(pageUrl);
  await waitForState(page, 'positioning');
  await page.waitForFunction(() => (document.querySelector('liveproof-check')?.metrics.processingMs.length ?? 0) >= 10, undefined, { timeout: 30_000 });
  const framesProcessed = await page.evaluate(() => document.querySelector('liveproof-check')!.metrics.processingMs.length);
  const elsewhere = await leave(page, pageUrl, requested);
  return { page, elsewhere, requested, framesProcessed };
}

/**
 * Opens `pageUrl` (whose check starts by itself, without flashing) with the responsive actor in
 * front of the camera and waits for a pass, pressing Try again after a failed attempt as a candidate
 * would (`waitForPass`); saves a screenshot (test-results/screenshots/embedding-<name>-passed.png),
 * then leaves as `checkThenLeave` does. The page's own handler of `liveproof-complete` puts each
 * result it receives in `window.__completes`.
 */
async function passThenLeave(pageUrl: string, name: string) {
  const { page, requested } = await openPage();
  await recordEvents(page);
  await installCooperativeActor(page);
  await page.goto(pageUrl);
  const { outcome } = await waitForPass(page);
  const received = await page.evaluate(() => window.__completes ?? []);
  await screenshot(page, `embedding-${name}-passed`);
  const elsewhere = await leave(page, pageUrl, requested);
  return { page, elsewhere, requested, outcome: outcome.detail, received };
}

/** The check passed, the page's own event binding received that result with its token, and nothing went to another host. */
function expectPassedAndContained(visit: Awaited<ReturnType<typeof passThenLeave>>): void {
  expect(visit.outcome).toMatchObject({ result: 'pass', token: expect.stringMatching(/^eyJ/) });
  expect(visit.received.at(-1)).toMatchObject({ result: 'pass', token: visit.outcome['token'] });
  expect(visit.elsewhere).toEqual([]);
}

/** Every file under `dir` that contains `text`. */
async function filesContaining(dir: string, text: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if ((await readFile(path)).includes(text)) found.push(path);
  }
  return found;
}

/** Builds the fixture app in `root` (its index.html and main.ts) with Vite into `outDir`. */
async function buildApp(root: string, outDir: string): Promise<void> {
  await build({ root, configFile: false, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
}

/** Checks the built app's page in Chromium: the element runs, and nothing leaves for another host. */
async function expectContainedCheck(dist: string) {
  expect(await filesContaining(dist, TELEMETRY_HOST)).toEqual([]);
  const page = await servePage(fromDirectory(dist));
  try {
    const session = await createSession(server);
    const visit = await checkThenLeave(`${page.url}/?api=${encodeURIComponent(server.url)}&token=${encodeURIComponent(session.clientToken)}`);
    expect(visit.elsewhere).toEqual([]);
    expect(visit.framesProcessed).toBeGreaterThanOrEqual(10);
    // MediaPipe's loader, WASM and model came from the server, through its manifest.
    expect(visit.requested).toContain(`${server.url}/assets/mediapipe/manifest.json`);
    expect(visit.requested.some((url) => /\/assets\/mediapipe\/[0-9a-f]{16}\/wasm\/vision_wasm_internal\.wasm$/.test(url))).toBe(true);
    // Importing @liveproof/element registered nothing; @liveproof/element/define did.
    expect(await visit.page.evaluate(() => window.__embedder)).toMatchObject({ registeredOnImport: false, registered: true, states: expect.arrayContaining(['positioning']) });
  } finally {
    await page.close();
  }
}

describe('a Vite app bundling the workspace source of @liveproof/element', () => {
  it('runs the check with nothing sent anywhere but the Liveproof server, and registers tags only from /define', async () => {
    const dist = join(work, 'source-app');
    await buildApp(FIXTURE, dist);
    await expectContainedCheck(dist);
  });
});

/**
 * The environment of a process outside the workspace: none of the package manager's or vitest's
 * settings, and no workspace folder (such as its node_modules/.bin) on the PATH.
 */
const plainEnv: NodeJS.ProcessEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(npm_|pnpm_|vitest|node_options$|node_path$)/i.test(key))),
  PATH: (process.env['PATH'] ?? '')
    .split(delimiter)
    .filter((entry) => !resolve(entry).startsWith(REPO))
    .join(delimiter),
};

function succeed(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, env: plainEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done(output) : fail(new Error(`${command} ${args.join(' ')} exited ${code}:\n${output}`))));
  });
}

/**
 * Packs @liveproof/protocol into `packs`. Its own build to dist is being added on another branch;
 * until a `build` script is there, this compiles it the same way (tsc: JavaScript and declarations,
 * relative `.ts` imports rewritten to `.js`) into a copy in `work`, and packs that.
 */
async function packProtocol(packs: string): Promise<void> {
  const dir = join(REPO, 'packages', 'protocol');
  const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  if (manifest.scripts?.['build']) {
    await succeed('npx', [...PNPM, 'run', 'build'], dir);
    await succeed('npx', [...PNPM, 'pack', '--pack-destination', packs], dir);
    return;
  }
  const copy = join(work, 'protocol');
  await mkdir(copy, { recursive: true });
  await writeFile(join(copy, 'package.json'), JSON.stringify({ ...manifest, files: ['dist'] }, null, 2));
  const tsconfig = {
    extends: join(REPO, 'tsconfig.base.json'),
    compilerOptions: {
      composite: false,
      incremental: false,
      emitDeclarationOnly: false,
      rewriteRelativeImportExtensions: true,
      rootDir: join(dir, 'src'),
      outDir: join(copy, 'dist'),
      types: [],
    },
    include: [join(dir, 'src')],
    exclude: [join(dir, 'src', '**', '*.test.ts')],
  };
  await writeFile(join(copy, 'tsconfig.json'), JSON.stringify(tsconfig));
  await succeed(process.execPath, [TSC, '-p', copy], copy);
  await succeed('npx', [...PNPM, 'pack', '--pack-destination', packs], copy);
}

/** A TypeScript consumer with the strictest settings: it fails if the declarations are missing, broken or `any`. */
const CONSUMER_TSCONFIG = {
  compilerOptions: {
    module: 'esnext',
    moduleResolution: 'bundler',
    target: 'es2022',
    lib: ['es2023', 'dom', 'dom.iterable'],
    types: [],
    strict: true,
    noEmit: true,
    skipLibCheck: false,
  },
  files: ['main.ts', 'typed.ts'],
};

const CONSUMER_TYPES = `
import { LiveproofCheck, defineLiveproofBadge, type LiveproofCompleteDetail } from '@liveproof/element';
import type { ErrorCode } from '@liveproof/protocol';

defineLiveproofBadge();
const check: LiveproofCheck = document.createElement('liveproof-check');
check.addEventListener('liveproof-complete', (event) => {
  const detail: LiveproofCompleteDetail = event.detail;
  console.log(detail.result);
});
check.addEventListener('liveproof-error', (event) => {
  const code: ErrorCode = event.detail.code;
  // @ts-expect-error: the declarations are real types, not any
  const wrong: number = event.detail.message;
  console.log(code, wrong);
});
`;

/**
 * What the React 19 and Vue 3 apps install beside the tarballs, pinned so that a run is repeatable,
 * and Vite in the workspace's version. TypeScript 6 is vue-tsc's: vue-tsc drives TypeScript's
 * JavaScript API, which the workspace's TypeScript 7 (a native compiler) does not have.
 */
const FRAMEWORK_PACKAGES = [
  'react@19.3.1',
  'react-dom@19.3.1',
  '@types/react@19.3.3',
  '@types/react-dom@19.3.0',
  'vue@3.5.46',
  '@vitejs/plugin-vue@6.0.11',
  'vue-tsc@3.3.14',
  'typescript@6.0.3',
  `vite@${viteVersion}`,
];

/** The parts of a custom elements manifest this test reads. */
interface ManifestElement {
  customElement?: boolean;
  tagName?: string;
  attributes?: { name: string; fieldName?: string; default?: string }[];
  members?: { kind: string; name: string; type?: { text: string }; readonly?: boolean }[];
  events?: { name: string; type?: { text: string } }[];
  cssParts?: { name: string }[];
  cssProperties?: { name: string }[];
  cssStates?: { name: string }[];
  slots?: { name: string }[];
}

const names = (list: { name: string }[] | undefined) => (list ?? []).map((item) => item.name);

describe('the same app bundling the packed tarballs, installed with npm outside the workspace', () => {
  let app: string;
  let installed: string;

  beforeAll(async () => {
    const packs = join(work, 'packs');
    app = join(work, 'tarball-app');
    await mkdir(app, { recursive: true });
    await packProtocol(packs);
    // The element depends on the verifier (the badge verifies tokens by its rules), as published.
    for (const name of ['verify', 'element']) {
      const dir = join(REPO, 'packages', name);
      await succeed('npx', [...PNPM, 'run', 'build'], dir);
      await succeed('npx', [...PNPM, 'pack', '--pack-destination', packs], dir);
    }
    const tarballs = (await readdir(packs)).filter((file) => file.endsWith('.tgz')).map((file) => join(packs, file));
    expect(tarballs).toHaveLength(3);

    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'embedder', private: true, type: 'module' }));
    await succeed('npm', ['install', ...tarballs, ...FRAMEWORK_PACKAGES, '--no-audit', '--no-fund', '--loglevel=error'], app);
    installed = join(app, 'node_modules', '@liveproof', 'element');
    await cp(FIXTURE, app, { recursive: true });
    await cp(FRAMEWORK_FIXTURES, app, { recursive: true });
    await writeFile(join(app, 'typed.ts'), CONSUMER_TYPES);
    await writeFile(join(app, 'tsconfig.json'), JSON.stringify(CONSUMER_TSCONFIG));
  }, 240_000);

  it('installs with exports to dist, declarations and no sources', async () => {
    const manifest = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest['exports']).toEqual({
      '.': { types: './dist/index.d.ts', default: './dist/index.js' },
      './define': { types: './dist/define.d.ts', default: './dist/define.js' },
      './react': { types: './dist/frameworks/react.d.ts', default: './dist/frameworks/react.js' },
      './vue': { types: './dist/frameworks/vue.d.ts', default: './dist/frameworks/vue.js' },
    });
    expect(manifest['dependencies']).toMatchObject({ '@liveproof/protocol': '0.1.0' });
    const files = await readdir(installed, { recursive: true });
    expect(files).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', 'dist/define.js', 'dist/define.d.ts']));
    expect(files.filter((file) => /^src\b|\.ts$/.test(file) && !file.endsWith('.d.ts'))).toEqual([]);
    expect(await filesContaining(join(installed, 'dist'), TELEMETRY_HOST)).toEqual([]);
  });

  it('bundles to nothing when imported for no export: only ./define has side effects', async () => {
    await writeFile(join(app, 'bare-import.js'), "import '@liveproof/element';\n");
    const out = join(work, 'bare-import');
    await build({ root: app, configFile: false, logLevel: 'warn', build: { outDir: out, lib: { entry: 'bare-import.js', formats: ['es'], fileName: 'bare' } } });
    expect((await readFile(join(out, 'bare.js'), 'utf8')).trim()).toBe('');
  });

  it('ships a custom elements manifest of both elements, where its customElements field says', async () => {
    const { customElements: path } = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as { customElements: string };
    expect(path).toBe('dist/custom-elements.json');
    const manifest = JSON.parse(await readFile(join(installed, path), 'utf8')) as { modules: { path: string; declarations?: ManifestElement[] }[] };
    const files = await readdir(installed, { recursive: true });
    expect(manifest.modules.map((mod) => mod.path).filter((file) => !files.includes(file))).toEqual([]);
    const elements = new Map(manifest.modules.flatMap((mod) => (mod.declarations ?? []).filter((d) => d.customElement).map((d) => [d.tagName, d] as const)));
    expect([...elements.keys()].sort()).toEqual(['liveproof-badge', 'liveproof-check']);
    const check = elements.get('liveproof-check')!;
    const badge = elements.get('liveproof-badge')!;

    const defaults = (element: ManifestElement) => Object.fromEntries((element.attributes ?? []).map((a) => [a.name, a.default]));
    expect(defaults(check)).toEqual({ 'client-token': "''", 'api-base': "''", 'assets-base': "''", autostart: 'false', 'no-flash': 'false', 'flash-consent': 'false', 'positioning-timeout': '60', mode: "'check'" });
    expect(defaults(badge)).toEqual({ token: "''", jwks: "''", issuer: "''", audience: "''", 'api-base': "''", 'session-id': "''", 'viewer-token': "''", 'allow-recheck': 'false' });
    // The properties no attribute carries, the read-only ones and the methods; nothing private.
    expect(check.members).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'field', name: 'tokenProvider', type: { text: '(() => Promise<string>) | undefined' } }),
        expect.objectContaining({ kind: 'field', name: 'stream', type: { text: 'MediaStream | undefined' } }),
        expect.objectContaining({ kind: 'field', name: 'state', readonly: true }),
        expect.objectContaining({ kind: 'method', name: 'start' }),
        expect.objectContaining({ kind: 'method', name: 'cancel' }),
      ]),
    );
    expect(badge.members).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'status', readonly: true }), expect.objectContaining({ kind: 'method', name: 'requestRecheck' })]));
    expect([...names(check.members), ...names(badge.members)].filter((name) => /^[#_]/.test(name))).toEqual([]);

    const events = (element: ManifestElement) => Object.fromEntries((element.events ?? []).map((e) => [e.name, e.type?.text]));
    expect(events(check)).toEqual({ 'liveproof-state': 'LiveproofStateEvent', 'liveproof-prompt': 'LiveproofPromptEvent', 'liveproof-complete': 'LiveproofCompleteEvent', 'liveproof-error': 'LiveproofErrorEvent' });
    expect(events(badge)).toEqual({ 'liveproof-badge-change': 'LiveproofBadgeChangeEvent' });
    expect(names(check.cssParts)).toEqual(['stage', 'video', 'prompt', 'steps', 'status', 'button', 'outcome', 'flash', 'flash-stop', 'flash-notice', 'privacy-notice']);
    expect(names(badge.cssParts)).toEqual(['badge', 'status', 'details', 'prompt', 'button', 'reference-image']);
    expect(names(check.cssProperties)).toEqual(['--liveproof-accent', '--liveproof-success', '--liveproof-danger', '--liveproof-bg', '--liveproof-fg', '--liveproof-muted', '--liveproof-radius', '--liveproof-font', '--liveproof-width']);
    expect(names(badge.cssProperties)).toEqual(['--liveproof-badge-pass', '--liveproof-badge-fail', '--liveproof-badge-neutral', '--liveproof-badge-background', '--liveproof-badge-font']);
    expect(names(check.cssStates)).toEqual(Object.values(CheckState));
    expect(names(badge.cssStates)).toEqual([...BADGE_STATUSES]);
    // Neither element has slots.
    expect([...names(check.slots), ...names(badge.slots)]).toEqual([]);
  });

  it('type-checks a TypeScript consumer against the installed declarations, with nothing of React or Vue in its program', async () => {
    // React and Vue are installed beside it, but only @liveproof/element/react and /vue name them.
    const program = (await succeed(process.execPath, [TSC, '-p', app, '--listFiles'], app)).split('\n');
    expect(program.some((file) => file.endsWith('/@liveproof/element/dist/index.d.ts'))).toBe(true);
    expect(program.filter((file) => /\/node_modules\/(react|react-dom|vue|@vue|@types\/react)\//.test(file))).toEqual([]);
  });

  it('runs the check with nothing sent anywhere but the Liveproof server, and registers tags only from /define', async () => {
    const dist = join(app, 'dist');
    await buildApp(app, dist);
    await expectContainedCheck(dist);
  });

  /** Builds the framework app in `dir` with the app's own Vite, and passes a whole check on its page. */
  async function expectFrameworkPass(dir: string, name: string, framework: string): Promise<void> {
    await succeed(process.execPath, [join(app, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], dir);
    expect(await filesContaining(join(dir, 'dist'), TELEMETRY_HOST)).toEqual([]);
    const page = await servePage(fromDirectory(join(dir, 'dist')));
    try {
      const session = await createSession(server);
      const visit = await passThenLeave(`${page.url}/?api=${encodeURIComponent(server.url)}&token=${encodeURIComponent(session.clientToken)}`, name);
      expectPassedAndContained(visit);
      // The framework rendered what its event binding received.
      expect(await visit.page.locator('#received').textContent()).toContain(`${framework} received the result (pass)`);
    } finally {
      await page.close();
    }
  }

  describe('a React 19 app on them (fixtures/.frameworks/react)', () => {
    it('type-checks its TSX with tsc against the installed declarations: attributes, properties and events in JSX', async () => {
      await succeed(process.execPath, [TSC, '-p', join(app, 'react')], join(app, 'react'));
    });

    it('passes a whole check, received through onliveproof-complete, with nothing sent anywhere but the Liveproof server', async () => {
      await expectFrameworkPass(join(app, 'react'), 'react', 'React');
    });
  });

  describe('a Vue 3 app on them (fixtures/.frameworks/vue, a single-file component)', () => {
    // vue-tsc drives TypeScript 6 (installed beside it) with skipLibCheck: the declarations' own
    // soundness is the React app's tsc run and the workspace's; this checks the template against them.
    it('type-checks its template with vue-tsc against the installed declarations: props and @events', async () => {
      await succeed(process.execPath, [join(app, 'node_modules', 'vue-tsc', 'bin', 'vue-tsc.js'), '-p', join(app, 'vue')], join(app, 'vue'));
    });

    it('passes a whole check, received through @liveproof-complete, with nothing sent anywhere but the Liveproof server', async () => {
      await expectFrameworkPass(join(app, 'vue'), 'vue', 'Vue');
    });
  });
});

describe('a plain HTML page with no bundler, loading the element from the server', () => {
  it('registers both tags from /element/define.js and passes a whole check, with nothing sent anywhere but the Liveproof server', async () => {
    const session = await createSession(server);
    const html = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <link rel="icon" href="data:," />
    <script type="module" src="${server.url}/element/define.js"></script>
  </head>
  <body>
    <liveproof-check api-base="${server.url}" client-token="${session.clientToken}" no-flash autostart></liveproof-check>
    <script type="module">
      document.querySelector('liveproof-check').addEventListener('liveproof-complete', (event) => (window.__completes ??= []).push(event.detail));
    </script>
  </body>
</html>`;
    const page = await servePage(async (path) => (path === '/index.html' ? html : undefined));
    try {
      const visit = await passThenLeave(`${page.url}/`, 'plain-html');
      expectPassedAndContained(visit);
      expect(visit.requested).toContain(`${server.url}/assets/mediapipe/manifest.json`);
      expect(await visit.page.evaluate(() => ['liveproof-check', 'liveproof-badge'].map((tag) => customElements.get(tag) !== undefined))).toEqual([true, true]);
    } finally {
      await page.close();
    }
  });
});
