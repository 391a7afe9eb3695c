/**
 * The element's browser bundle, for pages that load it from this server with a plain
 * `<script type="module">`: Lit, jose and the protocol code it uses bundled in, minified, entry
 * files at fixed names and shared chunks under `chunks/` with a content hash in their names.
 *
 *   define.js            registers both tags (as `@liveproof/element/define`)
 *   liveproof-check.js   registers `<liveproof-check>` only
 *   liveproof-badge.js   registers `<liveproof-badge>` only, without the check's code
 *
 * MediaPipe is not in it: the element imports it at run time from /assets/mediapipe.
 */
import { build, type Plugin } from 'vite';
import { APP_ROOT } from '../src/paths.ts';

/** Entry modules that register one tag each, for the pages that need only that one. */
function oneTagEntries(): Plugin {
  const registrations: Record<string, string> = { 'liveproof-check': 'defineLiveproofCheck', 'liveproof-badge': 'defineLiveproofBadge' };
  const prefix = 'liveproof-one-tag:';
  return {
    name: 'liveproof:one-tag-entries',
    resolveId: (id) => (id.startsWith(prefix) ? `\0${id}` : undefined),
    load(id) {
      const define = id.startsWith(`\0${prefix}`) ? registrations[id.slice(prefix.length + 1)] : undefined;
      return define ? `import { ${define} } from '@liveproof/element';\n${define}();\n` : undefined;
    },
  };
}

// No entry for `@liveproof/element` itself: the one-tag entries import from it, and importing from
// another entry would tie each of them to that entry's chunk, with everything in it.
const ENTRIES = {
  define: '@liveproof/element/define',
  'liveproof-check': 'liveproof-one-tag:liveproof-check',
  'liveproof-badge': 'liveproof-one-tag:liveproof-badge',
};

/** Whether a file of the bundle has a content hash in its name (the chunks do, the entries do not). */
export const isHashedElementFile = (path: string) => path.startsWith('chunks/');

/** Builds the bundle into `outDir`. */
export async function buildElementBundle(outDir: string): Promise<void> {
  await build({
    configFile: false,
    root: APP_ROOT,
    publicDir: false,
    logLevel: 'warn',
    plugins: [oneTagEntries()],
    build: {
      target: 'es2022',
      outDir,
      emptyOutDir: true,
      sourcemap: true,
      lib: { entry: ENTRIES, formats: ['es'], fileName: (_format, name) => `${name}.js` },
      rolldownOptions: {
        // As they are: lib.entry alone would be taken for paths under the root.
        input: ENTRIES,
        // Library builds keep whitespace by default; this one is served to browsers as is.
        output: { chunkFileNames: 'chunks/[name]-[hash].js', minify: true },
      },
    },
  });
}
