import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The machine has 2 cores; worker-thread tests spawn their own threads.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    // The GPU tier runs on Mesa's software driver where no GPU exists; its EGL
    // reads this from the real environment of the test processes (and their worker threads).
    env: { EGL_PLATFORM: 'surfaceless' },
    hookTimeout: 60_000,
  },
});
