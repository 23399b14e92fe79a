/**
 * The shell every eventual matcher is: validate, run the poll engine, build the message once.
 * Matcher files only say how a value is compared.
 */
import { assertProbe } from '../src/check.ts';
import { normalizeOptions, type PollKind } from '../src/options/normalizeOptions.ts';
import type { Probe } from '../src/options/types.ts';
import { poll } from '../src/poll/poll.ts';
import type { Goal } from '../src/report/describeEnd.ts';
import { formatFailure, type Printer } from '../src/report/formatFailure.ts';
import { gatherContext } from '../src/report/gatherContext.ts';
import { findTestWindow } from '../src/runner/testWindow.ts';

/** The part of Vitest's `MatcherState` and Jest's `MatcherContext` the matchers use. */
export interface MatcherContextLike {
  isNot?: boolean;
  promise?: string;
  customTesters?: readonly unknown[];
  task?: unknown;
  currentTestName?: string | undefined;
  equals(a: unknown, b: unknown, customTesters?: never[], strictCheck?: boolean): boolean;
  utils: {
    matcherHint(name: string, received?: string, expected?: string, options?: { isNot?: boolean; promise?: string; secondArgument?: string }): string;
    printReceived(value: unknown): string;
    printExpected(value: unknown): string;
    diff(expected: unknown, received: unknown, options?: { aAnnotation?: string; bAnnotation?: string }): string | null | undefined;
    iterableEquality: (a: unknown, b: unknown, ...rest: never[]) => boolean | undefined;
    subsetEquality: (a: unknown, b: unknown, ...rest: never[]) => boolean | undefined;
  };
}

export interface MatcherResult {
  pass: boolean;
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

export async function runPollMatcher(context: MatcherContextLike, spec: PollMatcherSpec): Promise<MatcherResult> {
  const isNot = context.isNot === true;
  const where = `${isNot ? '.not' : ''}.${spec.name}()`;
  assertProbe(where, spec.received, `expect(() => db.get(id)).${spec.name}(…)`);
  const settings = normalizeOptions(where, spec.kind, spec.options);
  const goal = goalOf(spec.kind, isNot);
  const result = await poll({
    probe: spec.received as Probe,
    holds: spec.holds,
    target: spec.kind === 'eventually' ? 'hold' : 'miss',
    onTarget: goal === 'eventually' || goal === 'eventually-fails' ? 'pass' : 'fail',
    settings,
    testWindow: findTestWindow(context),
    // Named by its test, not by a captured stack: capturing one on every call was most of the
    // cost of an already-true assertion (bench/), and the runner already points at the test.
    label: () => `expect(…)${where.replace(/\(\)$/, '(…)')} in test "${context.currentTestName ?? 'unknown'}"`,
  });
  // The runner fails the assertion when `pass === isNot`; an un-awaited poll ended by the test
  // reports through afterEach instead, so it must not fail (or leave an unhandled rejection) here.
  const ok = result.passed || result.reason.kind === 'test-ended';
  if (ok) return { pass: !isNot, message: () => `${where} passed` };
  const gathered = await gatherContext(settings.context);
  const message = formatFailure({
    hint: context.utils.matcherHint(spec.name, 'received', spec.expectedLabel, {
      isNot,
      promise: context.promise ?? '',
      ...(spec.options === undefined ? {} : { secondArgument: 'options' }),
    }),
    goal,
    result,
    settings,
    printer: printerOf(context),
    ...(spec.expected ? { expected: { value: spec.expected.value, negated: goal === 'never' || goal === 'eventually-fails' } } : {}),
    ...(gathered ? { context: gathered } : {}),
  });
  return { pass: isNot, message: () => message };
}
