/**
 * Builds the publishable files: `dist/index.js` (the library) and `dist/cli.js` (the command),
 * ESM for Node 20+. jose and standardwebhooks stay dependencies; the workspace protocol package is bundled in, since
 * in the repo it resolves to TypeScript source that plain Node cannot run.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    target: 'node20',
    outDir: 'dist',
    // `tsc -b` writes the declaration files here too; keep them.
    emptyOutDir: false,
    minify: false,
    sourcemap: true,
    lib: {
      entry: { index: 'src/index.ts', cli: 'src/cli.ts' },
      formats: ['es'],
    },
    rolldownOptions: {
      external: ['jose', 'standardwebhooks', /^node:/],
      output: { chunkFileNames: '[name].js' },
    },
  },
});
