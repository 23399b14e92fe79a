import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globals: true,
    include: ['test/**/*.test.ts'],
    exclude: ['test/consumers/**', '**/node_modules/**', 'test/verdicts/**'],
    setupFiles: ['./test/setup/vitest.ts'],
  },
});
