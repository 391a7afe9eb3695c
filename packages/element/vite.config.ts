// Builds the elements for the browser: `dist/liveproof-check.js` (the check, Lit, jose and the
// protocol code it uses), `dist/liveproof-badge.js` (the interviewer's badge), chunks they share,
// and a separate chunk for MediaPipe, loaded only when a check starts.
import { defineConfig, type Plugin } from 'vite';

/**
 * @mediapipe/tasks-vision posts usage logs to Google (odml.pa.googleapis.com) while a task runs and
 * when it closes, with no option to turn it off. Candidates are promised that nothing about their
 * check goes anywhere but the Liveproof server, so the address is replaced with an inert `data:`
 * URL (fetching it never touches the network). The build fails unless the address is found exactly
 * once, so a MediaPipe upgrade cannot quietly bring the logging back.
 */
function stripMediapipeTelemetry(): Plugin {
  const address = '"https://odml.pa.googleapis.com/v1/log"';
  return {
    name: 'liveproof:strip-mediapipe-telemetry',
    transform(code, id) {
      if (!id.includes('@mediapipe/tasks-vision') || !id.endsWith('.mjs')) return undefined;
      const count = code.split(address).length - 1;
      if (count !== 1) this.error(`expected MediaPipe's telemetry address once in ${id}, found it ${count} times: review the new version`);
      return { code: code.replace(address, '"data:,"'), map: null };
    },
  };
}

export default defineConfig({
  plugins: [stripMediapipeTelemetry()],
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    lib: {
      // Two pages, two entries: the candidate's check, and the interviewer's badge (no MediaPipe).
      entry: { 'liveproof-check': 'src/liveproof-check.ts', 'liveproof-badge': 'src/liveproof-badge.ts' },
      formats: ['es'],
      fileName: (_format, name) => `${name}.js`,
    },
    rollupOptions: {
      // Library builds keep whitespace by default; this one is served to browsers as is.
      output: { chunkFileNames: '[name]-[hash].js', minify: true },
    },
  },
});
