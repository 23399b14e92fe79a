import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['unflake/vitest'],
    // The flake reporter loads from the packed package (budget 1: it records, never fails this run).
    reporters: ['default', ['unflake/reporter', { budget: 1, outputFile: 'flake-report.json' }]],
  },
});
