import { defineConfig } from 'vitest/config';

// The Vitest suites that exercise src/poll, src/delivery, src/runner and matchers/ in-process, for Stryker
// (`npm run mutation`). Left out on purpose: suites that spawn processes or inner runs (clock/share,
// notAwaited, verdicts, helpers/cli, reporter, consumers, examples) — they cannot see an in-process mutant
// and would multiply each mutant's run time — and suites for folders outside the mutated set.
export default defineConfig({
  test: {
    globals: true,
    include: [
      'test/src/**/*.test.ts',
      'test/matchers/**/*.test.ts',
      'test/delivery/**/*.test.ts',
      'test/poll/**/*.test.ts',
      'test/runner/**/*.test.ts',
      'test/mutation/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', 'dist/**', 'test/src/notAwaited.test.ts'],
    // Many suites time real polls of 20-40 ms, which a loaded machine (Stryker's workers) stretches into a
    // different attempt count. A retried test still kills a mutant that breaks it every time; a flaky
    // failure does not count as a kill.
    retry: 2,
    setupFiles: ['./test/setup/vitest.ts'],
  },
});
