/**
 * `record(emitter, events)`: a live, read-only, bounded list of what an EventEmitter or EventTarget
 * emitted, so a test needs no counter and no listener of its own. The list is three things at once:
 *
 * - an array to read (`done.length`, `done[0]`, `done.map(…)`, `[...done]`), which refuses writes;
 * - a probe: calling it returns a copy of the entries (`expect(done).toEventually(list => …)`);
 * - a `wakeOn` source: each emission re-checks the poll at once (poll/wake.ts, WAKE_SOURCE).
 *
 * Its listeners are removed when the running test ends (its state's `ended` signal), by `stop()`, or by
 * `using` (`Symbol.dispose`); outside a test only `stop()` removes them.
 */
import { inspectCustom } from '../runtime/builtins.ts';
import { checkOptions } from '../options/checkOptions.ts';
import type { WakeSubscriber } from '../options/types.ts';
import { argumentError, describeValue } from '../options/checkMs.ts';
import { WAKE_SOURCE } from '../poll/wakeSource.ts';
import { currentTestState } from '../runner/testState.ts';
import { monotonicNow } from '../time/realTime.ts';

/** One emission. */
export interface RecordedEvent<T = unknown> {
  /** The event's name (for an EventTarget, its `type`). */
  readonly event: string | symbol;
  /** Ms since `record()` was called (real, monotonic time: fake timers do not move it). */
  readonly at: number;
  /** The listener's arguments (an EventTarget passes one: the Event). */
  readonly args: readonly unknown[];
  /** `map(...args)` when `map` was given, else the first argument. */
  readonly value: T;
  /** What `map` threw, if it did (the emitter is never disturbed by it; `value` is then undefined). */
  readonly error?: unknown;
}

/** Options of `record()`. */
export interface RecordOptions<T = unknown> {
  /** Turns a listener's arguments into the entry's `value`, e.g. `(job) => job.id`. */
  map?: (...args: never[]) => T;
  /** How many entries are kept; beyond it the oldest are dropped (and counted in `dropped`). Default 10 000. */
  limit?: number;
}

/** The live list `record()` returns. Reads like a read-only array; calling it returns a copy of the entries. */
export interface Recording<T = unknown> extends ReadonlyArray<RecordedEvent<T>>, WakeSubscriber {
  /** A copy of the entries now: what makes the recording a probe. */
  (): RecordedEvent<T>[];
  /** How many were emitted in all, dropped ones included. */
  readonly total: number;
  /** How many of the oldest entries were dropped to stay within `limit`. */
  readonly dropped: number;
  /** Whether the listeners were removed (by stop(), dispose, or the end of the test). */
  readonly stopped: boolean;
  /** Removes the listeners (idempotent). The entries stay readable. */
  stop(): void;
  /** The same as `stop()`, for `using rec = record(...)`. */
  [Symbol.dispose](): void;
}

export const DEFAULT_RECORD_LIMIT = 10_000;
const WHERE = 'record()';
const MUTATORS = new Set(['push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin']);

type Listener = (...args: unknown[]) => void;
type EmitterLike = Record<string, ((...args: unknown[]) => unknown) | undefined>;

/** Attaches `listener` to each event; returns the function that detaches every one. */
function attach(
  emitter: EmitterLike,
  events: readonly (string | symbol)[],
  listener: (event: string | symbol) => Listener,
): () => void {
  const detach: (() => void)[] = [];
  for (const event of events) {
    const fn = listener(event);
    if (typeof emitter.addEventListener === 'function') {
      emitter.addEventListener(event, fn);
      detach.push(() => emitter.removeEventListener!(event, fn));
    } else {
      emitter.on!(event, fn);
      detach.push(() => (emitter.off ?? emitter.removeListener)!.call(emitter, event, fn));
    }
  }
  return () => {
    for (const off of detach.splice(0)) off();
  };
}

function checkEmitter(emitter: unknown): EmitterLike {
  const e = emitter as EmitterLike | null;
  const ok =
    e !== null &&
    (typeof e === 'object' || typeof e === 'function') &&
    ((typeof e.addEventListener === 'function' && typeof e.removeEventListener === 'function') ||
      (typeof e.on === 'function' && (typeof e.off === 'function' || typeof e.removeListener === 'function')));
  if (!ok)
    throw argumentError(
      WHERE,
      `\`emitter\` must be an EventEmitter (on/off) or an EventTarget (addEventListener/removeEventListener), got ${describeValue(emitter)}.`,
    );
  return e;
}

function checkEvents(events: unknown): (string | symbol)[] {
  const list = Array.isArray(events) ? events : [events];
  const ok =
    list.length > 0 && list.every((name) => (typeof name === 'string' && name !== '') || typeof name === 'symbol');
  if (!ok)
    throw argumentError(
      WHERE,
      `\`events\` must be an event name (a non-empty string or a symbol) or a non-empty list of them, got ${describeValue(events)}.`,
    );
  return [...new Set(list as (string | symbol)[])];
}

function checkRecordOptions(options: unknown): { map: ((...args: unknown[]) => unknown) | undefined; limit: number } {
  const o = checkOptions(WHERE, options, ['map', 'limit']);
  if (o.map !== undefined && typeof o.map !== 'function')
    throw argumentError(WHERE, `\`map\` must be a function (...args) => value, got ${describeValue(o.map)}.`);
  const limit = o.limit ?? DEFAULT_RECORD_LIMIT;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1)
    throw argumentError(WHERE, `\`limit\` must be a whole number >= 1, got ${describeValue(limit)}.`);
  return { map: o.map as ((...args: unknown[]) => unknown) | undefined, limit };
}

/** One frozen entry; what `map` throws is kept on it, never thrown at the emitter. */
function entryOf<T>(
  event: string | symbol,
  args: unknown[],
  map: ((...args: unknown[]) => unknown) | undefined,
  start: number,
): RecordedEvent<T> {
  let value: unknown = args[0];
  let error: unknown;
  let failed = false;
  if (map) {
    try {
      value = map(...args);
    } catch (thrown) {
      [value, error, failed] = [undefined, thrown, true];
    }
  }
  return Object.freeze({
    event,
    at: monotonicNow() - start,
    args: Object.freeze(args),
    value: value as T,
    ...(failed ? { error } : {}),
  });
}

/** The read-only array view of `entries`, callable as a probe; `own` are its live members (getters by key). */
function recordingProxy<T>(
  entries: RecordedEvent<T>[],
  own: Record<string | symbol, unknown>,
  describe: () => string,
): Recording<T> {
  const readOnly = (): never => {
    throw new TypeError(
      `${WHERE}: a recording is read-only (it lists what the emitter emitted); copy it first (\`[...recording]\`) to change the list.`,
    );
  };
  const probe = (): RecordedEvent<T>[] => entries.slice();
  // util.inspect shows a proxy's target, not what its traps say: the description lives on the target too.
  Object.defineProperty(probe, inspectCustom, { value: describe });
  return new Proxy(probe, {
    apply: () => entries.slice(),
    get(fn, key) {
      if (Object.hasOwn(own, key)) return (own[key] as () => unknown)();
      if (typeof key === 'string') {
        if (/^(0|[1-9]\d*)$/.test(key)) return entries[Number(key)];
        if (MUTATORS.has(key)) return readOnly;
        const method = (Array.prototype as unknown as Record<string, unknown>)[key];
        if (typeof method === 'function')
          return (...args: unknown[]) => (method as (...a: unknown[]) => unknown).apply(entries.slice(), args);
      }
      return Reflect.get(fn, key);
    },
    has: (fn, key) =>
      Object.hasOwn(own, key) ||
      (typeof key === 'string' && /^(0|[1-9]\d*)$/.test(key) && Number(key) < entries.length) ||
      Reflect.has(fn, key),
    set: readOnly,
    defineProperty: readOnly,
    deleteProperty: readOnly,
    setPrototypeOf: readOnly,
  }) as unknown as Recording<T>;
}

/**
 * Records `events` emitted by `emitter` from now on.
 *
 * @example
 * const done = record(worker, 'completed', { map: (job) => job.id })
 * await expect(() => done.length).toEventuallyBe(5, { wakeOn: done })
 * expect(done.map((e) => e.value)).toEqual(['1', '2', '3', '4', '5'])
 */
export function record<T = unknown>(
  emitter: unknown,
  events: string | symbol | readonly (string | symbol)[],
  options?: RecordOptions<T>,
): Recording<T> {
  const target = checkEmitter(emitter);
  const names = checkEvents(events);
  const { map, limit } = checkRecordOptions(options);
  const entries: RecordedEvent<T>[] = [];
  const wakers = new Set<() => void>();
  const start = monotonicNow();
  let total = 0;
  let stopped = false;

  const onEmit =
    (event: string | symbol) =>
    (...args: unknown[]) => {
      const entry = entryOf<T>(event, args, map, start);
      total++;
      if (entries.length >= limit) entries.shift();
      entries.push(entry);
      for (const wake of [...wakers]) wake();
    };
  const detach = attach(target, names, onEmit);

  const state = currentTestState();
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    detach();
    state?.ended.removeEventListener('abort', stop);
  };
  if (state) {
    if (state.ended.aborted) stop();
    else state.ended.addEventListener('abort', stop, { once: true });
  }

  const subscribe = (recheck: () => void): (() => void) => {
    wakers.add(recheck);
    return () => wakers.delete(recheck);
  };
  const describe = (): string =>
    `Recording(${names.map(String).join(', ')}) [${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}${total > entries.length ? `, ${total - entries.length} earlier dropped (limit ${limit})` : ''}${stopped ? ', stopped' : ''}]`;
  const own: Record<string | symbol, unknown> = {
    total: () => total,
    dropped: () => total - entries.length,
    stopped: () => stopped,
    stop: () => stop,
    [Symbol.dispose]: () => stop,
    [WAKE_SOURCE]: () => subscribe,
    [Symbol.iterator]: () => () => entries.slice()[Symbol.iterator](),
    [inspectCustom]: () => describe,
    toString: () => describe,
    // JSON.stringify(recording) would otherwise drop it (a function): the entries, as a plain array.
    toJSON: () => () => entries.slice(),
    length: () => entries.length,
  };
  return recordingProxy<T>(entries, own, describe);
}
