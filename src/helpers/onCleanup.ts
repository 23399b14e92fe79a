/**
 * Per-test teardown that tolerates "already gone": a cleanup that finds its tenant, topic or file
 * already deleted (a 404, ENOENT) is done, not a new flake; any other error fails the test, after
 * the test's own error, naming the cleanup.
 */
import { inspect } from '../runtime/builtins.ts';
import { checkOptions } from '../options/checkOptions.ts';
import { captureCallSite, findCallSite } from '../runner/callSite.ts';
import {
  beginCleanupState,
  currentTestState,
  endTest,
  runInTest,
  type TestCleanup,
  type TestState,
} from '../runner/testState.ts';

/** Options of `onCleanup(fn, options)`. */
export interface CleanupOptions {
  /**
   * Whether an error (or a returned response's status) means "already gone", which is fine.
   * Default `isGone`: HTTP status 404 or 410, `ENOENT`, or a name or code containing `NotFound`.
   */
  gone?: (error: unknown) => boolean;
}

const GONE_STATUS = new Set([404, 410]);
const MAX_CLEANUPS = 10_000;
const MAX_ERROR_TEXT = 300;

function read(value: unknown, key: string): unknown {
  try {
    return value !== null && (typeof value === 'object' || typeof value === 'function')
      ? (value as Record<string, unknown>)[key]
      : undefined;
  } catch {
    return undefined;
  }
}

/** The HTTP status an error or response carries: fetch, node, axios, got, the AWS SDK, Playwright's APIResponse. */
export function statusOf(value: unknown): number | undefined {
  const candidates = [
    read(value, 'status'),
    read(value, 'statusCode'),
    read(read(value, 'response'), 'status'),
    read(read(value, '$metadata'), 'httpStatusCode'),
  ];
  for (const candidate of candidates) {
    const status = typeof candidate === 'function' ? safeCall(candidate as () => unknown, value) : candidate;
    if (typeof status === 'number' && Number.isInteger(status)) return status;
  }
  return undefined;
}

function safeCall(fn: () => unknown, self: unknown): unknown {
  try {
    return fn.call(self);
  } catch {
    return undefined;
  }
}

/** The default `gone`: HTTP 404/410, `ENOENT`, or `NotFound` in the error's name or code. */
export function isGone(error: unknown): boolean {
  const status = statusOf(error);
  if (status !== undefined && GONE_STATUS.has(status)) return true;
  const code = read(error, 'code');
  if (code === 'ENOENT') return true;
  const name = read(error, 'name');
  return [name, code].some((text) => typeof text === 'string' && /NotFound/i.test(text));
}

/**
 * A cleanup that resolved to a failed HTTP response (fetch's `Response`, Playwright's `APIResponse`)
 * did not clean up, though nothing threw: it counts as an error with that status.
 */
function failedResponse(value: unknown): Error | undefined {
  const ok = read(value, 'ok');
  const okValue = typeof ok === 'function' ? safeCall(ok as () => unknown, value) : ok;
  const status = statusOf(value);
  if (okValue !== false || status === undefined) return undefined;
  return Object.assign(new Error(`the cleanup's request returned HTTP ${status}`), { status });
}

/**
 * Registers teardown for the running test: it runs after the test (and its afterEach hooks), whether
 * it passed or failed, last registered first, each awaited. Polls inside it run normally. An error
 * `gone` accepts is fine; any other fails the test after its own error, naming this cleanup.
 * Outside a test it throws (use the runner's afterAll for file-wide teardown).
 *
 * @example onCleanup(() => api.deleteTenant(ns.id))                 // a 404 is "already gone"
 * @example onCleanup(() => fs.rm(dir, { recursive: true }), { gone: (e) => e.code === 'ENOENT' })
 */
export function onCleanup(fn: () => unknown, options?: CleanupOptions): void {
  if (typeof fn !== 'function')
    throw new TypeError(
      `onCleanup(): \`fn\` must be a function (the teardown to run after the test), got ${inspect(fn, { depth: 0 })}.`,
    );
  const o = checkOptions('onCleanup()', options, ['gone']) as CleanupOptions;
  if (o.gone !== undefined && typeof o.gone !== 'function')
    throw new TypeError(
      `onCleanup(): \`gone\` must be a function (error) => boolean, got ${inspect(o.gone, { depth: 0 })}.`,
    );
  const state = currentTestState();
  if (!state) {
    throw new Error(
      'onCleanup(): no test is running. It registers teardown for one test; call it inside a test, a beforeEach or another cleanup. For teardown of a whole file, use afterAll.',
    );
  }
  if (state.cleanups.length >= MAX_CLEANUPS)
    throw new Error(
      `onCleanup(): more than ${MAX_CLEANUPS} cleanups in one test (one registered per loop iteration, or a cleanup that registers itself again?).`,
    );
  const site = captureCallSite('onCleanup', onCleanup);
  const number = state.cleanups.length + 1;
  const cleanup: TestCleanup = {
    label: () => {
      const where = location(findCallSite(site.stack));
      return `onCleanup #${number}${fn.name ? ` (${fn.name})` : ''}${where ? ` registered at ${where}` : ''}`;
    },
    run: fn,
    gone: o.gone ?? isGone,
  };
  state.cleanups.push(cleanup);
}

/** `file:line:column` of a stack frame (`fn (file:line:col)` or `file:line:col`), relative to the working directory. */
function location(frame: string | undefined): string | undefined {
  if (!frame) return undefined;
  const inner = /\(([^()]+)\)$/.exec(frame)?.[1] ?? frame;
  const cwd = `${process.cwd()}/`;
  const path = inner.replace(/^file:\/\//, '');
  return path.startsWith(cwd) ? path.slice(cwd.length) : path;
}

function oneLine(error: unknown): string {
  let text: string;
  try {
    text =
      error instanceof Error ? `${error.name}: ${error.message}` : inspect(error, { depth: 1, breakLength: Infinity });
  } catch {
    text = 'a value that cannot be printed';
  }
  text = text.replace(/\s*\n\s*/g, ' ');
  return text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT - 1)}…` : text;
}

/** Runs one cleanup: `{ error }` when it failed (and `gone` did not accept the error), else undefined. */
async function runOne(cleanup: TestCleanup): Promise<{ error: unknown } | undefined> {
  let error: unknown;
  try {
    error = failedResponse(await cleanup.run());
    if (error === undefined) return undefined;
  } catch (thrown) {
    error = thrown;
  }
  try {
    return cleanup.gone(error) === true ? undefined : { error };
  } catch (goneError) {
    return {
      error: new Error(`its \`gone\` check threw ${oneLine(goneError)} on ${oneLine(error)}`, { cause: error }),
    };
  }
}

function cleanupError(
  failures: Array<{ label: string; error: unknown }>,
  forgotten: Error | undefined,
): Error | undefined {
  if (failures.length === 0) return forgotten;
  const one = failures.length === 1;
  const lines = failures.map((f) => `  ${f.label}: ${oneLine(f.error)}`).join('\n');
  const error = new Error(
    `unflake: ${one ? 'a cleanup' : `${failures.length} cleanups`} failed after the test (cleanups run last registered first; each ran):\n${lines}` +
      (forgotten ? `\n\n${forgotten.message}` : ''),
    {
      cause: one
        ? failures[0]!.error
        : new AggregateError(
            failures.map((f) => f.error),
            `${failures.length} cleanups failed`,
          ),
    },
  );
  error.name = 'CleanupError';
  // Its frames would be unflake's hooks: the message names each cleanup and where it was registered.
  error.stack = `${error.name}: ${error.message}`;
  return error;
}

/**
 * Runs the test's cleanups (the setup entries call this once the test's own state ended): last
 * registered first, each awaited, in a state with the test's values so testNamespace() and testTrace()
 * still answer; cleanups registered by a cleanup run next. Returns the error to fail the test with.
 */
export async function runCleanups(test: TestState): Promise<Error | undefined> {
  if (test.cleanups.length === 0) return undefined;
  const state = beginCleanupState(test);
  const failures: Array<{ label: string; error: unknown }> = [];
  await runInTest(state, async () => {
    // Bounded: a cleanup that registers another each time it runs must not spin forever.
    for (
      let ran = 0, cleanup = test.cleanups.pop();
      cleanup;
      cleanup = ++ran < MAX_CLEANUPS ? test.cleanups.pop() : undefined
    ) {
      const failed = await runOne(cleanup);
      if (failed) failures.push({ label: cleanup.label(), error: failed.error });
    }
    if (test.cleanups.length > 0)
      failures.push({
        label: `${test.cleanups.length} more cleanups`,
        error: new Error(
          `not run: more than ${MAX_CLEANUPS} cleanups ran (a cleanup that registers another each time it runs?)`,
        ),
      });
    test.cleanups.length = 0;
  });
  return cleanupError(failures, endTest(state));
}
