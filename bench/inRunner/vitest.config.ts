import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** The in-runner bench under Vitest: unflake from dist/ as the setup entry, one worker, real timers. `UNFLAKE_BENCH_CPU_PROF=<dir>` writes a CPU profile. */
const profile = process.env.UNFLAKE_BENCH_CPU_PROF;
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['bench/inRunner/alreadyTrue.vitest.ts'],
    setupFiles: [fileURLToPath(new URL('../../dist/vitest.js', import.meta.url))],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 600_000,
    reporters: ['dot'],
    ...(profile ? { execArgv: ['--cpu-prof', `--cpu-prof-dir=${profile}`, '--cpu-prof-interval=100'] } : {}),
  },
});
