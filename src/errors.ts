import type { EndReason, PollResult, TimelineEntry } from './poll/PollResult.ts';
import { brand, hasBrand, type Brand } from './runtime/brand.ts';

/** Thrown (by `stop()`) from a probe or check: the poll fails at once with this reason. */
export class StopError extends Error {
  /** Always `'StopError'`, the class's name. */
  override name = 'StopError';
  /** Why the wait cannot succeed, as given to `stop()`. */
  readonly reason: string;
  constructor(reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.reason = reason;
    brand(this, 'stop');
  }
  /** Every copy of the library (ESM, CJS, each entry point) recognises every other copy's StopError. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, 'stop');
  }
}

/**
 * A mistake in how unflake's own API was used inside a probe or check (`stop(42)`, a `failWhen` that
 * returns a number): a TypeError the engine never treats as "not yet", so it fails at once.
 */
export function usageError(where: string, message: string): TypeError {
  return brand(new TypeError(`${where}: ${message}`), 'usage');
}

/**
 * Ends the surrounding poll at once, as a failure, with `reason`: for terminal states the system
 * will never leave ("order was cancelled"). Call it (or `throw stop(...)`) inside a probe or check.
 *
 * @example await eventually(async () => { const o = await api.order(id); if (o.status === 'failed') stop(`order failed: ${o.error}`); return o; }, o => o.status === 'paid')
 */
export function stop(reason: string, options?: { cause?: unknown }): never {
  if (typeof reason !== 'string' || reason === '')
    throw usageError(
      'stop()',
      `\`reason\` must be a non-empty string saying why the wait cannot succeed, got ${typeof reason === 'string' ? 'an empty string' : typeof reason}.`,
    );
  if (options !== undefined && (options === null || typeof options !== 'object'))
    throw usageError('stop()', `\`options\` must be { cause }, got ${options === null ? 'null' : typeof options}.`);
  throw new StopError(reason, options);
}

/** Thrown (by `retryAfter()`): "not yet, and not before `ms`", as an HTTP 429/503 `Retry-After` says. */
export class RetryAfterError extends Error {
  /** Always `'RetryAfterError'`, the class's name. */
  override name = 'RetryAfterError';
  /** How long the next attempt waits at least (never past the deadline). */
  readonly ms: number;
  constructor(ms: number, reason: string | undefined) {
    super(`retry after ${ms} ms${reason ? `: ${reason}` : ''}`);
    this.ms = ms;
    brand(this, 'retry-after');
  }
  /** Every copy of the library (ESM, CJS, each entry point) recognises every other copy's RetryAfterError. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, 'retry-after');
  }
}

/**
 * Ends this attempt as "not yet" and makes the next one wait at least `ms` (never past the deadline):
 * for a probe that was told to back off (HTTP 429/503). The timeline shows it.
 *
 * @example await eventually(async () => { const r = await fetch(url); if (r.status === 429) retryAfter(Number(r.headers.get('retry-after')) * 1000, 'rate limited'); return r.json(); })
 */
export function retryAfter(ms: number, reason?: string): never {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0)
    throw usageError(
      'retryAfter()',
      `\`ms\` must be a finite number of milliseconds >= 0, got ${typeof ms === 'number' ? ms : typeof ms}.`,
    );
  if (reason !== undefined && typeof reason !== 'string')
    throw usageError('retryAfter()', `\`reason\` must be a string, got ${typeof reason}.`);
  throw new RetryAfterError(ms, reason);
}

/** Thrown (by `settled()`) from a window assertion's probe or check: the system can no longer change. */
export class SettledError extends Error {
  /** Always `'SettledError'`, the class's name. */
  override name = 'SettledError';
  /** Why the system can no longer change, as given to `settled()`. */
  readonly reason: string;
  constructor(reason: string) {
    super(reason);
    this.reason = reason;
    brand(this, 'settled');
  }
  /** Every copy of the library (ESM, CJS, each entry point) recognises every other copy's SettledError. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, 'settled');
  }
}

/**
 * In a window assertion (`toConsistently*`, `.not.toEventually*`, `consistently()`): the system has
 * reached a state it can no longer leave, so the window passes now (Gomega's `StopTrying().Successfully()`).
 * Anywhere else it is a usage error, reported at once.
 *
 * @example await expect(() => job.status()).toConsistently((s) => { if (s === 'archived') settled('the job is archived'); return s !== 'failed'; }, { for: 10_000 })
 */
export function settled(reason: string): never {
  if (typeof reason !== 'string' || reason === '')
    throw usageError(
      'settled()',
      `\`reason\` must be a non-empty string saying why the system can no longer change, got ${typeof reason === 'string' ? 'an empty string' : typeof reason}.`,
    );
  throw new SettledError(reason);
}

/** An attempt that did not settle within `attemptTimeout` (or the deadline): the reason its signal was aborted. */
export class AttemptTimeoutError extends Error {
  /** Always `'AttemptTimeoutError'`, the class's name. */
  override name = 'AttemptTimeoutError';
}

/** The failure of `eventually()` / `consistently()`, carrying the poll's data. */
export class PollError<T = unknown> extends Error {
  /** Always `'PollError'`, the class's name. */
  override name = 'PollError';
  /** `instanceof` by brand: an error thrown by another copy of the library (ESM/CJS, another entry) still matches. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, this.brandName);
  }
  // Explicit, not the class's `name`: a bundler may rename classes (EventuallyError2).
  /** @internal The brand that `instanceof` looks for. */
  static readonly brandName: Brand = 'PollError';
  /** Why the poll ended. */
  readonly reason: EndReason;
  /** Attempts made (completed or abandoned at the deadline). */
  readonly attempts: number;
  /** Real ms the poll ran. */
  readonly elapsed: number;
  /** Every attempt, oldest first: when it ran, what it saw and whether it held (the message's timeline). */
  readonly timeline: readonly TimelineEntry[];
  /** The value the last completed attempt returned, if it returned one. */
  readonly lastValue: T | undefined;
  /** What the last attempt threw (the probe's error or the failed check), if it threw; also the `cause`. */
  readonly lastError: unknown;
  /** What `context` returned, if it was given. */
  readonly context: unknown;
  constructor(message: string, result: PollResult<T>, context: unknown) {
    super(message, { cause: result.lastError });
    this.reason = result.reason;
    this.attempts = result.attempts;
    this.elapsed = result.elapsed;
    this.timeline = result.timeline;
    this.lastValue = result.lastValue;
    this.lastError = result.lastError;
    this.context = context;
    // The class and its parents: an EventuallyError is also a PollError in every copy of the library.
    for (let c = new.target as unknown as { brandName?: Brand } | null; c?.brandName; c = Object.getPrototypeOf(c)) {
      if (Object.hasOwn(c, 'brandName')) brand(this, c.brandName);
    }
  }
}

/** `eventually()` did not see its condition hold in time (or was stopped). */
export class EventuallyError<T = unknown> extends PollError<T> {
  /** Always `'EventuallyError'`, the class's name. */
  override name = 'EventuallyError';
  /** @internal */
  static override readonly brandName: Brand = 'EventuallyError';
}

/** `consistently()` saw its condition fail within the window. */
export class ConsistentlyError<T = unknown> extends PollError<T> {
  /** Always `'ConsistentlyError'`, the class's name. */
  override name = 'ConsistentlyError';
  /** @internal */
  static override readonly brandName: Brand = 'ConsistentlyError';
}
