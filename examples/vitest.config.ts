import { defineConfig } from 'vitest/config';

// The examples use the built package by its own name (`unflake`, `unflake/vitest`), as a user would.
export default defineConfig({
  test: {
    include: ['examples/**/*.test.ts'],
    setupFiles: ['unflake/vitest'],
  },
});
