/** Options of the delivery-semantics matchers, validated once at the call. */
import { argumentError, checkMs, describeValue } from '../options/checkMs.ts';
import { checkOptions } from '../options/checkOptions.ts';
import type { Delivery } from './deliveryPlan.ts';
import { parseSchedule } from './schedule.ts';
import { describeEvent } from './describeEvent.ts';
import { toRecorders, type Effects, type EffectRecorder } from './effects.ts';

/** Options of `toBeIdempotent(events, options)`. */
export interface IdempotenceOptions {
  /** Returns the state to compare (a snapshot is deep-copied). */
  state?: () => unknown;
  /** Side effects that must not be called again: vi.fn()/jest.fn() mocks, arrays, or () => calls. */
  effects?: Effects;
  /** Deliveries in all, the first included. Default 2. */
  times?: number;
  /** Deliver the duplicates while the first delivery is still running (the check-then-act race). Needs `reset`. */
  concurrent?: boolean;
  /** State paths to leave out of the comparison: `updatedAt`, `ledger.*.at`. */
  ignore?: readonly string[];
  /** Restores a fresh state: enables the nondeterminism check and `concurrent`. */
  reset?: () => unknown;
  /** Ms a handler call (or `reset`/`state`) may take before it counts as hung. Default: the time left before the test's deadline (5 s outside a test). */
  deliveryTimeout?: number;
  /** Turns what `state()` returned into plain data when it holds something that cannot be copied (the result is copied in turn). */
  snapshot?: (state: never) => unknown;
  /** Passes even when an event's first delivery changed neither the state nor any effect. Default false: that proves nothing, so it fails. */
  allowUnchanged?: boolean;
}

/** Options of `toConvergeInAnyOrder(events, options)`. */
export interface ConvergenceOptions {
  /** Restores a fresh state before each delivery order. */
  reset: () => unknown;
  /** Returns the state to compare. */
  state: () => unknown;
  /** How many orders to explore. Default 100. */
  runs?: number;
  /** Replays a whole exploration exactly. */
  seed?: number;
  /** Also redeliver events (at-least-once). Default true. */
  duplicates?: boolean;
  /** Keeps events of one key (a partition) in order, reordering across keys. */
  keyBy?: (event: never) => unknown;
  /** Replays one order exactly: 'e1 e3 e2 e2*' (ranges: 'e1..e40') or a list of 0-based indices. */
  schedule?: string | readonly number[];
  /** Ms a handler call (or `reset`/`state`) may take before it counts as hung. Default: the time left before the test's deadline (5 s outside a test). */
  deliveryTimeout?: number;
  /** At most this many candidate orders are tried while shrinking a failure. Default 1000. */
  maxShrinks?: number;
  /** At most this many ms are spent shrinking a failure. Default: a quarter of the time left, at most 2 s. */
  shrinkTimeout?: number;
  /** Turns what `state()` returned into plain data when it holds something that cannot be copied (the result is copied in turn). */
  snapshot?: (state: never) => unknown;
  /** Passes even when delivering every event left the state as `reset()` made it. Default false: that proves nothing, so it fails. */
  allowUnchanged?: boolean;
}

const IDEMPOTENCE_KEYS = [
  'state',
  'effects',
  'times',
  'concurrent',
  'ignore',
  'reset',
  'deliveryTimeout',
  'snapshot',
  'allowUnchanged',
];
const CONVERGENCE_KEYS = [
  'reset',
  'state',
  'runs',
  'seed',
  'duplicates',
  'keyBy',
  'schedule',
  'deliveryTimeout',
  'maxShrinks',
  'shrinkTimeout',
  'snapshot',
  'allowUnchanged',
];

/** The options every delivery matcher shares about what it observes. */
export interface Observation {
  snapshot: ((state: never) => unknown) | undefined;
  allowUnchanged: boolean;
}

function observationOf(where: string, o: Record<string, unknown>): Observation {
  if (o.allowUnchanged !== undefined && typeof o.allowUnchanged !== 'boolean')
    throw argumentError(where, `\`allowUnchanged\` must be a boolean, got ${describeValue(o.allowUnchanged)}.`);
  return {
    snapshot: optionalFunction(where, 'snapshot', o.snapshot, '(state) => plain data') as
      ((state: never) => unknown) | undefined,
    allowUnchanged: o.allowUnchanged === true,
  };
}

function optionalFunction(where: string, name: string, value: unknown, shape: string): (() => unknown) | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function')
    throw argumentError(
      where,
      `\`${name}\` must be a function ${shape}, got ${value === null ? 'null' : typeof value}.`,
    );
  return value as () => unknown;
}

export function assertHandler(where: string, handler: unknown): asserts handler is (event: never) => unknown {
  if (typeof handler !== 'function') {
    throw argumentError(
      where,
      `expected the handler under test, a function (event) => void | Promise<void>, but received ${handler === null ? 'null' : typeof handler}. Write expect(handler).${where.replace(/^\.(not\.)?/, '').replace('()', '')}(…).`,
    );
  }
}

export interface NormalizedIdempotence extends Observation {
  events: unknown[];
  state: (() => unknown) | undefined;
  recorders: EffectRecorder[];
  times: number;
  concurrent: boolean;
  ignore: string[];
  reset: (() => unknown) | undefined;
  deliveryTimeout: number | undefined;
}

const optionalMs = (where: string, name: string, value: unknown): number | undefined =>
  value === undefined ? undefined : checkMs(where, name, value, { allowZero: false });

export function normalizeIdempotence(where: string, eventOrEvents: unknown, options: unknown): NormalizedIdempotence {
  const o = checkOptions(where, options, IDEMPOTENCE_KEYS);
  const events = Array.isArray(eventOrEvents) ? [...eventOrEvents] : [eventOrEvents];
  if (events.length === 0)
    throw argumentError(where, 'the event list is empty: pass an event, or a non-empty array of events.');
  const state = optionalFunction(where, 'state', o.state, '() => state');
  const recorders = toRecorders(where, o.effects);
  if (!state && recorders.length === 0) {
    throw argumentError(
      where,
      'give `state` (() => the state to compare) or `effects` (mocks or recorders that must not be called again), or both: without them there is nothing to check.',
    );
  }
  const times = o.times ?? 2;
  if (typeof times !== 'number' || !Number.isInteger(times) || times < 2)
    throw argumentError(
      where,
      `\`times\` must be a whole number >= 2 (deliveries in all, the first included), got ${describeValue(times)}.`,
    );
  if (o.concurrent !== undefined && typeof o.concurrent !== 'boolean')
    throw argumentError(where, `\`concurrent\` must be a boolean, got ${typeof o.concurrent}.`);
  const reset = optionalFunction(where, 'reset', o.reset, '() => void (restores a fresh state)');
  if (o.concurrent && !reset)
    throw argumentError(
      where,
      '`concurrent: true` needs `reset`: the state after the concurrent deliveries is compared with one delivery on a fresh state.',
    );
  const ignore = o.ignore ?? [];
  if (!Array.isArray(ignore) || ignore.some((p) => typeof p !== 'string' || p === ''))
    throw argumentError(where, '`ignore` must be an array of state paths such as "updatedAt" or "ledger.*.at".');
  return {
    events,
    state,
    recorders,
    times,
    concurrent: o.concurrent === true,
    ignore: ignore as string[],
    reset,
    deliveryTimeout: optionalMs(where, 'deliveryTimeout', o.deliveryTimeout),
    ...observationOf(where, o),
  };
}

export interface NormalizedConvergence extends Observation {
  events: unknown[];
  reset: () => unknown;
  state: () => unknown;
  runs: number;
  seed: number | undefined;
  duplicates: boolean;
  keyOf: ((index: number) => unknown) | undefined;
  schedule: Delivery[] | undefined;
  deliveryTimeout: number | undefined;
  maxShrinks: number;
  shrinkTimeout: number | undefined;
}

export function normalizeConvergence(where: string, events: unknown, options: unknown): NormalizedConvergence {
  if (!Array.isArray(events))
    throw argumentError(
      where,
      `\`events\` must be an array of the events to deliver, got ${events === null ? 'null' : typeof events}.`,
    );
  if (events.length === 0) throw argumentError(where, '`events` is empty: there is no order to explore.');
  if (options === undefined)
    throw argumentError(
      where,
      'options are required: `reset` (() => a fresh state) and `state` (() => the state to compare).',
    );
  const o = checkOptions(where, options, CONVERGENCE_KEYS);
  const reset = optionalFunction(where, 'reset', o.reset, '() => void (restores a fresh state)');
  if (!reset) throw argumentError(where, '`reset` is required: every delivery order starts from a fresh state.');
  const state = optionalFunction(where, 'state', o.state, '() => state');
  if (!state)
    throw argumentError(where, '`state` is required: it is what must be the same whatever the delivery order.');
  const runs = o.runs ?? 100;
  if (typeof runs !== 'number' || !Number.isInteger(runs) || runs < 1)
    throw argumentError(where, `\`runs\` must be a whole number >= 1, got ${describeValue(runs)}.`);
  if (o.seed !== undefined && (typeof o.seed !== 'number' || !Number.isInteger(o.seed)))
    throw argumentError(where, `\`seed\` must be an integer, got ${describeValue(o.seed)}.`);
  if (o.duplicates !== undefined && typeof o.duplicates !== 'boolean')
    throw argumentError(where, `\`duplicates\` must be a boolean, got ${typeof o.duplicates}.`);
  const maxShrinks = o.maxShrinks ?? 1000;
  if (typeof maxShrinks !== 'number' || !Number.isInteger(maxShrinks) || maxShrinks < 0)
    throw argumentError(where, `\`maxShrinks\` must be a whole number >= 0, got ${describeValue(maxShrinks)}.`);
  let keyOf: ((index: number) => unknown) | undefined;
  if (o.keyBy !== undefined) {
    if (typeof o.keyBy !== 'function')
      throw argumentError(where, `\`keyBy\` must be a function (event) => key, got ${typeof o.keyBy}.`);
    const keys = events.map((event, i) => {
      try {
        return (o.keyBy as (e: unknown) => unknown)(event);
      } catch (error) {
        throw argumentError(
          where,
          `\`keyBy\` threw for e${i + 1} ${describeEvent(event)}: ${error instanceof Error ? error.message : String(error)}.`,
        );
      }
    });
    keyOf = (index) => keys[index];
  }
  return {
    events,
    reset,
    state,
    runs,
    seed: o.seed as number | undefined,
    duplicates: o.duplicates !== false,
    keyOf,
    schedule: o.schedule === undefined ? undefined : parseSchedule(where, o.schedule, events.length),
    deliveryTimeout: optionalMs(where, 'deliveryTimeout', o.deliveryTimeout),
    maxShrinks,
    shrinkTimeout: o.shrinkTimeout === undefined ? undefined : checkMs(where, 'shrinkTimeout', o.shrinkTimeout),
    ...observationOf(where, o),
  };
}
