/**
 * What a runner tells of a test: its timeout and when it started (epoch ms, the runner's wall clock).
 * Read by the adapters (jest.ts, vitest.ts), turned into a deadline by src/runner/testWindow.ts; it lives
 * here, below both, so the adapters need not import the runner layer.
 */
export interface TestTiming {
  runner: 'vitest' | 'jest' | 'playwright' | 'mocha';
  /** The test's own timeout in ms. */
  timeout: number;
  startedAt: number;
}
