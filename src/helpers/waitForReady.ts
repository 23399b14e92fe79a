/**
 * waitForReady: wait on a service's health *contract* (HTTP success, overall status ok, every
 * dependency check ok, the expected build) instead of on wall-clock time.
 *
 * This file orchestrates: it checks the arguments, runs the poll engine and returns or throws. Health
 * payloads are judged in health.ts, one attempt's response is read in httpAttempt.ts, and the failure
 * report is report/formatReadiness.ts. It runs on real time whatever fake timers a test installed,
 * with its own exponential backoff with jitter (p-retry would freeze under fake timers and is
 * ESM-only), honours a 429/503 `Retry-After`, and inside a test ends before the test's own timeout.
 */
import { argumentError, checkMs, describeValue } from '../options/checkMs.ts';
import { checkOptions } from '../options/checkOptions.ts';
import { configuredDefaults } from '../options/defaults.ts';
import { normalizeOptions } from '../options/normalizeOptions.ts';
import type { Backoff, ConfigurableOptions, Interval } from '../options/types.ts';
import { poll } from '../poll/poll.ts';
import type { EndReason } from '../poll/PollResult.ts';
import { formatReadiness } from '../report/formatReadiness.ts';
import { currentTestState, currentTestWindow, startWork } from '../runner/testState.ts';
import { trackAwait } from '../runner/trackAwait.ts';
import { brand, hasBrand } from '../runtime/brand.ts';
import { monotonicNow } from '../time/realTime.ts';
import { fingerprintSection } from './fingerprint.ts';
import { checkBuildField, judge, type BuildField, type HealthReading, type NotReadyReason } from './health.ts';
import type { HealthResponseLike } from './httpAttempt.ts';
import type { ReadinessAttempt } from './readinessAttempt.ts';
import { attemptFor, isOwnTypeError, WHERE, type HealthProbe, type Source } from './readyAttempt.ts';

export { judge, type NotReadyReason, type HealthResponseLike, type HealthProbe };

/** Options of `waitForReady()`. */
export interface WaitForReadyOptions {
  /** Overall window in ms. Default 60 000 (and never past the running test's own timeout). */
  timeout?: number;
  /** The build the service must report (a git SHA, a release id); a different one is a stale build. */
  expectedBuild?: string | undefined;
  /**
   * Where the service reports its build: a dotted path into the body (`'meta.release.sha'`) or a
   * function `(body, headers) => string | undefined`. Default: the first of `buildSha`, `gitSha`,
   * `commitSha`, `sha`, `commit`, … `version` (BUILD_PATHS in health.ts) and the `x-build-id` header.
   */
  buildField?: BuildField | undefined;
  /** Only these checks are required (each must be present and ok); by default every check must be ok. */
  checks?: readonly string[];
  /** Request headers (authorization, host, …). */
  headers?: Record<string, string>;
  /** Pause between attempts. Default: backoff `{ initial: 100, factor: 2, max: 2000, jitter: 0.2 }`. A 429/503 `Retry-After` lengthens the next one. */
  interval?: Interval;
  /** Per-attempt (per-address) limit in ms for a response. Default 5000. */
  attemptTimeout?: number;
  /** Ends the wait (as a failure) when aborted. */
  signal?: AbortSignal;
}

export const DEFAULT_READY_BACKOFF: Required<Backoff> = { initial: 100, factor: 2, max: 2_000, jitter: 0.2 };
export const DEFAULT_READY_TIMEOUT = 60_000;
const DEFAULT_ATTEMPT_TIMEOUT = 5_000;

export type { ReadinessAttempt };

/** What `waitForReady()` resolves to once the service is ready. */
export interface ReadyResult {
  /** The health URL polled, or `'probe'` when a probe function was given. */
  url: string;
  /** How many attempts it took. */
  attempts: number;
  /** Ms from the first attempt until ready. */
  elapsed: number;
  /** The build the service reported on the ready attempt, if it reported one. */
  build: string | undefined;
  /** The health body read on the ready attempt (its status and checks), if it had one. */
  health: HealthReading | undefined;
}

/** The service did not become ready; carries every attempt. */
export class ReadinessError extends Error {
  /** Always `'ReadinessError'`. */
  override name = 'ReadinessError';
  /** The health URL polled, or `'probe'`. */
  readonly target: string;
  /** Why the wait ended (the window ran out, the signal aborted, the test ended, …). */
  readonly reason: EndReason;
  /** Ms from the first attempt to the end. */
  readonly elapsed: number;
  /** Every attempt, in order: what each saw and why it was not ready. */
  readonly attempts: readonly ReadinessAttempt[];
  /** The last attempt (undefined when none was made). */
  readonly last: ReadinessAttempt | undefined;
  constructor(message: string, target: string, reason: EndReason, elapsed: number, attempts: ReadinessAttempt[]) {
    super(message);
    this.target = target;
    this.reason = reason;
    this.elapsed = elapsed;
    this.attempts = attempts;
    this.last = attempts[attempts.length - 1];
    brand(this, 'ReadinessError');
  }
  /** `instanceof` by brand, across copies of the library (ESM/CJS, entry points). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, 'ReadinessError');
  }
}

const OPTION_KEYS = [
  'timeout',
  'expectedBuild',
  'buildField',
  'checks',
  'headers',
  'interval',
  'attemptTimeout',
  'signal',
];

function checkSource(target: unknown): Source {
  if (typeof target === 'function') return { probe: target as HealthProbe };
  if (typeof target !== 'string' && !(target instanceof URL))
    throw argumentError(
      WHERE,
      `the first argument must be a health URL or a probe function returning { status, body, headers }, got ${describeValue(target)}.`,
    );
  let url: URL;
  try {
    url = new URL(String(target));
  } catch {
    throw argumentError(
      WHERE,
      `\`url\` must be an absolute http(s) URL such as http://localhost:8080/health, got ${describeValue(String(target))}.`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw argumentError(WHERE, `\`url\` must use http: or https:, got ${url.protocol}`);
  return { url };
}

/** Checks waitForReady's own options; `timeout`, `interval` and `signal` are normalizeOptions' to check. */
function checkReadyOptions(options: unknown): WaitForReadyOptions {
  const o = checkOptions(WHERE, options, OPTION_KEYS) as WaitForReadyOptions;
  if (o.expectedBuild !== undefined && (typeof o.expectedBuild !== 'string' || o.expectedBuild.trim() === ''))
    throw argumentError(
      WHERE,
      `\`expectedBuild\` must be a non-empty string (a git SHA or release id), got ${describeValue(o.expectedBuild)}.`,
    );
  checkBuildField(WHERE, o.buildField);
  if (o.checks !== undefined && (!Array.isArray(o.checks) || o.checks.some((c) => typeof c !== 'string' || c === '')))
    throw argumentError(WHERE, "`checks` must be an array of check names, such as ['db', 'broker'].");
  if (
    o.headers !== undefined &&
    (typeof o.headers !== 'object' || o.headers === null || Object.values(o.headers).some((v) => typeof v !== 'string'))
  )
    throw argumentError(WHERE, '`headers` must be an object of string values.');
  if (o.attemptTimeout !== undefined) checkMs(WHERE, 'attemptTimeout', o.attemptTimeout, { allowZero: false });
  return o;
}

/**
 * waitForReady's defaults, in place of configure()'s: those are for assertions (an attemptTimeout, an
 * ignore, a context), not for waiting on a service. The margin before the test's own timeout is the
 * runner's setting, so configure()'s applies.
 */
function readyDefaults(): ConfigurableOptions {
  return {
    timeout: DEFAULT_READY_TIMEOUT,
    interval: DEFAULT_READY_BACKOFF,
    testTimeoutMargin: configuredDefaults().testTimeoutMargin,
  };
}

/**
 * Waits until the service is ready, and resolves to what it reported; rejects with a
 * `ReadinessError` whose message is a timeline of attempts, the last body and the failing checks.
 *
 * @example await waitForReady('http://localhost:8080/health', { expectedBuild: process.env.GIT_SHA, timeout: 60_000 })
 */
export function waitForReady(target: string | URL | HealthProbe, options?: WaitForReadyOptions): Promise<ReadyResult> {
  const test = currentTestState();
  const run = waitUntilReady(target, options);
  if (!test) return run;
  const label = typeof target === 'string' || target instanceof URL ? String(target) : 'probe';
  return trackAwait(
    startWork(test, () => `waitForReady(${label})`),
    run,
    () => ({ passed: true }),
  );
}

async function waitUntilReady(target: string | URL | HealthProbe, options?: WaitForReadyOptions): Promise<ReadyResult> {
  const o = checkReadyOptions(options);
  const source = checkSource(target);
  const label = 'url' in source ? source.url.href : 'probe';
  // The attempt bounds itself (per address, attemptTimeout), so a slow response is recorded as such.
  const settings = normalizeOptions(
    WHERE,
    'eventually',
    { timeout: o.timeout, interval: o.interval, signal: o.signal, ignore: (error: unknown) => !isOwnTypeError(error) },
    'eventually',
    readyDefaults(),
  );
  const attempts: ReadinessAttempt[] = [];
  const start = monotonicNow();
  const attemptOnce = attemptFor(
    source,
    o,
    o.attemptTimeout ?? Math.min(DEFAULT_ATTEMPT_TIMEOUT, settings.window),
    start,
    attempts,
  );
  const test = currentTestState();
  const result = await poll<ReadinessAttempt>({
    probe: attemptOnce,
    holds: (record) => record.ready,
    goal: 'eventually',
    settings,
    testWindow: test?.window() ?? currentTestWindow(),
    testEnded: test?.ended,
    name: 'waitForReady',
  });
  const elapsed = monotonicNow() - start;
  if (result.passed) {
    const last = attempts[attempts.length - 1]!;
    return { url: label, attempts: result.attempts, elapsed, build: last.build, health: last.health };
  }
  if (result.reason.kind === 'not-ignorable') throw result.reason.error;
  // Ended by its test's end (or an abort): never "ready"; ReadinessError says why it stopped.
  const message = formatReadiness({
    label,
    reason: result.reason,
    elapsed,
    attempts,
    interval: settings.interval,
    inFlightAtEnd: result.inFlightAtEnd,
    fingerprint: fingerprintSection(),
  });
  throw new ReadinessError(message, label, result.reason, elapsed, attempts);
}
