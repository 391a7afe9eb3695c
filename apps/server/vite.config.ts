// Bundles the server, with the workspace packages it uses (TypeScript sources) and their pure-JS
// dependencies, into Node ES modules: dist/main.js (the `liveproof` command) and
// dist/score-worker.js (the scoring threads) and dist/face-worker.js (the face model's threads). The native SQLite driver stays external and loads
// from this app's node_modules. What browsers load from the server (the element's bundle,
// MediaPipe, the model) is built next, into dist/static, by scripts/build-static.ts.
import { defineConfig } from 'vite';

export default defineConfig({
  // The demo pages are served from public/ as they are on disk, not copied.
  publicDir: false,
  build: {
    ssr: true,
    target: 'node20',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    rollupOptions: {
      input: { main: 'src/main.ts', 'score-worker': 'src/score-worker.ts', 'face-worker': 'src/face-worker.ts' },
      // Human and TensorFlow.js load their model and WASM files from their own installed folders.
      external: ['better-sqlite3', '@vladmandic/human', /^@tensorflow\//, 'jpeg-js'],
      output: { entryFileNames: '[name].js', format: 'es' },
    },
  },
  ssr: { noExternal: [/^@liveproof\//] },
});
