import { assertProbe, checkToHolds, isAsymmetricMatcher, type Check, type CheckJudging } from './check.ts';
import { vitestLocalCountState } from './adapters/runnerExpect.ts';
import { ConsistentlyError, EventuallyError } from './errors.ts';
import { normalizeOptions, type PollSettings } from './options/normalizeOptions.ts';
import type { ConsistentlyOptions, EventuallyOptions, Probe } from './options/types.ts';
import { poll } from './poll/poll.ts';
import { formatFailure, plainPrinter } from './report/formatFailure.ts';
import { gatherContext } from './report/gatherContext.ts';
import { fingerprintSection } from './helpers/fingerprint.ts';
import { captureCallSite, findCallSite, withCallSiteStack } from './runner/callSite.ts';
import { currentTestState, currentTestWindow, startWork } from './runner/testState.ts';
import { trackAwait } from './runner/trackAwait.ts';
import type { Goal } from './poll/goal.ts';

/** The framework-free shell: run the engine for the running test, resolve to the value, or throw the report with its data. */
function pollOrThrow<T>(
  probe: Probe<T>,
  holds: (value: T) => boolean | PromiseLike<boolean>,
  settings: PollSettings,
  callSite: Error,
): Promise<T> {
  const name = settings.kind === 'eventually' ? 'eventually' : 'consistently';
  const test = currentTestState();
  const run = runPoll(probe, holds, settings, callSite);
  if (!test) return run;
  const work = startWork(test, () => `${name}() at ${findCallSite(callSite.stack) ?? 'an unknown place'}`);
  return trackAwait(work, run, () => ({ passed: true }));
}

async function runPoll<T>(
  probe: Probe<T>,
  holds: (value: T) => boolean | PromiseLike<boolean>,
  settings: PollSettings,
  callSite: Error,
): Promise<T> {
  const eventual = settings.kind === 'eventually';
  const goal: Goal = eventual ? 'eventually' : 'always';
  const test = currentTestState();
  const result = await poll<T>({
    name: eventual ? 'eventually' : 'consistently',
    probe,
    holds,
    goal,
    settings,
    testWindow: test ? test.window() : currentTestWindow(),
    testEnded: test?.ended,
  });
  if (result.passed) return result.value as T;
  const context = await gatherContext(settings.context);
  const message = formatFailure({
    hint: `${eventual ? 'eventually' : 'consistently'}(probe, check)`,
    goal,
    result: { ...result, fingerprint: fingerprintSection() },
    message: settings.message,
    printer: plainPrinter,
    context,
  });
  const ErrorClass = eventual ? EventuallyError : ConsistentlyError;
  throw withCallSiteStack(new ErrorClass(message, result, context?.value), callSite);
}

/** A Vitest test that took `expect` from its context counts its check's assertions there (its task, when the per-test state keeps it). */
function judging(): CheckJudging {
  const task = (currentTestState() as { task?: unknown } | undefined)?.task;
  return task === undefined ? {} : { localExpectState: vitestLocalCountState(task) };
}

/**
 * Polls `probe` until `check` holds (or, with no check, until the probe neither throws nor returns
 * `false`) and resolves to the value that passed. Rejects with an `EventuallyError` that explains itself.
 *
 * @example const order = await eventually(() => api.order(id), o => o.version >= 3, { timeout: 20_000 })
 */
export function eventually<T>(
  probe: Probe<T>,
  check?: Check<Awaited<T>> | EventuallyOptions<Awaited<T>>,
  options?: EventuallyOptions<Awaited<T>>,
): Promise<Awaited<T>> {
  const callSite = captureCallSite('eventually', eventually);
  // Bad arguments reject (as they did when this was an async function), they do not throw at the call.
  try {
    return startEventually(probe, check, options, callSite);
  } catch (error) {
    return Promise.reject(error);
  }
}

function startEventually<T>(probe: Probe<T>, check: unknown, options: unknown, callSite: Error): Promise<Awaited<T>> {
  const where = 'eventually()';
  assertProbe(where, probe, 'eventually(() => api.order(id), o => o.status === "paid")');
  let checkArg: unknown = check;
  let optionsArg: unknown = options;
  if (check !== undefined && typeof check !== 'function' && !isAsymmetricMatcher(check) && options === undefined) {
    checkArg = undefined;
    optionsArg = check;
  }
  const holds =
    checkArg === undefined
      ? (value: Awaited<T>) => (value as unknown) !== false
      : checkToHolds<Awaited<T>>(where, checkArg, judging());
  return pollOrThrow(
    probe as Probe<Awaited<T>>,
    holds,
    normalizeOptions(where, 'eventually', optionsArg, 'eventually'),
    callSite,
  );
}

/**
 * Polls `probe` for `for` ms (default 500) and fails as soon as `check` does not hold.
 * Resolves to the last value seen.
 *
 * @example await consistently(() => cache.size, n => n <= 100, { for: 1_000 })
 */
export function consistently<T>(
  probe: Probe<T>,
  check: Check<Awaited<T>>,
  options?: ConsistentlyOptions<Awaited<T>>,
): Promise<Awaited<T>> {
  const callSite = captureCallSite('consistently', consistently);
  const where = 'consistently()';
  try {
    assertProbe(where, probe, 'consistently(() => cache.size, n => n <= 100)');
    const holds = checkToHolds<Awaited<T>>(where, check, judging());
    return pollOrThrow(
      probe as Probe<Awaited<T>>,
      holds,
      normalizeOptions(where, 'consistently', options, 'always'),
      callSite,
    );
  } catch (error) {
    return Promise.reject(error);
  }
}
