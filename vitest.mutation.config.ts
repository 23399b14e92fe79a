import { defineConfig } from 'vitest/config';

// The Vitest suites that exercise src/poll, src/delivery, src/runner and matchers/ in-process, for Stryker
// (`npm run mutation`). Left out on purpose: suites that spawn processes or inner runs (clock/share,
// notAwaited, verdicts, helpers/cli, reporter, consumers, examples) — they cannot see an in-process mutant
// and would multiply each mutant's run time — and suites for folders outside the mutated set.
export default defineConfig({
  test: {
    globals: true,
    include: ['test/src/**/*.test.ts', 'test/matchers/**/*.test.ts', 'test/mutation/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'dist/**', 'test/src/notAwaited.test.ts'],
    setupFiles: ['./test/setup/vitest.ts'],
  },
});
