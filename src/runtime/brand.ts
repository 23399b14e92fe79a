/**
 * Brands instead of `instanceof`: two copies of the library (ESM and CJS, or two entry points) have two
 * `StopError` classes, and a `stop()` from one must stop a poll run by the other.
 */
export type Brand =
  | 'stop'
  | 'usage'
  | 'retry-after'
  | 'settled'
  | 'PollError'
  | 'EventuallyError'
  | 'ConsistentlyError'
  | 'ReadinessError';

export function brandOf(name: Brand): symbol {
  return Symbol.for(`unflake.brand.${name}`);
}

/** Marks an error object as one of unflake's own kinds. */
export function brand<E extends object>(error: E, name: Brand): E {
  Object.defineProperty(error, brandOf(name), { value: true, enumerable: false });
  return error;
}

export function hasBrand(value: unknown, name: Brand): boolean {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  try {
    return (value as Record<symbol, unknown>)[brandOf(name)] === true;
  } catch {
    return false; // a revoked Proxy, a throwing trap: not ours
  }
}

/**
 * The first branded error in `value`'s `cause` chain (`value` itself first), bounded against cycles.
 * The walk stops at an unflake poll failure: a nested `eventually()` that failed carries its own probe's
 * `stop`/`settled`/`retryAfter` as its cause, and those were meant for that poll, not the one around it.
 */
export function findBranded(value: unknown, name: Brand, depth = 8): unknown {
  let current = value;
  for (let i = 0; i < depth && current !== null && typeof current === 'object'; i++) {
    if (hasBrand(current, name)) return current;
    if (name !== 'PollError' && hasBrand(current, 'PollError')) return undefined;
    try {
      current = (current as { cause?: unknown }).cause;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
