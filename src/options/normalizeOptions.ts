import type {
  AttemptInfo,
  ConfigurableOptions,
  ConsistentlyOptions,
  EventuallyOptions,
  Interval,
  WakeSource,
} from './types.ts';
import { builtInDefaults, configuredDefaults } from './defaults.ts';
import { checkOptions, type MisplacedHint } from './checkOptions.ts';
import { argumentError, describeValue } from './checkMs.ts';
import {
  checkCount,
  checkDuration,
  checkFunction,
  checkHandles,
  checkInsideWindow,
  checkInterval,
  checkWakeOn,
} from './checkValues.ts';
import { isWindowGoal, type Goal } from '../poll/goal.ts';
import { checkFingerprintFields } from '../helpers/fingerprint.ts';
import { realTimeSource, virtualTimeSource, type TimeSource } from '../time/TimeSource.ts';
import { fromRule, type FromRule } from '../poll/from.ts';
import { instantPassReporter } from './instantPass.ts';

export type PollKind = 'eventually' | 'consistently';

/** Options after validation and defaulting: what the poll engine runs on. */
export interface PollSettings {
  kind: PollKind;
  /** The window in ms (`timeout` for eventually, `for` for consistently). */
  window: number;
  windowName: 'timeout' | 'for';
  interval: Interval;
  attemptTimeout: number | undefined;
  maxAttempts: number | undefined;
  stableFor: number;
  passes: number;
  notBefore: number | undefined;
  /** "It must change first" (poll/from.ts): set when the `from` option was given, even as undefined. */
  from: FromRule | undefined;
  failWhen: ((value: unknown) => string | false | null | undefined) | undefined;
  ignore: ((error: unknown) => boolean) | undefined;
  onAttempt: ((info: AttemptInfo) => void) | undefined;
  signal: AbortSignal | undefined;
  message: (() => string) | undefined;
  context: (() => unknown) | undefined;
  wakeOn: WakeSource[];
  time: TimeSource;
  /** Virtual time: real ms a window (and the approach to `notBefore`) still watches. */
  realFloor: number;
  testTimeoutMargin: number;
}

/**
 * Default `realFloor`: with a TestClock a window runs in no real time at all, so a value that real I/O
 * (a database, a queue, a child process) changes 50 ms later would never be seen. Twice that is watched.
 */
export const DEFAULT_REAL_FLOOR = 100;

const COMMON_KEYS = [
  'interval',
  'attemptTimeout',
  'maxAttempts',
  'failWhen',
  'ignore',
  'onAttempt',
  'signal',
  'message',
  'context',
  'wakeOn',
  'clock',
  'realFloor',
] as const;
const EVENTUALLY_KEYS: readonly string[] = [...COMMON_KEYS, 'timeout', 'stableFor', 'passes', 'notBefore', 'from'];
const CONSISTENTLY_KEYS: readonly string[] = [...COMMON_KEYS, 'for'];
const CONFIGURABLE_KEYS: readonly string[] = [
  'timeout',
  'for',
  'interval',
  'attemptTimeout',
  'maxAttempts',
  'ignore',
  'context',
  'testTimeoutMargin',
  'fingerprint',
  'realFloor',
  'warnInstantPass',
];

export { argumentError, checkInterval };

/** Keys an eventual assertion knows that a consistently one does not (and back): say where they belong. */
function misplacedFor(kind: PollKind | undefined): MisplacedHint | undefined {
  if (kind === undefined) return undefined;
  return (key) => {
    if (kind === 'eventually' && key === 'for') {
      return '`for` is an option of the consistently assertions (toConsistently, toConsistentlyEqual, consistently()). For an eventual assertion, set the window with `timeout`, or require the condition to hold for a while with `stableFor`.';
    }
    if (kind === 'consistently' && key === 'timeout')
      return 'a consistently assertion takes its window as `for` (how long the condition must hold), not `timeout`.';
    if (kind === 'consistently' && key === 'from') {
      return '`from` is an option of the eventual assertions (a wait for a change); a consistently assertion watches a state that must already hold.';
    }
    if (kind === 'consistently' && ['stableFor', 'passes', 'notBefore'].includes(key)) {
      return `\`${key}\` is an option of the eventual assertions; a consistently assertion already requires the condition on every attempt for \`for\` ms.`;
    }
    return undefined;
  };
}

export function validateConfigurable(options: unknown): void {
  const where = 'configure()';
  const o = checkOptions(where, options, CONFIGURABLE_KEYS) as ConfigurableOptions & Record<string, unknown>;
  checkDuration(where, 'timeout', o.timeout);
  checkDuration(where, 'for', o.for);
  checkInterval(where, o.interval);
  checkDuration(where, 'attemptTimeout', o.attemptTimeout, { allowZero: false });
  checkCount(where, 'maxAttempts', o.maxAttempts);
  checkFunction(where, 'ignore', o.ignore, '(error) => boolean');
  checkFunction(where, 'context', o.context, '() => unknown');
  checkDuration(where, 'testTimeoutMargin', o.testTimeoutMargin);
  checkDuration(where, 'realFloor', o.realFloor);
  checkFingerprintFields(where, o.fingerprint);
  const warn = o.warnInstantPass;
  if (warn !== undefined && typeof warn !== 'boolean' && typeof warn !== 'function') {
    throw argumentError(
      where,
      `\`warnInstantPass\` must be true, false or a function (line: string) => void, got ${describeValue(warn)}.`,
    );
  }
}

/** `from` given (even as undefined): its rule; only a wait for a change (the eventually goal) takes one. */
function fromFor(where: string, o: Record<string, unknown>, goal: Goal | undefined): FromRule | undefined {
  if (!Object.hasOwn(o, 'from')) return undefined;
  if (goal !== undefined && goal !== 'eventually') {
    throw argumentError(
      where,
      '`from` applies to a wait for a change (toEventually*, eventually()); a .not.toEventually… ("never") assertion already fails on any hold in its window.',
    );
  }
  return fromRule(o.from);
}

/**
 * `maxAttempts` cannot shorten an "always"/"never" window into a pass (SPEC section 0): given explicitly
 * it is a TypeError; a configure() default does not apply to windows.
 */
function maxAttemptsFor(
  where: string,
  o: Record<string, unknown>,
  configured: number | undefined,
  goal: Goal | undefined,
): number | undefined {
  const explicit = checkCount(where, 'maxAttempts', o.maxAttempts);
  if (goal === undefined || !isWindowGoal(goal)) return explicit ?? configured;
  if (explicit !== undefined) {
    throw argumentError(
      where,
      `\`maxAttempts\` cannot bound ${goal === 'always' ? 'a consistently assertion' : 'a .not.toEventually… ("never") assertion'}: it passes only when watched for its whole window, and ending it after ${explicit} attempt${explicit === 1 ? '' : 's'} would pass without watching. Shorten the window instead (\`${goal === 'always' ? 'for' : 'timeout'}\`).`,
    );
  }
  return undefined;
}

/** `timeout: Infinity` is a wait bounded by its `signal` (and the test's own deadline) alone. */
function infiniteTimeout(where: string, kind: PollKind, o: Record<string, unknown>): number | undefined {
  if (kind !== 'eventually' || o.timeout !== Infinity) return undefined;
  if (o.signal === undefined)
    throw argumentError(
      where,
      '`timeout: Infinity` needs a `signal` to end the wait (an AbortSignal you abort); without one, give a finite `timeout` in ms.',
    );
  return Infinity;
}

type PollOptions = EventuallyOptions & ConsistentlyOptions & Record<string, unknown>;

/** The window in ms: `timeout` (eventually) or `for` (consistently), else the configured or built-in default. */
function windowOf(where: string, kind: PollKind, o: PollOptions, d: ConfigurableOptions): number {
  return (
    infiniteTimeout(where, kind, o) ??
    checkDuration(where, kind === 'eventually' ? 'timeout' : 'for', kind === 'eventually' ? o.timeout : o.for) ??
    (kind === 'eventually' ? (d.timeout ?? builtInDefaults.timeout) : (d.for ?? builtInDefaults.for))
  );
}

/** A wait for a plain hold: no `from`, `stableFor`, `passes` or `notBefore` (what `warnInstantPass` watches). */
function isPlainWait(
  goal: Goal | undefined,
  from: FromRule | undefined,
  stableFor: number,
  passes: number,
  notBefore: number | undefined,
): boolean {
  return (
    from === undefined &&
    stableFor === 0 &&
    passes === 1 &&
    notBefore === undefined &&
    (goal ?? 'eventually') === 'eventually'
  );
}

/**
 * Validates user options once, at the call, and merges configure() defaults and built-ins. `goal` tells
 * window assertions ("always", "never") apart, for the rules only they have. `ownDefaults`: a helper's
 * own defaults (waitForReady's timeout and backoff), merged instead of configure()'s, which then do not apply.
 */
export function normalizeOptions(
  where: string,
  kind: PollKind,
  options: unknown,
  goal?: Goal,
  ownDefaults?: ConfigurableOptions,
): PollSettings {
  const o = checkOptions(
    where,
    options,
    kind === 'eventually' ? EVENTUALLY_KEYS : CONSISTENTLY_KEYS,
    misplacedFor(kind),
  ) as PollOptions;
  const d = ownDefaults ?? configuredDefaults();
  const windowName = kind === 'eventually' ? 'timeout' : 'for';
  const window = windowOf(where, kind, o, d);
  const stableFor = checkDuration(where, 'stableFor', o.stableFor) ?? 0;
  const passes = checkCount(where, 'passes', o.passes) ?? 1;
  const notBefore = checkDuration(where, 'notBefore', o.notBefore);
  checkInsideWindow(where, window, stableFor, notBefore);
  const attemptTimeout =
    checkDuration(where, 'attemptTimeout', o.attemptTimeout, { allowZero: false }) ?? d.attemptTimeout;
  const maxAttempts = maxAttemptsFor(where, o, d.maxAttempts, goal);
  if (passes > 1 && maxAttempts !== undefined && passes > maxAttempts) {
    throw argumentError(where, `\`passes\` (${passes}) cannot be reached within \`maxAttempts\` (${maxAttempts}).`);
  }
  const { signal, message } = checkHandles(where, o);
  const from = fromFor(where, o, goal);
  const onAttempt = checkFunction<PollSettings['onAttempt']>(
    where,
    'onAttempt',
    o.onAttempt,
    '(info: { attempt, at, value?, error?, held }) => void',
  );
  const instant = kind === 'eventually' && isPlainWait(goal, from, stableFor, passes, notBefore);
  return {
    kind,
    window,
    windowName,
    interval: checkInterval(where, o.interval) ?? d.interval ?? builtInDefaults.interval,
    attemptTimeout,
    maxAttempts,
    stableFor,
    passes,
    notBefore,
    from,
    failWhen: checkFunction(where, 'failWhen', o.failWhen, '(value) => string | false'),
    ignore: checkFunction(where, 'ignore', o.ignore, '(error) => boolean') ?? d.ignore,
    onAttempt: instant && d.warnInstantPass ? instantPassReporter(where, d.warnInstantPass, onAttempt) : onAttempt,
    signal,
    message:
      message === undefined ? undefined : typeof message === 'string' ? () => message : (message as () => string),
    context: checkFunction(where, 'context', o.context, '() => unknown') ?? d.context,
    wakeOn: checkWakeOn(where, o.wakeOn),
    time: o.clock === undefined ? realTimeSource : virtualTimeSource(o.clock),
    realFloor: checkDuration(where, 'realFloor', o.realFloor) ?? d.realFloor ?? DEFAULT_REAL_FLOOR,
    testTimeoutMargin: d.testTimeoutMargin ?? builtInDefaults.testTimeoutMargin,
  };
}
