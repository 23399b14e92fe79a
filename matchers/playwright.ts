/**
 * `import { test, expect } from 'unflake/playwright'`: Playwright Test's `test` with unflake's per-test
 * state and fixtures (`namespace`, `workerNamespace`, `testTrace`, `seed`; the trace's headers on the
 * `request` fixture), and its `expect` with every unflake matcher, typed.
 */
import { test as base, expect as baseExpect } from '@playwright/test';
import type {
  Expect,
  ExpectMatcherState,
  MatcherReturnType,
  PlaywrightTestArgs,
  PlaywrightTestOptions,
  PlaywrightWorkerArgs,
  PlaywrightWorkerOptions,
  TestInfo,
  TestType,
} from '@playwright/test';
import { matchers } from './index.ts';
import type { EventualMatchers } from './types.ts';
import { finishTest } from './registerHooks.ts';
import { beginTestSpan, endTestSpan } from '../src/otel/testSpan.ts';
import { setOtelRootContext } from '../src/adapters/otel.ts';
import { beginTest, setSequentialTest } from '../src/runner/testState.ts';
import type { TestWindow } from '../src/runner/testWindow.ts';
import { monotonicNow } from '../src/time/realTime.ts';
import { testIdOf } from '../src/runner/testId.ts';
import { playwrightEquality } from '../src/adapters/playwright.ts';
import { judgeFromParts, LENT_JUDGE, type TwinContext } from './twinVerdict.ts';
import { testNamespace } from '../src/helpers/testNamespace.ts';
import { runId, workerNamespace as namespaceOfWorker, type WorkerNamespace } from '../src/helpers/workerNamespace.ts';
import { runSeed, testSeed } from '../src/helpers/testSeed.ts';
import { testTrace as traceOfTest, type TestTrace } from '../src/helpers/testTrace.ts';

// `playwright test` loads the test files in its runner process to list the tests before it starts any
// worker: fixing the run id and seed there means every worker, and the fresh worker a retry runs in,
// inherits them (one namespace run id, the same seed on a retry).
runId();
runSeed();

/** The per-test fixtures unflake's `test` adds: `test('…', async ({ namespace, testTrace, seed }) => …)`. */
export interface UnflakeFixtures {
  /** `testNamespace()`: unique to this test and this attempt (a retry gets a fresh one). */
  namespace: WorkerNamespace;
  /** `testTrace()`: this test's W3C trace context; its `traceparent` is sent by the `request` fixture. */
  testTrace: TestTrace;
  /** `testSeed()`: the same on a retry; a failure prints the `UNFLAKE_SEED` to rerun with. */
  seed: number;
}

/** The per-worker fixture unflake's `test` adds. */
export interface UnflakeWorkerFixtures {
  /** `workerNamespace()`: unique to the run, stable within this worker (Playwright's `parallelIndex`). */
  workerNamespace: WorkerNamespace;
}

/** The test's deadline as Playwright tells it, read when a poll starts (`test.slow()` and `testInfo.setTimeout` change it). */
function windowOf(info: TestInfo, started: number): TestWindow | undefined {
  const timeout = info.timeout;
  if (!(timeout > 0 && Number.isFinite(timeout))) return undefined;
  return { runner: 'playwright', timeout, deadline: started + timeout };
}

/**
 * unflake's own after-test failure (a forgotten await, a failed onCleanup, a leftover install) is not the
 * failure `test.fail()` expects: Playwright compares the status with `expectedStatus` after the fixtures'
 * teardown, so this test is expected to pass again and the failure stays one.
 */
function keptFailing(info: TestInfo, problem: Error): Error {
  if (info.expectedStatus !== 'failed') return problem;
  info.expectedStatus = 'passed';
  problem.message +=
    '\n\n(The test is marked `test.fail()`, but this failure is unflake’s own, found after the test: an expected-failure mode does not turn it into a pass.)';
  problem.stack = `${problem.name}: ${problem.message}`;
  return problem;
}

interface Internal {
  _unflakeTest: void;
}

const extended = base.extend<UnflakeFixtures & Internal, UnflakeWorkerFixtures>({
  // Each test (and each attempt) gets its own state: its deadline, polls, trace, namespaces, cleanups.
  // Playwright runs one test at a time per worker, so the sequential slot finds it.
  _unflakeTest: [
    // Playwright reads a fixture's dependencies from its first parameter, which must be a destructuring pattern.
    // eslint-disable-next-line no-empty-pattern
    async ({}, use, testInfo) => {
      const started = monotonicNow();
      const state = beginTest({
        runner: 'playwright',
        name: testIdOf(testInfo.file, testInfo.titlePath.slice(1)),
        window: () => windowOf(testInfo, started),
      });
      setSequentialTest(state);
      const span = beginTestSpan(state, { attempt: testInfo.retry, annotations: testInfo.annotations });
      // Playwright calls the test body from a context no fixture can enter: its span is made the root context
      // for the test instead (one test at a time per worker), so the body's spans are its children.
      if (span) setOtelRootContext(span.context);
      await use();
      const problem = await finishTest(state);
      if (span) {
        setOtelRootContext(undefined);
        const failed =
          problem !== undefined || (testInfo.status !== testInfo.expectedStatus && testInfo.status !== 'skipped');
        endTestSpan(state, { failed, error: problem ?? testInfo.errors[0] });
      }
      if (problem) throw keptFailing(testInfo, problem);
    },
    { auto: true, title: 'unflake per-test state', box: true },
  ],
  // Each depends on the per-test state, so it is set up first.
  namespace: async ({ _unflakeTest }, use) => use(testNamespace()),
  testTrace: async ({ _unflakeTest }, use) => use(traceOfTest()),
  seed: async ({ _unflakeTest }, use) => use(testSeed()),
  // eslint-disable-next-line no-empty-pattern
  workerNamespace: [async ({}, use) => use(namespaceOfWorker()), { scope: 'worker' }],
  request: async ({ playwright, extraHTTPHeaders, testTrace }, use) => {
    // The test's traceparent under the configured headers (one the config sets itself wins).
    const given = new Set(Object.keys(extraHTTPHeaders ?? {}).map((name) => name.toLowerCase()));
    const trace = Object.fromEntries(Object.entries(testTrace.headers()).filter(([name]) => !given.has(name)));
    const request = await playwright.request.newContext({ extraHTTPHeaders: { ...trace, ...extraHTTPHeaders } });
    try {
      await use(request);
    } finally {
      await request.dispose();
    }
  },
});

/** Playwright Test's `test` with unflake's fixtures and per-test state. */
export const test = extended as unknown as TestType<
  PlaywrightTestArgs & PlaywrightTestOptions & UnflakeFixtures,
  PlaywrightWorkerArgs & PlaywrightWorkerOptions & UnflakeWorkerFixtures
>;

/** One unflake matcher (`F`, from EventualMatchers) typed as Playwright's `expect.extend` wants it: called with the received value, resolving to Playwright's matcher result. */
export type PlaywrightMatcher<F> = F extends (...args: infer A) => Promise<void>
  ? // eslint-disable-next-line @typescript-eslint/no-explicit-any
    (this: ExpectMatcherState, received: any, ...args: A) => Promise<MatcherReturnType>
  : never;

/** unflake's matchers as Playwright's `expect.extend` types them (a check's value is `any`: annotate it). */
export type UnflakePlaywrightMatchers = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [K in keyof EventualMatchers]: PlaywrightMatcher<EventualMatchers<void, any>[K]>;
};

type AnyMatcher = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Playwright's matcher context lacks a working `equals`, and its raw matchers cannot be called without
 * recording a step per attempt: lend the matchers Playwright's own `equals` and testers, and the twin
 * judge built from them (Playwright has no custom equality testers).
 */
function withEquality(name: string, matcher: AnyMatcher): AnyMatcher {
  return function (this: unknown, ...args: unknown[]) {
    const equality = playwrightEquality(baseExpect);
    if (!equality)
      throw new Error(
        `unflake/playwright: ${name}: this version of @playwright/test gives matchers no equality function; please report it.`,
      );
    const context: TwinContext = {
      ...(this as object),
      ...equality,
      utils: { ...(this as { utils?: object }).utils, ...equality.utils },
      customTesters: [],
    };
    context[LENT_JUDGE] = (twin) => judgeFromParts(context, twin);
    return matcher.apply(context, args);
  };
}

const wrapped = Object.fromEntries(
  Object.entries(matchers).map(([name, matcher]) => [name, withEquality(name, matcher as unknown as AnyMatcher)]),
);

/** Playwright Test's `expect` with every unflake matcher. */
export const expect: Expect<UnflakePlaywrightMatchers> = baseExpect.extend(
  wrapped as unknown as UnflakePlaywrightMatchers,
);

export type { WorkerNamespace, TestTrace };
