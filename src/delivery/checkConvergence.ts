/**
 * Many delivery orders (and redeliveries), each from a fresh `reset()`, against the state that
 * in-order, once-only delivery gives: the data behind `toConvergeInAnyOrder`.
 *
 * Bounded (see session.ts): every call goes through the session, the exploration and the shrinking
 * end at the test's deadline, and the shrinking also within its own budget of runs and time.
 */
import type { Handler } from './checkIdempotence.ts';
import { DENSE_LIMIT, keyOrderOf, planToOrder, type Delivery, type DeliveryPlan } from './deliveryPlan.ts';
import type { ConvergenceSettings, ConvergenceSite, ConvergenceStop, RunName, ShrinkCut } from './convergenceTypes.ts';
import { explore, shrinkFurther, type CheckOrder, type Failed, type Search } from './searchOrders.ts';
import { openSession, StopSignal, type Session } from './session.ts';
import { takeSnapshot } from './snapshot.ts';

export type { ConvergenceSettings, ConvergenceSite, ConvergenceStop, RunName, ShrinkCut };

export type ConvergenceResult =
  | { verdict: 'converged'; runs: number; seed: number | undefined }
  | {
      verdict: 'diverged';
      order: Delivery[];
      expected: unknown;
      received: unknown;
      seed: number | undefined;
      run: number | undefined;
      runs: number;
      shrinks: number;
      replayed: boolean;
      cut: ShrinkCut | undefined;
    }
  | {
      verdict: 'threw';
      order: Delivery[];
      delivery: number;
      error: unknown;
      canonical: boolean;
      seed: number | undefined;
      cut?: ShrinkCut | undefined;
    }
  | { verdict: 'stopped'; stop: ConvergenceStop; runsDone: number; runs: number; seed: number | undefined }
  /** In-order, once-only delivery left the state as `reset()` made it: no order can show anything. */
  | { verdict: 'unchanged'; state: unknown; seed: number | undefined };

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as { then?: unknown } | null)?.then === 'function';

export async function checkConvergence(
  handler: Handler,
  events: readonly unknown[],
  settings: ConvergenceSettings,
  given?: Session<ConvergenceSite>,
): Promise<ConvergenceResult> {
  const session =
    given ??
    openSession<ConvergenceSite>({
      window: undefined,
      ended: undefined,
      margin: 0,
      callLimit: settings.deliveryTimeout,
    });
  const search: Search = {
    runsDone: 0,
    failure: undefined,
    failedRun: 0,
    candidates: 0,
    shrinks: 0,
    shrinkEnds: 0,
    shrinkLimit: 0,
    cut: undefined,
    fatal: undefined,
    seed: settings.seed,
  };
  try {
    return await converge(handler, events, settings, session, search);
  } catch (error) {
    if (!(error instanceof StopSignal)) throw error;
    return {
      verdict: 'stopped',
      stop: session.stopped!,
      runsDone: search.runsDone,
      runs: settings.schedule ? 1 : settings.runs,
      seed: search.seed,
    };
  } finally {
    if (!given) session.close();
  }
}

type RunResult = { state?: unknown; start?: unknown; threw?: { delivery: number; error: unknown } };

/** One delivery order from a fresh `reset()`, every call through the session; `observeStart` also snapshots the fresh state. */
function runnerOf(
  handler: Handler,
  events: readonly unknown[],
  settings: ConvergenceSettings,
  session: Session<ConvergenceSite>,
) {
  const snapshotSettings = {
    where: settings.where ?? '.toConvergeInAnyOrder()',
    ignore: [],
    snapshot: settings.snapshot,
  };
  const snapshot = (
    order: readonly Delivery[],
    name: RunName,
    before?: 'before the first delivery',
  ): Promise<unknown> =>
    takeSnapshot(() => session.call({ run: name, fn: 'state', order }, settings.state), snapshotSettings, before);
  return async (order: readonly Delivery[], name: RunName, observeStart = false): Promise<RunResult> => {
    await session.call({ run: name, fn: 'reset', order }, settings.reset);
    const start = observeStart ? await snapshot(order, name, 'before the first delivery') : undefined;
    for (let position = 0; position < order.length; position++) {
      const event = events[order[position]!.index];
      try {
        // Sync handlers stay sync: no promise per delivery unless the handler returns one.
        const result = session.call({ run: name, fn: 'handler', order, position }, () => handler(event as never));
        if (isThenable(result)) await result;
      } catch (error) {
        if (error instanceof StopSignal) throw error;
        return { threw: { delivery: position, error } };
      }
    }
    return { state: await snapshot(order, name), start };
  };
}

async function converge(
  handler: Handler,
  events: readonly unknown[],
  settings: ConvergenceSettings,
  session: Session<ConvergenceSite>,
  search: Search,
): Promise<ConvergenceResult> {
  const run = runnerOf(handler, events, settings, session);
  const canonicalOrder = events.map((_, index) => ({ index, duplicate: false }));
  const canonical = await run(canonicalOrder, { kind: 'canonical' }, !settings.allowUnchanged);
  if (canonical.threw)
    return { verdict: 'threw', order: canonicalOrder, ...canonical.threw, canonical: true, seed: settings.seed };
  const expected = canonical.state;
  if (!settings.allowUnchanged && settings.equals(expected, canonical.start))
    return { verdict: 'unchanged', state: expected, seed: settings.seed };
  const check: CheckOrder = async (order, name) => {
    const outcome = await run(order, name);
    if (outcome.threw) return { ok: false, threw: outcome.threw };
    return settings.equals(outcome.state, expected) ? { ok: true } : { ok: false, received: outcome.state };
  };
  const report = (order: Delivery[], outcome: Failed, extra: FailureExtra): ConvergenceResult =>
    reportFailure(order, outcome, extra, expected, settings.runs);

  if (settings.schedule) {
    const outcome = await check(settings.schedule, { kind: 'replay' });
    return outcome.ok
      ? { verdict: 'converged', runs: 1, seed: undefined }
      : report(settings.schedule, outcome, {
          run: undefined,
          shrinks: 0,
          replayed: true,
          cut: undefined,
          seed: settings.seed,
        });
  }
  const keys = settings.keyOf ? keyOrderOf(events.length, settings.keyOf) : undefined;
  const orderOf = (plan: DeliveryPlan): Delivery[] => planToOrder(plan, keys);
  // Beyond DENSE_LIMIT events, chunked reverts shrink in far fewer runs than fast-check's
  // element-wise shrinking of the deviation list, and each run delivers every event.
  const chunks = events.length > DENSE_LIMIT;
  await explore(events.length, settings, session, search, check, orderOf, chunks);
  if (!search.failure) return { verdict: 'converged', runs: search.runsDone, seed: search.seed };
  // fast-check's shrinking reduces values; this reverts what is left, a deviation (or chunk) at a time.
  if (!search.cut) await shrinkFurther(search, settings, session, check, orderOf, chunks);
  const { order, outcome } = search.failure;
  return report(order, outcome, {
    run: search.failedRun,
    shrinks: search.shrinks,
    replayed: false,
    cut: search.cut,
    seed: search.seed,
  });
}

type FailureExtra = {
  run: number | undefined;
  shrinks: number;
  replayed: boolean;
  cut: ShrinkCut | undefined;
  seed: number | undefined;
};

function reportFailure(
  order: Delivery[],
  outcome: Failed,
  extra: FailureExtra,
  expected: unknown,
  runs: number,
): ConvergenceResult {
  return 'threw' in outcome
    ? { verdict: 'threw', order, ...outcome.threw, canonical: false, seed: extra.seed, cut: extra.cut }
    : { verdict: 'diverged', order, expected, received: outcome.received, runs, ...extra };
}
