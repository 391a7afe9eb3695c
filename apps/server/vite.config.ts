// Bundles the server, with the workspace packages it uses (TypeScript sources) and their pure-JS
// dependencies, into one Node ES module, dist/main.js. The native SQLite driver stays external and
// loads from this app's node_modules.
import { defineConfig } from 'vite';

export default defineConfig({
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
