// Builds the element for the browser: `dist/liveproof-check.js` (the element, Lit, jose and the
// protocol code it uses) and a separate chunk for MediaPipe, loaded only when a check starts.
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    lib: {
      entry: 'src/liveproof-check.ts',
      formats: ['es'],
      fileName: () => 'liveproof-check.js',
    },
    rollupOptions: {
      output: { chunkFileNames: '[name]-[hash].js' },
    },
  },
});
