// Builds the publishable JavaScript: dist/*.js, one file per source module, as plain ES2022 for the
// embedder's bundler (tsc -p tsconfig.build.json then writes the declarations beside them). Lit,
// jose, the protocol and the verifier stay imports. MediaPipe is not in it at all: the element imports MediaPipe's
// loader by URL from the Liveproof server at run time (src/engine.ts), so no bundler can pick up its
// usage logging. The browser bundle the server serves is built by apps/server.
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    minify: false,
    lib: {
      entry: { index: 'src/index.ts', define: 'src/define.ts', 'frameworks/react': 'src/frameworks/react.ts', 'frameworks/vue': 'src/frameworks/vue.ts' },
      formats: ['es'],
    },
    rolldownOptions: {
      external: [/^lit(\/|$)/, /^jose$/, /^@liveproof\/(protocol|verify)$/, /^@mediapipe\/tasks-vision$/],
      output: { preserveModules: true, preserveModulesRoot: 'src', entryFileNames: '[name].js' },
    },
  },
});
