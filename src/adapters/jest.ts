/**
 * What unflake reads of Jest's internals: jest-circus' state (the running test's start and timeout, the
 * configured testTimeout) under its unregistered `Symbol('JEST_STATE_SYMBOL')`, the matchers object's
 * state, and the real `Date.now` Jest keeps for itself. The only file that reads them. If a Jest release
 * renames them, polls still work but lose the test-deadline clamp.
 */
import type { TestTiming } from './testTiming.ts';

interface JestCircusState {
  testTimeout?: number;
  currentlyRunningTest?: { startedAt?: number | null; timeout?: number } | null;
}

// jest-circus keeps its state under a non-registered Symbol('JEST_STATE_SYMBOL') on the test global,
// set before any test code runs; looked up once per global.
const jestStateKeys = new WeakMap<object, symbol | null>();

function jestStateKey(): symbol | null {
  let key = jestStateKeys.get(globalThis);
  if (key === undefined) {
    key = Object.getOwnPropertySymbols(globalThis).find((symbol) => symbol.description === 'JEST_STATE_SYMBOL') ?? null;
    jestStateKeys.set(globalThis, key);
  }
  return key;
}

/** jest-circus' running test: its timeout from its start. */
export function jestCircusTiming(): TestTiming | undefined {
  const key = jestStateKey();
  if (!key) return undefined;
  const state = (globalThis as Record<symbol, JestCircusState | undefined>)[key];
  const test = state?.currentlyRunningTest;
  if (!test || typeof test.startedAt !== 'number') return undefined;
  const timeout = test.timeout || state?.testTimeout;
  if (!timeout || timeout <= 0 || !Number.isFinite(timeout)) return undefined;
  return { runner: 'jest', timeout, startedAt: test.startedAt };
}

/** Jest's configured `testTimeout` (for concurrent tests, which jest-circus does not mark as running). */
export function jestConfiguredTimeout(): number | undefined {
  const key = jestStateKey();
  const timeout = key ? (globalThis as Record<symbol, JestCircusState | undefined>)[key]?.testTimeout : undefined;
  return typeof timeout === 'number' && timeout > 0 && Number.isFinite(timeout) ? timeout : undefined;
}

/** The state of Jest's (or the standalone `expect` package's) matchers object. */
export function jestMatchersState(): { currentTestName?: string } | undefined {
  return (
    (globalThis as Record<symbol, unknown>)[Symbol.for('$$jest-matchers-object')] as
      { state?: { currentTestName?: string } } | undefined
  )?.state;
}

/** The real `Date.now` Jest keeps for itself under its fake timers, if this is a Jest environment. */
export function jestNativeNow(): (() => number) | undefined {
  const now = (globalThis as Record<symbol, unknown>)[Symbol.for('jest-native-now')];
  return typeof now === 'function' ? (now as () => number) : undefined;
}

// jest-circus' tree of the file (29 and 30): describe blocks with their hooks and children, test
// entries with their function, flags and errors. Read once the file has registered everything.
type CircusFn = (...args: unknown[]) => unknown;
interface CircusHook {
  type: string;
  fn: unknown;
}
interface CircusBlock {
  type?: 'describeBlock';
  name: string;
  parent?: CircusBlock;
  hooks?: CircusHook[];
  children?: Array<CircusBlock | CircusTest>;
}
interface CircusTest {
  type: 'test';
  name: string;
  parent?: CircusBlock;
  fn?: CircusFn;
  concurrent?: boolean;
  failing?: boolean;
  timeout?: number;
  errors?: unknown[];
  invocations?: number;
}

function circusState(): { rootDescribeBlock?: CircusBlock; currentlyRunningTest?: CircusTest | null } | undefined {
  const key = jestStateKey();
  return key
    ? ((globalThis as Record<symbol, unknown>)[key] as { rootDescribeBlock?: CircusBlock } | undefined)
    : undefined;
}

/** The titles from the outermost describe to the test (jest-circus' root block left out). */
function titlesOf(test: CircusTest): string[] {
  const titles = [test.name];
  for (let block = test.parent; block?.parent; block = block.parent) titles.unshift(block.name);
  return titles;
}

/**
 * Moves the file's root-level hook whose function is `fn` after every other root-level hook, so it runs
 * after the test file's own root afterEach hooks (jest-circus runs a block's afterEach hooks in the order
 * they were added, and setupFilesAfterEnv adds ours first). Whether it could.
 */
export function runRootHookLast(fn: unknown): boolean {
  const hooks = circusState()?.rootDescribeBlock?.hooks;
  const index = Array.isArray(hooks) ? hooks.findIndex((hook) => hook.fn === fn) : -1;
  if (!hooks || index < 0) return false;
  hooks.push(...hooks.splice(index, 1));
  return true;
}

/** The running test's `invocations` (1 on the first attempt, +1 per `jest.retryTimes` retry), if it is marked running. */
export function jestRunningTestInvocations(): number | undefined {
  const invocations = circusState()?.currentlyRunningTest?.invocations;
  return typeof invocations === 'number' ? invocations : undefined;
}

/**
 * The running test's errors so far: jest-circus records each failure as `[error, asyncError]` (or the error alone),
 * before the afterEach hooks run. The first one's error, or null when there is none yet; undefined when no test is
 * marked running.
 */
export function jestRunningTestFirstError(): { error: unknown } | null | undefined {
  const errors = circusState()?.currentlyRunningTest?.errors;
  if (!Array.isArray(errors)) return undefined;
  if (!errors.length) return null;
  const first: unknown = errors[0];
  return { error: Array.isArray(first) ? first[0] : first };
}

/** Replaces the function of every sequential (not `test.concurrent`) test of the file: `wrap(fn)` gives the new one. */
export function wrapJestSequentialTests(wrap: (fn: CircusFn) => CircusFn): void {
  const visit = (block: CircusBlock): void => {
    for (const child of block.children ?? []) {
      if (child.type !== 'test') visit(child);
      else if (!child.concurrent && typeof child.fn === 'function') child.fn = wrap(child.fn);
    }
  };
  const root = circusState()?.rootDescribeBlock;
  if (root) visit(root);
}

/** The titles of the test jest-circus is running (sequential tests; concurrent ones are not marked running). */
export function jestRunningTestTitles(): string[] | undefined {
  const test = circusState()?.currentlyRunningTest;
  return test && typeof test.name === 'string' ? titlesOf(test) : undefined;
}

/** A `test.concurrent` test of the file (any variant: each, only, failing), before it starts. */
export interface JestConcurrentTest {
  readonly titles: string[];
  readonly failing: boolean;
  readonly timeout: number | undefined;
  readonly fn: CircusFn;
  /** Replaces the function jest-circus will call for it. */
  replace(fn: CircusFn): void;
  /** Fails it with `error`, outside its function, so `.failing` does not invert it. */
  fail(error: Error): void;
}

function collectConcurrent(block: CircusBlock, into: JestConcurrentTest[]): void {
  for (const child of block.children ?? []) {
    if (child.type !== 'test') {
      collectConcurrent(child, into);
      continue;
    }
    const test = child;
    if (!test.concurrent || typeof test.fn !== 'function') continue;
    into.push({
      titles: titlesOf(test),
      failing: test.failing === true,
      timeout: typeof test.timeout === 'number' && test.timeout > 0 ? test.timeout : undefined,
      fn: test.fn,
      replace: (fn) => void (test.fn = fn),
      // The shape jest-circus' own test_fn_failure records: [error, asyncError].
      fail: (error) => void test.errors?.push([error, error]),
    });
  }
}

/** Every concurrent test of the file, or undefined when jest-circus' tree is not there to read. */
export function jestConcurrentTests(): JestConcurrentTest[] | undefined {
  const root = circusState()?.rootDescribeBlock;
  if (!root || !Array.isArray(root.children)) return undefined;
  const tests: JestConcurrentTest[] = [];
  collectConcurrent(root, tests);
  return tests;
}

/** The running test file's path, as Jest's expect state tells it. */
export function jestTestPath(): string | undefined {
  const path = (jestMatchersState() as { testPath?: unknown } | undefined)?.testPath;
  return typeof path === 'string' ? path : undefined;
}

/** The matchers Jest's `expect` has (expect.extend's registry), to wrap unflake's own; undefined outside Jest. */
export function jestMatchersRegistry(): Record<string, unknown> | undefined {
  const matchers = (
    (globalThis as Record<symbol, unknown>)[Symbol.for('$$jest-matchers-object')] as { matchers?: unknown } | undefined
  )?.matchers;
  return matchers && typeof matchers === 'object' ? (matchers as Record<string, unknown>) : undefined;
}
