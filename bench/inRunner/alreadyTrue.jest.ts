/**
 * In-runner bench, Jest: a real test file run with `setupFilesAfterEnv: [dist/jest.cjs]` (as users run
 * unflake), timing an already-true `toEventuallyEqual` beside the floor (an awaited `.resolves.toEqual`) and
 * the breakdown of the runner's own costs (bench/inRunner/shared.ts; Jest has no expect.poll or waitFor).
 * Run by bench/inRunner.ts; the config is bench/inRunner/jest.config.ts.
 */
import { createRequire } from 'node:module';
import { expect, test } from '@jest/globals';
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
const eventually = expect as unknown as (value: unknown) => { toEventuallyEqual(expected: unknown): Promise<void> };

test('already-true assertion cost inside a Jest test', async () => {
  const samples = await measure({
    ...breakdownEntries(expect as unknown as BreakdownExpect, probe, want),
    'unflake toEventuallyEqual': () => eventually(probe).toEventuallyEqual(want),
  });
  const version = (createRequire(import.meta.url)('jest/package.json') as { version: string }).version;
  write({ runner: 'jest', version, iterations: ITERATIONS, warmup: WARMUP, samples });
}, 600_000);
