/** The checks of single option values, each throwing a TypeError that names the option and what it takes. */
import type { Backoff, Interval, WakeSource } from './types.ts';
import { checkOptions } from './checkOptions.ts';
import { argumentError, checkMs, describeValue } from './checkMs.ts';
import { isVirtualClock } from '../time/TimeSource.ts';

export function checkDuration(
  where: string,
  name: string,
  value: unknown,
  options: { allowZero?: boolean } = {},
): number | undefined {
  return value === undefined ? undefined : checkMs(where, name, value, options);
}

export function checkCount(where: string, name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw argumentError(where, `\`${name}\` must be a whole number >= 1, got ${describeValue(value)}.`);
  }
  return value;
}

export function checkFunction<F>(where: string, name: string, value: unknown, shape: string): F | undefined {
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

export function checkWakeOn(where: string, value: unknown): WakeSource[] {
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

/** `signal`, `clock` and `message`, checked in that order. */
export function checkHandles(
  where: string,
  o: Record<string, unknown>,
): { signal: AbortSignal | undefined; message: string | (() => string) | undefined } {
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
  return { signal: signal as AbortSignal | undefined, message: message as string | (() => string) | undefined };
}

/** `stableFor` and `notBefore` must leave room inside the window. */
export function checkInsideWindow(
  where: string,
  window: number,
  stableFor: number,
  notBefore: number | undefined,
): void {
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
}
