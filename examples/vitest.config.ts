import { defineConfig } from 'vitest/config';

// The examples use the built package by its own name (`unflake`, `unflake/vitest`), as a user would:
// run `npm run build` first.
//
// `npm run test:examples` runs the examples that must pass. The deliberately failing variants
// (*.failing.test.ts) and the naive ones kept for measuring (*.naive.test.ts) run only when
// UNFLAKE_EXAMPLES=all, as `npm run demo` does, file by file.
const all = process.env.UNFLAKE_EXAMPLES === 'all';

export default defineConfig({
  test: {
    include: ['examples/**/*.test.ts'],
    exclude: ['**/node_modules/**', ...(all ? [] : ['examples/**/*.failing.test.ts', 'examples/**/*.naive.test.ts'])],
    setupFiles: ['unflake/vitest'],
    testTimeout: 15_000,
    hookTimeout: 30_000,
  },
});
