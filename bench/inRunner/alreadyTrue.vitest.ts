/**
 * In-runner bench, Vitest: a real test file run with `setupFiles: [dist/vitest.js]` (as users run unflake),
 * timing an already-true `toEventuallyEqual` beside `expect.poll`, `vi.waitFor`, the floor (an awaited
 * `.resolves.toEqual`) and the breakdown of the runner's own costs (bench/inRunner/shared.ts). Run by
 * bench/inRunner.ts; the config is bench/inRunner/vitest.config.ts.
 */
import { createRequire } from 'node:module';
import { expect, test, vi } from 'vitest';
import {
  breakdownEntries,
  type BreakdownExpect,
  ITERATIONS,
  measure,
  trivialMatchers,
  WARMUP,
  write,
} from './shared.ts';

const probe = (): { id: number; status: string } => ({ id: 1, status: 'done' });
const want = { id: 1, status: 'done' };
expect.extend(trivialMatchers);
// Registered by the setup entry (dist/vitest.js) and above; untyped here because the bench is not type-checked against dist.
const eventually = expect as unknown as (value: unknown) => { toEventuallyEqual(expected: unknown): Promise<void> };

test('already-true assertion cost inside a Vitest test', async () => {
  const samples = await measure({
    ...breakdownEntries(expect as unknown as BreakdownExpect, probe, want),
    'vitest expect.poll(…).toEqual': () => expect.poll(probe).toEqual(want),
    'vitest vi.waitFor': () => vi.waitFor(() => expect(probe()).toEqual(want)),
    'unflake toEventuallyEqual': () => eventually(probe).toEventuallyEqual(want),
  });
  const version = (createRequire(import.meta.url)('vitest/package.json') as { version: string }).version;
  write({ runner: 'vitest', version, iterations: ITERATIONS, warmup: WARMUP, samples });
});
