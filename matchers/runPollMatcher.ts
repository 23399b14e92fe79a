/**
 * The shell every eventual matcher is: validate, run the poll engine, build the message once.
 * Matcher files only say how a value is compared.
 */
import { assertProbe } from '../src/check.ts';
import { normalizeOptions, type PollKind } from '../src/options/normalizeOptions.ts';
import type { Probe } from '../src/options/types.ts';
import { poll } from '../src/poll/poll.ts';
import { canDecideAtOnce, passedAtOnce, runFirstAttempt, type FirstAttempt } from '../src/poll/atOnce.ts';
import { liveSpans } from '../src/otel/testSpan.ts';
import type { Goal } from '../src/report/describeEnd.ts';
import { formatFailure, type Printer } from '../src/report/formatFailure.ts';
import { gatherContext } from '../src/report/gatherContext.ts';
import { fingerprintSection } from '../src/helpers/fingerprint.ts';
import { currentTestState, currentTestWindow, startWork, type TestState } from '../src/runner/testState.ts';
import { trackAwait } from '../src/runner/trackAwait.ts';
import { captureCallSite, withUserFrames } from '../src/runner/callSite.ts';
import { vitestCustomMessage } from '../src/adapters/runnerExpect.ts';
import { runnerVitestExpect } from './twinVerdict.ts';
import { firstLine } from '../src/report/firstLine.ts';

/** The part of Vitest's `MatcherState` and Jest's `MatcherContext` the matchers use. */
export interface MatcherContextLike {
  /** Whether the matcher was called through `.not`. */
  isNot?: boolean;
  /** `'resolves'` or `'rejects'` when called through that modifier, else empty. */
  promise?: string;
  /** The custom equality testers registered with `expect.addEqualityTesters()`. */
  customTesters?: readonly unknown[];
  /** Vitest: the running test (its local `expect` state); absent under Jest. */
  task?: unknown;
  /** The running test's full name, when the runner gives it. */
  currentTestName?: string | undefined;
  /** The runner's deep equality, as `toEqual` (or `toStrictEqual` with `strictCheck`) judges. */
  equals(a: unknown, b: unknown, customTesters?: never[], strictCheck?: boolean): boolean;
  /** The runner's printing and equality helpers (`this.utils`). */
  utils: {
    /** The dimmed `expect(received).matcher(expected)` line that heads a failure. */
    matcherHint(
      name: string,
      received?: string,
      expected?: string,
      options?: { isNot?: boolean; promise?: string; secondArgument?: string },
    ): string;
    /** A value printed (and coloured) as the received one. */
    printReceived(value: unknown): string;
    /** A value printed (and coloured) as the expected one. */
    printExpected(value: unknown): string;
    /** The runner's diff of expected and received, or nothing when it has none to show. */
    diff(
      expected: unknown,
      received: unknown,
      options?: { aAnnotation?: string; bAnnotation?: string },
    ): string | null | undefined;
    /** The equality tester `toEqual` uses for iterables. */
    iterableEquality: (a: unknown, b: unknown, ...rest: never[]) => boolean | undefined;
    /** The equality tester `toMatchObject` uses for subsets. */
    subsetEquality: (a: unknown, b: unknown, ...rest: never[]) => boolean | undefined;
  };
}

/** What a matcher returns to the runner: whether it passed, and its failure message. */
export interface MatcherResult {
  /** Whether the assertion passed (before `.not` is applied). */
  pass: boolean;
  /** The failure message, built only when the runner shows it. */
  message: () => string;
}

export interface PollMatcherSpec {
  name: string;
  kind: PollKind;
  received: unknown;
  /** Whether the condition holds for one observed value. */
  holds: (value: unknown) => boolean | PromiseLike<boolean>;
  /** The expected value, shown (and diffed) in the failure. */
  expected?: { value: unknown };
  /** How the expected argument is named in the hint ('expected', 'check', 'subset'). */
  expectedLabel: string;
  options: unknown;
}

function goalOf(kind: PollKind, isNot: boolean): Goal {
  if (kind === 'eventually') return isNot ? 'never' : 'eventually';
  return isNot ? 'eventually-fails' : 'always';
}

function printerOf(context: MatcherContextLike): Printer {
  return {
    received: (value) => context.utils.printReceived(value),
    expected: (value) => context.utils.printExpected(value),
    diff: (expected, received) => context.utils.diff(expected, received) ?? null,
  };
}

/**
 * Tests only (test/src/fastPath*.test.ts): `value: true` sends every call through the full engine, to prove
 * the already-true path (src/poll/atOnce.ts) gives the same verdicts.
 */
export const forceEngine = { value: false };

/**
 * Runs an eventual matcher for the running test: its deadline, its end (which stops the poll, never as
 * a pass), and the report if the test forgets to await it.
 */
export function runPollMatcher(context: MatcherContextLike, spec: PollMatcherSpec): Promise<MatcherResult> {
  const isNot = context.isNot === true;
  const where = `${isNot ? '.not' : ''}.${spec.name}()`;
  const test = currentTestState();
  const site: CallSite = { vitest: runnerVitestExpect() !== undefined, heldAtOnce: false, inCall: true };
  const run = matchPoll(context, spec, where, test, site);
  site.inCall = false;
  if (site.vitest && !passesForSure(site)) site.error = captureCallSite(spec.name);
  if (!test) return run;
  // Named by its test, not by a captured stack: capturing one on every call was most of the
  // cost of an already-true assertion (bench/), and the runner already points at the test.
  const name = test.name ?? context.currentTestName ?? 'unknown';
  const work = startWork(test, () => `expect(…)${where.replace(/\(\)$/, '(…)')} in test "${name}"`);
  return trackAwait(work, run, isNot ? negatedOutcome : outcome);
}

/** How a settled matcher call went, for its test's report; one function each way, no closure per call. */
const outcome = (result: MatcherResult): { passed: boolean; failure?: string } =>
  result.pass ? { passed: true } : { passed: false, failure: firstLine(result.message(), { afterHint: true }) };
const negatedOutcome = (result: MatcherResult): { passed: boolean; failure?: string } =>
  result.pass ? { passed: false, failure: firstLine(result.message(), { afterHint: true }) } : { passed: true };

/**
 * Vitest builds a custom matcher's error after its promise settles, with no frame of the test file: under
 * Vitest the call site is captured at the call (one stack, formatted only on failure) and the failure is
 * thrown with it, so the reporter shows the assertion's line and code frame (Jest does this itself). Not on
 * the already-true path: an eventual assertion whose first attempt held during the call, with nothing more
 * to wait for (no stableFor, passes or notBefore), cannot fail.
 */
interface CallSite {
  vitest: boolean;
  /** Whether the first attempt held synchronously, inside the matcher call. */
  heldAtOnce: boolean;
  inCall: boolean;
  settings?: { stableFor: number; passes: number; notBefore: number | undefined };
  goal?: Goal;
  error?: Error;
}

function watchFirstAttempt(holds: PollMatcherSpec['holds'], site: CallSite): PollMatcherSpec['holds'] {
  if (!site.vitest) return holds;
  return (value) => {
    const verdict = holds(value);
    if (site.inCall && verdict === true) site.heldAtOnce = true;
    return verdict;
  };
}

function passesForSure(site: CallSite): boolean {
  const s = site.settings;
  return (
    site.heldAtOnce &&
    site.goal === 'eventually' &&
    s !== undefined &&
    s.stableFor === 0 &&
    s.passes === 1 &&
    s.notBefore === undefined
  );
}

async function matchPoll(
  context: MatcherContextLike,
  spec: PollMatcherSpec,
  where: string,
  test: TestState | undefined,
  site: CallSite,
): Promise<MatcherResult> {
  const isNot = context.isNot === true;
  assertProbe(where, spec.received, `expect(() => db.get(id)).${spec.name}(…)`);
  const goal = goalOf(spec.kind, isNot);
  const settings = normalizeOptions(where, spec.kind, spec.options, goal);
  site.goal = goal;
  site.settings = settings;
  const probe = spec.received as Probe;
  let first: FirstAttempt<unknown> | undefined;
  if (!forceEngine.value && canDecideAtOnce(goal, settings, test?.ended, liveSpans().open > 0)) {
    // atOnce.ts: the first attempt, run here; a pass ends the assertion with no poll state built.
    first = runFirstAttempt({ probe, holds: spec.holds, failWhen: settings.failWhen }, settings.time);
    if (passedAtOnce(first.pending)) {
      site.heldAtOnce = true;
      return { pass: true, message: () => `${where} passed` };
    }
  }
  const result = await poll({
    name: spec.name,
    probe,
    holds: first ? spec.holds : watchFirstAttempt(spec.holds, site),
    goal,
    settings,
    testWindow: test ? test.window() : currentTestWindow(context),
    testEnded: test?.ended,
    first,
  });
  if (result.passed) return { pass: !isNot, message: () => `${where} passed` };
  const gathered = await gatherContext(settings.context);
  const message = formatFailure({
    hint: context.utils.matcherHint(spec.name, 'received', spec.expectedLabel, {
      isNot,
      promise: context.promise ?? '',
      ...(spec.options === undefined ? {} : { secondArgument: 'options' }),
    }),
    goal,
    result: { ...result, fingerprint: fingerprintSection() },
    message: settings.message,
    printer: printerOf(context),
    ...(spec.expected
      ? { expected: { value: spec.expected.value, negated: goal === 'never' || goal === 'eventually-fails' } }
      : {}),
    ...(gathered ? { context: gathered } : {}),
  });
  if (site.error) {
    const custom = vitestCustomMessage(context);
    throw withUserFrames(new Error(custom ? `${custom}: ${message}` : message), site.error);
  }
  return { pass: isNot, message: () => message };
}
