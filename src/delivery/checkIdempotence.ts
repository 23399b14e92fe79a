/**
 * Deliver, snapshot, redeliver, compare: the data behind `toBeIdempotent`. The matcher formats it.
 */
import { callsSince, countCalls, type EffectRecorder, type ExtraEffect } from './effects.ts';
import { takeSnapshot } from './snapshot.ts';

export type Handler = (event: never) => unknown;

export interface IdempotenceSettings {
  state: (() => unknown) | undefined;
  recorders: EffectRecorder[];
  times: number;
  concurrent: boolean;
  ignore: readonly string[];
  reset: (() => unknown) | undefined;
  equals: (a: unknown, b: unknown) => boolean;
}

export type IdempotenceResult =
  | { verdict: 'idempotent'; events: number; times: number }
  | { verdict: 'diverged'; eventIndex: number; delivery: number; before: unknown; after: unknown; stateChanged: boolean; extraEffects: ExtraEffect[] }
  | { verdict: 'nondeterministic'; eventIndex: number; first: unknown; second: unknown }
  | { verdict: 'threw'; eventIndex: number; delivery: number; error: unknown };

async function deliver(handler: Handler, event: unknown): Promise<{ error?: unknown }> {
  try {
    await handler(event as never);
    return {};
  } catch (error) {
    return { error };
  }
}

async function resetState(settings: IdempotenceSettings): Promise<void> {
  if (settings.reset) await settings.reset();
}

export async function checkIdempotence(handler: Handler, events: readonly unknown[], settings: IdempotenceSettings): Promise<IdempotenceResult> {
  const { recorders, equals, ignore } = settings;
  if (settings.reset) await resetState(settings);
  // Events before `index` have been delivered once each: the history later events build on.
  for (let index = 0; index < events.length; index++) {
    const event = events[index];
    const history = events.slice(0, index);
    const replayHistory = async (): Promise<{ eventIndex: number; error: unknown } | undefined> => {
      await resetState(settings);
      for (const [i, earlier] of history.entries()) {
        const { error } = await deliver(handler, earlier);
        if (error !== undefined) return { eventIndex: i, error };
      }
      return undefined;
    };

    // With `reset`, the nondeterminism check below leaves the state after exactly one delivery.
    let afterFirst: { state: unknown } | undefined;
    if (settings.reset) {
      // The same first delivery on the same fresh state must give the same result, or "not
      // idempotent" would be the wrong diagnosis.
      const historyError = await replayHistory();
      if (historyError) return { verdict: 'threw', eventIndex: historyError.eventIndex, delivery: 1, error: historyError.error };
      const firstRun = await deliver(handler, event);
      if (firstRun.error !== undefined) return { verdict: 'threw', eventIndex: index, delivery: 1, error: firstRun.error };
      const first = await takeSnapshot(settings.state, ignore);
      await replayHistory();
      await deliver(handler, event);
      const second = await takeSnapshot(settings.state, ignore);
      if (!equals(second, first)) return { verdict: 'nondeterministic', eventIndex: index, first, second };
      if (settings.concurrent) await replayHistory();
      else afterFirst = { state: second };
    }

    if (settings.concurrent) {
      // All deliveries start before the first finishes: the check-then-act race. Compared with one
      // delivery on the same history (which is why `concurrent` needs `reset`).
      const baseline = countCalls(recorders);
      const results = await Promise.all(Array.from({ length: settings.times }, () => deliver(handler, event)));
      const failed = results.findIndex((r) => r.error !== undefined);
      if (failed !== -1) return { verdict: 'threw', eventIndex: index, delivery: failed + 1, error: results[failed]!.error };
      const concurrentCalls = callsSince(recorders, baseline);
      const after = await takeSnapshot(settings.state, ignore);
      await replayHistory();
      const singleBaseline = countCalls(recorders);
      await deliver(handler, event);
      const singleCalls = callsSince(recorders, singleBaseline);
      const before = await takeSnapshot(settings.state, ignore);
      const extraEffects = concurrentCalls
        .map((extra) => ({ name: extra.name, calls: extra.calls.slice(singleCalls.find((s) => s.name === extra.name)?.calls.length ?? 0) }))
        .filter((extra) => extra.calls.length > 0);
      const stateChanged = !equals(after, before);
      if (stateChanged || extraEffects.length) return { verdict: 'diverged', eventIndex: index, delivery: settings.times, before, after, stateChanged, extraEffects };
      continue;
    }
    if (!afterFirst) {
      const firstRun = await deliver(handler, event);
      if (firstRun.error !== undefined) return { verdict: 'threw', eventIndex: index, delivery: 1, error: firstRun.error };
    }
    const before = afterFirst ? afterFirst.state : await takeSnapshot(settings.state, ignore);
    const baseline = countCalls(recorders);
    const deliveries = Array.from({ length: settings.times - 1 }, (_, k) => ({ delivery: k + 2, run: () => deliver(handler, event) }));
    for (const { delivery, run } of deliveries) {
      const { error } = await run();
      if (error !== undefined) return { verdict: 'threw', eventIndex: index, delivery, error };
      const after = await takeSnapshot(settings.state, ignore);
      const extraEffects = callsSince(recorders, baseline);
      const stateChanged = !equals(after, before);
      if (stateChanged || extraEffects.length) return { verdict: 'diverged', eventIndex: index, delivery, before, after, stateChanged, extraEffects };
    }
  }
  return { verdict: 'idempotent', events: events.length, times: settings.times };
}
