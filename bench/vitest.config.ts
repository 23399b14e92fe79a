import { defineConfig } from 'vitest/config';

/** Config of `npm run bench` only: one worker, one file at a time, real timers, no unflake setup file. */
export default defineConfig({
  test: {
    include: ['bench/compare.bench-test.ts', 'bench/clock.bench-test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
