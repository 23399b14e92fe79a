/**
 * Deliver, snapshot, redeliver, compare: the data behind `toBeIdempotent`. The matcher formats it.
 * Every call goes through the session (session.ts): bounded, and none after the check stopped.
 */
import { callsSince, countCalls, type EffectRecorder, type ExtraEffect } from './effects.ts';
import { openSession, StopSignal, type Session, type Stop } from './session.ts';
import { takeSnapshot } from './snapshot.ts';
import type { Observation } from './options.ts';

export type Handler = (event: never) => unknown;

export interface IdempotenceSettings extends Partial<Observation> {
  /** The matcher, for errors: `.toBeIdempotent()`. */
  where?: string | undefined;
  state: (() => unknown) | undefined;
  recorders: EffectRecorder[];
  times: number;
  concurrent: boolean;
  ignore: readonly string[];
  reset: (() => unknown) | undefined;
  equals: (a: unknown, b: unknown) => boolean;
  deliveryTimeout?: number | undefined;
}

/** A call the check made: the handler delivering an event (the `delivery`-th time), or reset/state. */
export interface IdempotenceSite {
  fn: 'handler' | 'reset' | 'state';
  /** The event being checked. */
  eventIndex: number;
  /** The handler's: which event it delivered (an earlier one when replaying the history) and which delivery of it. */
  delivered?: number;
  delivery?: number;
}

export type IdempotenceStop = Stop<IdempotenceSite>;

export type IdempotenceResult =
  | { verdict: 'idempotent'; events: number; times: number }
  | {
      verdict: 'diverged';
      eventIndex: number;
      delivery: number;
      before: unknown;
      after: unknown;
      stateChanged: boolean;
      extraEffects: ExtraEffect[];
    }
  | { verdict: 'nondeterministic'; eventIndex: number; first: unknown; second: unknown }
  /** The first delivery changed neither the state nor any effect: a redelivery that changes nothing proves nothing. */
  | { verdict: 'unchanged'; eventIndex: number; state: unknown; observed: { state: boolean; effects: string[] } }
  | { verdict: 'threw'; eventIndex: number; delivery: number; error: unknown }
  | { verdict: 'stopped'; stop: IdempotenceStop; checked: number; events: number };

type IdempotenceSession = Session<IdempotenceSite>;

interface Context {
  handler: Handler;
  session: IdempotenceSession;
  settings: IdempotenceSettings;
  /** The event being checked. */
  eventIndex: number;
  /** The state's snapshot once the events before `eventIndex` were checked (without `reset`). */
  current: { state: unknown } | undefined;
}

async function deliver(
  c: Context,
  event: unknown,
  delivered: number,
  delivery: number,
  options?: { yield: boolean },
): Promise<{ error?: unknown }> {
  try {
    await c.session.call(
      { fn: 'handler', eventIndex: c.eventIndex, delivered, delivery },
      () => c.handler(event as never),
      options,
    );
    return {};
  } catch (error) {
    if (error instanceof StopSignal) throw error;
    return { error };
  }
}

async function resetState(c: Context): Promise<void> {
  const { reset } = c.settings;
  if (reset) await c.session.call({ fn: 'reset', eventIndex: c.eventIndex }, reset);
}

const snapshot = (c: Context, before?: 'before the first delivery'): Promise<unknown> =>
  takeSnapshot(
    c.settings.state && (() => c.session.call({ fn: 'state', eventIndex: c.eventIndex }, c.settings.state!)),
    { where: c.settings.where ?? '.toBeIdempotent()', ignore: c.settings.ignore, snapshot: c.settings.snapshot },
    before,
  );

/**
 * Delivers the event once and says whether anything observed changed: the state (from `start`) or
 * an effect. Returns the snapshot after the delivery, or the verdict that ends the check.
 */
async function deliverFirst(
  c: Context,
  event: unknown,
  start: unknown,
): Promise<{ found: Found } | { state: unknown }> {
  const { recorders, equals, allowUnchanged } = c.settings;
  const baseline = countCalls(recorders);
  const { error } = await deliver(c, event, c.eventIndex, 1);
  if (error !== undefined) return { found: { verdict: 'threw', eventIndex: c.eventIndex, delivery: 1, error } };
  const state = await snapshot(c);
  if (!allowUnchanged && equals(state, start) && callsSince(recorders, baseline).length === 0) {
    const observed = { state: c.settings.state !== undefined, effects: recorders.map((r) => r.name) };
    return { found: { verdict: 'unchanged', eventIndex: c.eventIndex, state, observed } };
  }
  return { state };
}

export async function checkIdempotence(
  handler: Handler,
  events: readonly unknown[],
  settings: IdempotenceSettings,
  given?: IdempotenceSession,
): Promise<IdempotenceResult> {
  const session =
    given ??
    openSession<IdempotenceSite>({
      window: undefined,
      ended: undefined,
      margin: 0,
      callLimit: settings.deliveryTimeout,
    });
  const c: Context = { handler, session, settings, eventIndex: 0, current: undefined };
  try {
    return await checkEach(c, events);
  } catch (error) {
    if (!(error instanceof StopSignal)) throw error;
    return { verdict: 'stopped', stop: session.stopped!, checked: c.eventIndex, events: events.length };
  } finally {
    if (!given) session.close();
  }
}

async function checkEach(c: Context, events: readonly unknown[]): Promise<IdempotenceResult> {
  if (c.settings.reset) await resetState(c);
  // Events before `index` have been delivered once each: the history later events build on.
  for (let index = 0; index < events.length; index++) {
    c.eventIndex = index;
    const found = await checkEvent(c, events, index);
    if (found) return found;
  }
  return { verdict: 'idempotent', events: events.length, times: c.settings.times };
}

type Found = Exclude<IdempotenceResult, { verdict: 'idempotent' | 'stopped' }>;

/** Restores the history before event `index`: a fresh state, then e1…e(index) once each. */
async function replayHistory(c: Context, events: readonly unknown[], index: number): Promise<Found | undefined> {
  await resetState(c);
  for (let i = 0; i < index; i++) {
    const { error } = await deliver(c, events[i], i, 1);
    if (error !== undefined) return { verdict: 'threw', eventIndex: i, delivery: 1, error };
  }
  return undefined;
}

async function checkEvent(c: Context, events: readonly unknown[], index: number): Promise<Found | undefined> {
  const { settings } = c;
  const event = events[index];
  // With `reset`, the nondeterminism check leaves the state after exactly one delivery.
  let afterFirst: { state: unknown };
  if (settings.reset) {
    const determinism = await checkDeterminism(c, events, index);
    if ('found' in determinism) return determinism.found;
    if (settings.concurrent) {
      const historyError = await replayHistory(c, events, index);
      return historyError ?? (await checkConcurrent(c, events, index));
    }
    afterFirst = { state: determinism.second };
  } else {
    // After an event passed, its last snapshot is the state now: the next event's starting point.
    const start = c.current ? c.current.state : await snapshot(c, 'before the first delivery');
    const first = await deliverFirst(c, event, start);
    if ('found' in first) return first.found;
    afterFirst = first;
  }
  const before = afterFirst.state;
  const baseline = countCalls(settings.recorders);
  for (let delivery = 2; delivery <= settings.times; delivery++) {
    const { error } = await deliver(c, event, index, delivery);
    if (error !== undefined) return { verdict: 'threw', eventIndex: index, delivery, error };
    const after = await snapshot(c);
    const extraEffects = callsSince(settings.recorders, baseline);
    const stateChanged = !settings.equals(after, before);
    if (stateChanged || extraEffects.length)
      return { verdict: 'diverged', eventIndex: index, delivery, before, after, stateChanged, extraEffects };
    c.current = { state: after };
  }
  return undefined;
}

/**
 * The same first delivery on the same fresh state must give the same result, or "not idempotent"
 * would be the wrong diagnosis. Leaves the state after the history and one delivery.
 */
async function checkDeterminism(
  c: Context,
  events: readonly unknown[],
  index: number,
): Promise<{ found: Found } | { second: unknown }> {
  const historyError = await replayHistory(c, events, index);
  if (historyError) return { found: historyError };
  const firstRun = await deliverFirst(c, events[index], await snapshot(c, 'before the first delivery'));
  if ('found' in firstRun) return firstRun;
  const first = firstRun.state;
  await replayHistory(c, events, index);
  await deliver(c, events[index], index, 1);
  const second = await snapshot(c);
  if (!c.settings.equals(second, first))
    return { found: { verdict: 'nondeterministic', eventIndex: index, first, second } };
  return { second };
}

/**
 * All deliveries start before the first finishes: the check-then-act race. Compared with one
 * delivery on the same history (which is why `concurrent` needs `reset`).
 */
async function checkConcurrent(c: Context, events: readonly unknown[], index: number): Promise<Found | undefined> {
  const { recorders, times, equals } = c.settings;
  const baseline = countCalls(recorders);
  // One turn for the event loop first, so that none is taken between the concurrent starts.
  await c.session.pause();
  const results = await Promise.all(
    Array.from({ length: times }, (_, k) => deliver(c, events[index], index, k + 1, { yield: false })),
  );
  const failed = results.findIndex((r) => r.error !== undefined);
  if (failed !== -1)
    return { verdict: 'threw', eventIndex: index, delivery: failed + 1, error: results[failed]!.error };
  const concurrentCalls = callsSince(recorders, baseline);
  const after = await snapshot(c);
  await replayHistory(c, events, index);
  const singleBaseline = countCalls(recorders);
  await deliver(c, events[index], index, 1);
  const singleCalls = callsSince(recorders, singleBaseline);
  const before = await snapshot(c);
  const extraEffects = concurrentCalls
    .map((extra) => ({
      name: extra.name,
      calls: extra.calls.slice(singleCalls.find((s) => s.name === extra.name)?.calls.length ?? 0),
    }))
    .filter((extra) => extra.calls.length > 0);
  const stateChanged = !equals(after, before);
  if (stateChanged || extraEffects.length)
    return { verdict: 'diverged', eventIndex: index, delivery: times, before, after, stateChanged, extraEffects };
  return undefined;
}
