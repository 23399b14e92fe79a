/**
 * One seed per run, one per test: tests, fixtures, workers and child processes draw their random
 * data from the same place, so rerunning with the `UNFLAKE_SEED` a failure printed gives the same data.
 */
import { currentTestName } from './currentTest.ts';
import { currentTestState } from '../runner/testState.ts';
import { runId } from './workerNamespace.ts';
import { workerThreads } from '../runtime/builtins.ts';

export const SEED_ENV = 'UNFLAKE_SEED';
const ENV_DATA_KEY = 'unflake.seed';
/** Marks that the running test used its seed, so its fingerprint prints it. */
export const SEED_USED_KEY = 'testSeed.used';
const MAX_SEED = 0xffff_ffff;

/** FNV-1a over the UTF-16 code units, then murmur3's finaliser: small, stable, well mixed. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function parseSeed(text: string): number {
  const trimmed = text.trim();
  const value = /^\d{1,10}$/.test(trimmed) ? Number(trimmed) : NaN;
  if (!(value <= MAX_SEED))
    throw new TypeError(
      `${SEED_ENV} must be a whole number from 0 to ${MAX_SEED} (as a failure's "Run:" line prints it), got ${JSON.stringify(text.slice(0, 40))}.`,
    );
  return value;
}

function fromEnvironmentData(): number | undefined {
  try {
    const value = workerThreads().getEnvironmentData(ENV_DATA_KEY);
    return typeof value === 'number' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The run's seed: `UNFLAKE_SEED` from the environment; else one already fixed in this process or
 * its parent thread; else derived from the run id (shared by every worker that shares the run id,
 * see `runId`). It is then written to `process.env.UNFLAKE_SEED` and the worker-threads environment
 * data, so worker threads and child processes started from now on inherit it.
 */
export function runSeed(): number {
  const fromEnv = process.env[SEED_ENV];
  const seed =
    fromEnv !== undefined && fromEnv !== ''
      ? parseSeed(fromEnv)
      : (fromEnvironmentData() ?? hash32(`unflake-seed:${runId()}`));
  process.env[SEED_ENV] = String(seed);
  try {
    workerThreads().setEnvironmentData(ENV_DATA_KEY, seed);
  } catch {
    /* process.env alone */
  }
  return seed;
}

/**
 * The running test's seed: from the run seed and the test's full name, so it is the **same on a
 * retry** (a retry that passes shows the failure was not in the data) and differs between tests.
 * Outside a test (beforeAll, a worker thread, a child process): the run seed itself. Using it puts
 * `UNFLAKE_SEED <run seed>` in the test's failure fingerprint; rerun with that variable set.
 *
 * @example const rng = seededRandom(testSeed())   // the same as seededRandom()
 */
export function testSeed(): number {
  const run = runSeed();
  const state = currentTestState();
  state?.values.set(SEED_USED_KEY, true);
  const name = state?.name ?? currentTestName();
  return name === undefined ? run : hash32(`${run}\u0000${name}`);
}
