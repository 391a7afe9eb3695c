// Bundles the server, with the workspace packages it uses (TypeScript sources) and their pure-JS
// dependencies, into one Node ES module, dist/main.js. The native SQLite driver stays external and
// loads from this app's node_modules. What browsers load from the server (the element's bundle,
// MediaPipe, the model) is built next, into dist/static, by scripts/build-static.ts.
import { defineConfig } from 'vite';

export default defineConfig({
  // The demo pages are served from public/ as they are on disk, not copied.
  publicDir: false,
  build: {
    ssr: 'src/main.ts',
    target: 'node20',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    rollupOptions: { external: ['better-sqlite3'], output: { entryFileNames: 'main.js', format: 'es' } },
  },
  ssr: { noExternal: [/^@liveproof\//] },
});
