/**
 * Per-test state, per test: each running test (sequential, `test.concurrent`, each retry) gets its own
 * deadline, its own set of polls and its own per-test values (trace, namespaces). The setup entries create
 * it when a test starts and end it when the test ends; everything unflake starts inside the test finds it
 * through an AsyncLocalStorage, so a concurrent sibling never sees it.
 *
 * Lookup order: the async context (Vitest `aroundEach`, Jest's wrapped `test.concurrent`), then the one
 * sequential test (Jest `beforeEach`, Vitest 4.0 without `aroundEach`).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { globalSlot } from '../runtime/globalSlot.ts';
import { monotonicNow } from '../time/realTime.ts';
import { firstWindow, toWindow, windowKeeper, type TestWindow } from './testWindow.ts';
import { vitestTaskTiming } from '../adapters/vitest.ts';
import { jestCircusTiming } from '../adapters/jest.ts';

const windowOfVitestTask = (task: unknown): TestWindow | undefined => toWindow(vitestTaskTiming(task));
const windowOfJestCircus = (): TestWindow | undefined => toWindow(jestCircusTiming());

/** Something a test started and must await: a poll, a readiness wait, a delivery matcher. */
export interface TrackedWork {
  /** Names it in the "never awaited" report; called only then. */
  label: () => string;
  outcome: 'running' | 'passed' | 'failed';
  /** The first line of its failure, once it failed. */
  failure?: string;
  /** Whether the caller awaited the promise it was given (see trackAwait.ts). */
  awaited: boolean;
  /** The test's set that keeps it until it is settled and awaited (see `releaseWork`). */
  readonly keptIn?: Set<TrackedWork>;
}

/** Teardown for one test (onCleanup): run after it, last registered first. */
export interface TestCleanup {
  /** Names it when it fails: its function's name and where it was registered. */
  readonly label: () => string;
  readonly run: () => unknown;
  /** Whether an error means "already gone" (fine) rather than a failed cleanup. */
  readonly gone: (error: unknown) => boolean;
}

export interface TestState {
  readonly id: number;
  readonly runner: 'vitest' | 'jest' | 'playwright' | 'mocha';
  readonly name: string | undefined;
  /** Vitest's task of the test, when the runner gave it (a test's own `expect` is found through it). */
  readonly task?: unknown;
  /** Aborted when the test ends: everything it started stops, and none of it counts as a pass. */
  readonly ended: AbortSignal;
  /** The test's own deadline, when the runner tells it. */
  window(): TestWindow | undefined;
  /** What it started and has not both settled and awaited (what endTest may report). */
  readonly work: Set<TrackedWork>;
  /** Per-test values (the trace, the namespaces it created), keyed by their owner module. */
  readonly values: Map<string, unknown>;
  /** Registered with onCleanup(); the setup entries run them when the test ends (runCleanups). */
  readonly cleanups: TestCleanup[];
}

interface InternalState extends TestState {
  readonly controller: AbortController;
}

interface Registry {
  storage: AsyncLocalStorage<InternalState>;
  sequential: InternalState | undefined;
  nextId: number;
}

// Read on every assertion: kept once found (see runtime/globalSlot.ts).
let registryFound: Registry | undefined;
const registry = (): Registry =>
  (registryFound ??= globalSlot('tests.v1', (): Registry => ({
    storage: new AsyncLocalStorage(),
    sequential: undefined,
    nextId: 1,
  })));

export interface TestStart {
  runner: TestState['runner'];
  name?: string | undefined;
  /** Vitest's task: its timeout and start time give the deadline. */
  task?: unknown;
  /** A fixed timeout from now (Jest's concurrent tests, whose start jest-circus does not record). */
  timeout?: number | undefined;
  /** The deadline as the runner tells it, read when a poll starts (Playwright's `testInfo.timeout` can change). */
  window?: () => TestWindow | undefined;
}

/**
 * The test's deadline as its runner tells it. Asked by every poll: Vitest's task is read each time (its
 * retries run in one state) and the deadline remade only when it changed (windowKeeper); jest-circus'
 * running test is read until found, then kept (firstWindow).
 */
function windowFor(start: TestStart): () => TestWindow | undefined {
  if (start.window) return start.window;
  const task = start.task;
  if (task !== undefined) return windowKeeper(() => vitestTaskTiming(task));
  const { timeout, runner } = start;
  if (runner !== 'playwright' && timeout !== undefined && timeout > 0 && Number.isFinite(timeout)) {
    const fixed: TestWindow = Object.freeze({ runner, timeout, deadline: monotonicNow() + timeout });
    return () => fixed;
  }
  // jest-circus runs a test's beforeEach (so begins a new state) for each run of it, retries included.
  return start.runner === 'jest' ? firstWindow(jestCircusTiming) : () => undefined;
}

/** A test starts: the returned state is what `runInTest` and `endTest` take. */
export function beginTest(start: TestStart): TestState {
  const reg = registry();
  const controller = new AbortController();
  const state: InternalState = {
    id: reg.nextId++,
    runner: start.runner,
    name: start.name,
    ...(start.task === undefined ? {} : { task: start.task }),
    ended: controller.signal,
    controller,
    window: windowFor(start),
    work: new Set(),
    values: new Map(),
    cleanups: [],
  };
  return state;
}

/**
 * The state a test's cleanups run in, once its own state has ended (its polls stopped): the same
 * per-test values (trace, namespaces, seed) and cleanup list, a fresh end of its own, and no deadline
 * but the runner's hook timeout, so a poll inside a cleanup runs instead of stopping at once.
 */
export function beginCleanupState(test: TestState): TestState {
  const controller = new AbortController();
  const state: InternalState = {
    ...(test as InternalState),
    id: registry().nextId++,
    ended: controller.signal,
    controller,
    window: () => undefined,
    work: new Set(),
  };
  return state;
}

/** Runs `fn` (the test, with its hooks) so that everything it starts belongs to `state`. */
export function runInTest<R>(state: TestState, fn: () => R): R {
  return registry().storage.run(state as InternalState, fn);
}

/** Runs `fn` outside every test (as a file's top level or a beforeAll runs): what it configures is the file's. */
export function runOutsideTest<R>(fn: () => R): R {
  const reg = registry();
  const sequential = reg.sequential;
  reg.sequential = undefined;
  try {
    return reg.storage.exit(fn);
  } finally {
    reg.sequential = sequential;
  }
}

/** For runners that run one test at a time and only give us before/after hooks. */
export function setSequentialTest(state: TestState | undefined): void {
  registry().sequential = state as InternalState | undefined;
}

/** The running test, or undefined outside one (or when no setup entry is registered). */
export function currentTestState(): TestState | undefined {
  const reg = registry();
  return reg.storage.getStore() ?? reg.sequential;
}

/** The running test's deadline: its state's, else what the runner's matcher state or globals say. */
export function currentTestWindow(matcherState?: { task?: unknown }): TestWindow | undefined {
  const state = currentTestState();
  if (state) return state.window();
  return windowOfVitestTask(matcherState?.task) ?? windowOfJestCircus();
}

/** Registers work the test must await; returns it for its shell to settle. */
export function startWork(state: TestState, label: () => string): TrackedWork {
  const work: TrackedWork = { label, outcome: 'running', awaited: false, keptIn: state.work };
  state.work.add(work);
  return work;
}

/**
 * Work that has settled and was awaited can no longer be forgotten: the test stops keeping it, so a test
 * of thousands of assertions neither holds them all nor walks them all at its end. Called by trackAwait
 * whenever either becomes true.
 */
export function releaseWork(work: TrackedWork): void {
  if (work.awaited && work.outcome !== 'running') work.keptIn?.delete(work);
}

function describeWork(work: TrackedWork, wasRunning: boolean): string {
  if (wasRunning)
    return `  ${work.label()}: still running when the test ended; it was stopped and its result was not checked`;
  if (work.outcome === 'passed')
    return `  ${work.label()}: it had passed, but the test never awaited it (had it failed, nothing would have noticed)`;
  return `  ${work.label()}: it had failed, but the test never awaited it: ${work.failure ?? 'see above'}`;
}

/**
 * The test ends: everything it started stops (none of it can pass now), and the returned error, if
 * any, names each poll the test did not await, in all three states (running, passed, failed).
 */
export function endTest(state: TestState): Error | undefined {
  const internal = state as InternalState;
  const reg = registry();
  if (reg.sequential === internal) reg.sequential = undefined;
  const running = new Set([...internal.work].filter((work) => work.outcome === 'running'));
  internal.controller.abort();
  const forgotten = [...internal.work].filter((work) => running.has(work) || !work.awaited);
  internal.work.clear();
  if (forgotten.length === 0) return undefined;
  const one = forgotten.length === 1;
  const lines = forgotten.map((work) => describeWork(work, running.has(work))).join('\n');
  const error = new Error(
    `unflake: ${one ? 'an assertion was' : `${forgotten.length} assertions were`} never awaited:\n${lines}\n\n` +
      'Add `await` in front of each (e.g. `await expect(probe).toEventuallyEqual(x)`): an assertion that is not awaited is not checked.',
  );
  // The frames would point into unflake's hooks, not at the test: the message names the test.
  error.stack = `Error: ${error.message}`;
  return error;
}
