/**
 * The few things that differ between the runners, so one behaviour case runs under both.
 * Each setup file (test/setup/vitest.ts, test/setup/jest.ts) installs its implementation.
 */
export interface RunnerAdapter {
  name: 'vitest' | 'jest';
  useFakeTimers(options?: { legacy?: boolean }): void;
  useRealTimers(): void;
  advanceTimersByTime(ms: number): void;
  fn<A extends unknown[], R>(implementation?: (...args: A) => R): ((...args: A) => R) & { mock: { calls: A[] } };
}

const KEY = Symbol.for('unflake.test.runner');

export function setRunner(adapter: RunnerAdapter): void {
  (globalThis as Record<symbol, RunnerAdapter>)[KEY] = adapter;
}

export const runner: RunnerAdapter = new Proxy({} as RunnerAdapter, {
  get(_, property) {
    const adapter = (globalThis as Record<symbol, RunnerAdapter | undefined>)[KEY];
    if (!adapter) throw new Error('test/support/runner: no runner adapter installed (is the setup file configured?)');
    return adapter[property as keyof RunnerAdapter];
  },
});
