import { defineConfig } from '@playwright/test';

// API-only: no `page` fixture is used, so no browser is needed (none is installed).
export default defineConfig({
  testDir: 'test',
  reporter: [['list']],
  workers: 2,
  timeout: 20_000,
});
