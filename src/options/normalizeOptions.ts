import type {
  AttemptInfo,
  Backoff,
  ConfigurableOptions,
  ConsistentlyOptions,
  EventuallyOptions,
  Interval,
  WakeSource,
} from './types.ts';
import { builtInDefaults, configuredDefaults } from './defaults.ts';
import { checkOptions, type MisplacedHint } from './checkOptions.ts';
import { argumentError, checkMs, describeValue } from './checkMs.ts';
import { isWindowGoal, type Goal } from '../poll/goal.ts';
import { checkFingerprintFields } from '../helpers/fingerprint.ts';
import { isVirtualClock, realTimeSource, virtualTimeSource, type TimeSource } from '../time/TimeSource.ts';
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

export { argumentError };

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

function checkDuration(
  where: string,
  name: string,
  value: unknown,
  options: { allowZero?: boolean } = {},
): number | undefined {
  return value === undefined ? undefined : checkMs(where, name, value, options);
}

function checkCount(where: string, name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw argumentError(where, `\`${name}\` must be a whole number >= 1, got ${describeValue(value)}.`);
  }
  return value;
}

function checkFunction<F>(where: string, name: string, value: unknown, shape: string): F | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function')
    throw argumentError(where, `\`${name}\` must be a function ${shape}, got ${describeValue(value)}.`);
  return value as F;
}

export function checkInterval(where: string, value: unknown): Interval | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return checkDuration(where, 'interval', value);
  if (Array.isArray(value)) {
    if (value.length === 0)
      throw argumentError(where, '`interval` as a list needs at least one pause in ms, got an empty array.');
    value.forEach((entry, i) => checkDuration(where, `interval[${i}]`, entry));
    return value as number[];
  }
  if (value !== null && typeof value === 'object') {
    const backoff = value as Partial<Backoff> & Record<string, unknown>;
    checkOptions(`${where} (interval)`, backoff, ['initial', 'factor', 'max', 'jitter']);
    checkDuration(where, 'interval.initial', backoff.initial);
    if (backoff.initial === undefined)
      throw argumentError(
        where,
        '`interval.initial` is required in a backoff interval ({ initial, factor?, max?, jitter? }).',
      );
    if (
      backoff.factor !== undefined &&
      (typeof backoff.factor !== 'number' || !Number.isFinite(backoff.factor) || backoff.factor < 1)
    ) {
      throw argumentError(
        where,
        `\`interval.factor\` must be a finite number >= 1, got ${describeValue(backoff.factor)}.`,
      );
    }
    checkDuration(where, 'interval.max', backoff.max);
    if (backoff.max !== undefined && backoff.max < backoff.initial) {
      throw argumentError(
        where,
        `\`interval.max\` (${backoff.max}) must not be less than \`interval.initial\` (${backoff.initial}).`,
      );
    }
    if (
      backoff.jitter !== undefined &&
      (typeof backoff.jitter !== 'number' || !(backoff.jitter >= 0 && backoff.jitter <= 1))
    ) {
      throw argumentError(
        where,
        `\`interval.jitter\` must be a fraction between 0 and 1, got ${describeValue(backoff.jitter)}.`,
      );
    }
    return backoff as Backoff;
  }
  throw argumentError(
    where,
    `\`interval\` must be a number of ms, a list of them, or { initial, factor, max, jitter }, got ${describeValue(value)}.`,
  );
}

function checkWakeOn(where: string, value: unknown): WakeSource[] {
  if (value === undefined) return [];
  const isPair =
    Array.isArray(value) &&
    value.length === 2 &&
    typeof value[0] === 'object' &&
    value[0] !== null &&
    (typeof value[1] === 'string' || typeof value[1] === 'symbol');
  const list: unknown[] = typeof value === 'function' || isPair ? [value] : Array.isArray(value) ? value : [value];
  return list.map((source, i) => {
    if (typeof source === 'function') return source as WakeSource;
    if (Array.isArray(source) && source.length === 2 && source[0] !== null && typeof source[0] === 'object') {
      const target = source[0] as Record<string, unknown>;
      if (typeof target.on === 'function' || typeof target.addEventListener === 'function')
        return source as unknown as WakeSource;
    }
    throw argumentError(
      where,
      `\`wakeOn${list.length > 1 ? `[${i}]` : ''}\` must be [emitter, eventName] (an EventEmitter or EventTarget) or a function (recheck) => unsubscribe, got ${describeValue(source)}.`,
    );
  });
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
  ) as EventuallyOptions & ConsistentlyOptions & Record<string, unknown>;
  const d = ownDefaults ?? configuredDefaults();
  const windowName = kind === 'eventually' ? 'timeout' : 'for';
  const window =
    infiniteTimeout(where, kind, o) ??
    checkDuration(where, windowName, kind === 'eventually' ? o.timeout : o.for) ??
    (kind === 'eventually' ? (d.timeout ?? builtInDefaults.timeout) : (d.for ?? builtInDefaults.for));
  const stableFor = checkDuration(where, 'stableFor', o.stableFor) ?? 0;
  const passes = checkCount(where, 'passes', o.passes) ?? 1;
  const notBefore = checkDuration(where, 'notBefore', o.notBefore);
  if (stableFor > 0 && stableFor >= window) {
    throw argumentError(
      where,
      `\`stableFor\` (${stableFor} ms) must be shorter than \`timeout\` (${window} ms): the condition has to hold for stableFor inside the window.`,
    );
  }
  if (notBefore !== undefined && notBefore >= window) {
    throw argumentError(
      where,
      `\`notBefore\` (${notBefore} ms) must be shorter than \`timeout\` (${window} ms), or nothing could ever pass.`,
    );
  }
  const attemptTimeout =
    checkDuration(where, 'attemptTimeout', o.attemptTimeout, { allowZero: false }) ?? d.attemptTimeout;
  const maxAttempts = maxAttemptsFor(where, o, d.maxAttempts, goal);
  if (passes > 1 && maxAttempts !== undefined && passes > maxAttempts) {
    throw argumentError(where, `\`passes\` (${passes}) cannot be reached within \`maxAttempts\` (${maxAttempts}).`);
  }
  const signal = o.signal;
  if (
    signal !== undefined &&
    !(
      typeof signal === 'object' &&
      signal !== null &&
      typeof (signal as AbortSignal).aborted === 'boolean' &&
      typeof (signal as AbortSignal).addEventListener === 'function'
    )
  ) {
    throw argumentError(where, `\`signal\` must be an AbortSignal, got ${describeValue(signal)}.`);
  }
  if (o.clock !== undefined && !isVirtualClock(o.clock)) {
    throw argumentError(where, `\`clock\` must be a TestClock (from 'unflake/clock'), got ${describeValue(o.clock)}.`);
  }
  const message = o.message;
  if (message !== undefined && typeof message !== 'string' && typeof message !== 'function') {
    throw argumentError(
      where,
      `\`message\` must be a string or a function returning one, got ${describeValue(message)}.`,
    );
  }
  const from = fromFor(where, o, goal);
  const onAttempt = checkFunction<PollSettings['onAttempt']>(
    where,
    'onAttempt',
    o.onAttempt,
    '(info: { attempt, at, value?, error?, held }) => void',
  );
  const instant =
    kind === 'eventually' &&
    from === undefined &&
    stableFor === 0 &&
    passes === 1 &&
    notBefore === undefined &&
    (goal ?? 'eventually') === 'eventually';
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
