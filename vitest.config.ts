import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // Browser tests run after the unit tests, so MediaPipe does not share the CPU with them.
          sequence: { groupOrder: 0 },
          include: ['packages/*/src/**/*.test.ts', 'packages/verify/test/**/*.test.ts', 'tools/eval/src/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'e2e',
          sequence: { groupOrder: 1 },
          include: ['apps/*/test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
