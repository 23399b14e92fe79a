/**
 * Many delivery orders (and redeliveries), each from a fresh `reset()`, against the state that
 * in-order, once-only delivery gives: the data behind `toConvergeInAnyOrder`.
 *
 * Bounded (see session.ts): every call goes through the session, the exploration and the shrinking
 * end at the test's deadline, and the shrinking also within its own budget of runs and time.
 */
import type { Handler } from './checkIdempotence.ts';
import {
  DENSE_LIMIT,
  keyOrderOf,
  minimizePlan,
  planArbitrary,
  planToOrder,
  type Delivery,
  type DeliveryPlan,
} from './deliveryPlan.ts';
import { loadFastCheck } from './loadFastCheck.ts';
import type { NormalizedConvergence, Observation } from './options.ts';
import { openSession, StopSignal, type Session, type Stop } from './session.ts';
import { takeSnapshot } from './snapshot.ts';
import { monotonicNow } from '../time/realTime.ts';

/** The validated options (see options.ts) plus the runner's equality and the matcher's name (for errors). */
export type ConvergenceSettings = Omit<NormalizedConvergence, 'events' | keyof Observation> &
  Partial<Observation> & { equals: (a: unknown, b: unknown) => boolean; where?: string | undefined };

/** Which run a call belonged to. */
export type RunName =
  | { kind: 'canonical' }
  | { kind: 'explore'; run: number }
  | { kind: 'shrink'; candidate: number }
  | { kind: 'replay' }
  | { kind: 'confirm' };

export interface ConvergenceSite {
  run: RunName;
  fn: 'handler' | 'reset' | 'state';
  order: readonly Delivery[];
  /** For the handler: the delivery's position in `order`. */
  position?: number;
}

export type ConvergenceStop = Stop<ConvergenceSite>;

/** Why shrinking ended before the counterexample was shown minimal. */
export type ShrinkCut =
  { by: 'runs'; limit: number } | { by: 'time'; limit: number } | { by: 'stop'; stop: ConvergenceStop };

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

type Failed = { ok: false; received: unknown } | { ok: false; threw: { delivery: number; error: unknown } };
type RunOutcome = { ok: true } | Failed;

/** Default shrink time: a quarter of what is left, at most this. */
const SHRINK_TIME_CAP = 2_000;

interface Search {
  runsDone: number;
  failure: { plan: DeliveryPlan; order: Delivery[]; outcome: Failed } | undefined;
  /** Exploration run that first failed. */
  failedRun: number;
  candidates: number;
  /** Candidates that still failed (each one a step toward the canonical order). */
  shrinks: number;
  shrinkEnds: number;
  shrinkLimit: number;
  cut: ShrinkCut | undefined;
  fatal: { error: unknown } | undefined;
  /** The exploration's seed, once fast-check has run. */
  seed: number | undefined;
}

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

type CheckOrder = (order: readonly Delivery[], name: RunName) => Promise<RunOutcome>;

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
  const report = (
    order: Delivery[],
    outcome: Failed,
    extra: {
      run: number | undefined;
      shrinks: number;
      replayed: boolean;
      cut: ShrinkCut | undefined;
      seed: number | undefined;
    },
  ): ConvergenceResult =>
    'threw' in outcome
      ? { verdict: 'threw', order, ...outcome.threw, canonical: false, seed: extra.seed, cut: extra.cut }
      : { verdict: 'diverged', order, expected, received: outcome.received, runs: settings.runs, ...extra };

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
  if (!search.cut) {
    const minimal = await minimizeWithin(
      search,
      settings,
      session,
      async (plan) => {
        const order = orderOf(plan);
        const outcome = await check(order, { kind: 'shrink', candidate: ++search.candidates });
        if (outcome.ok) return false;
        search.shrinks++;
        search.failure = { plan, order, outcome };
        return true;
      },
      chunks,
    );
    if (minimal && !search.cut) await confirm(search, check);
  }
  const { order, outcome } = search.failure;
  return report(order, outcome, {
    run: search.failedRun,
    shrinks: search.shrinks,
    replayed: false,
    cut: search.cut,
    seed: search.seed,
  });
}

/**
 * fast-check explores the orders (and, for up to DENSE_LIMIT events, shrinks the first failure).
 * Once something must end the search, an interrupting precondition failure ends fast-check's loop at
 * once, in generation or in shrinking, keeping the smallest counterexample so far.
 */
async function explore(
  count: number,
  settings: ConvergenceSettings,
  session: Session<ConvergenceSite>,
  search: Search,
  check: CheckOrder,
  orderOf: (plan: DeliveryPlan) => Delivery[],
  endOnFailure: boolean,
): Promise<void> {
  const fc = loadFastCheck();
  const property = async (plan: DeliveryPlan): Promise<boolean> => {
    if (search.fatal || search.cut || session.stopped || !withinShrinkBudget(search, settings))
      throw new fc.PreconditionFailure(true);
    const order = orderOf(plan);
    const name: RunName = search.failure
      ? { kind: 'shrink', candidate: ++search.candidates }
      : { kind: 'explore', run: search.runsDone + 1 };
    try {
      const outcome = await check(order, name);
      if (!search.failure) search.runsDone++;
      if (outcome.ok) return true;
      if (search.failure) search.shrinks++;
      else startShrinking(search, settings, session);
      search.failure = { plan, order, outcome };
      return false;
    } catch (error) {
      if (error instanceof StopSignal) {
        if (search.failure) search.cut = { by: 'stop', stop: session.stopped! };
      } else search.fatal = { error };
      throw new fc.PreconditionFailure(true);
    }
  };
  const details = await fc.check(fc.asyncProperty(planArbitrary(count, settings.duplicates), property), {
    numRuns: settings.runs,
    endOnFailure,
    ...(settings.seed === undefined ? {} : { seed: settings.seed }),
  });
  search.seed = settings.seed ?? details.seed;
  if (search.fatal) throw search.fatal.error;
  if (session.stopped && !search.failure) throw new StopSignal();
}

function startShrinking(search: Search, settings: ConvergenceSettings, session: Session<ConvergenceSite>): void {
  search.failedRun = search.runsDone;
  const left = session.remaining();
  search.shrinkLimit =
    settings.shrinkTimeout ??
    Math.min(SHRINK_TIME_CAP, Number.isFinite(left) ? Math.max(0, left) / 4 : SHRINK_TIME_CAP);
  search.shrinkEnds = monotonicNow() + search.shrinkLimit;
}

/** Records a cut (and says false) once the shrinking has spent its runs or its time. */
function withinShrinkBudget(search: Search, settings: ConvergenceSettings): boolean {
  if (!search.failure) return true;
  if (search.candidates >= settings.maxShrinks) search.cut = { by: 'runs', limit: settings.maxShrinks };
  else if (monotonicNow() >= search.shrinkEnds) search.cut = { by: 'time', limit: search.shrinkLimit };
  return search.cut === undefined;
}

/** Greedy minimisation within the budget; false when it was cut short. */
async function minimizeWithin(
  search: Search,
  settings: ConvergenceSettings,
  session: Session<ConvergenceSite>,
  fails: (plan: DeliveryPlan) => Promise<boolean>,
  chunks: boolean,
): Promise<boolean> {
  try {
    await minimizePlan(search.failure!.plan, fails, () => !withinShrinkBudget(search, settings), { chunks });
  } catch (error) {
    if (!(error instanceof StopSignal)) throw error;
    search.cut = { by: 'stop', stop: session.stopped! };
  }
  return search.cut === undefined;
}

/** The minimal order must fail again when replayed, or the handler is not deterministic for a fixed order. */
async function confirm(search: Search, check: CheckOrder): Promise<void> {
  const failure = search.failure!;
  let outcome: RunOutcome;
  try {
    outcome = await check(failure.order, { kind: 'confirm' });
  } catch (error) {
    // Out of time for the confirmation: the order did fail, so report it as found.
    if (error instanceof StopSignal) return;
    throw error;
  }
  if (outcome.ok)
    throw new Error(
      'unflake: a failing delivery order passed when replayed; the handler or its state is not deterministic for a fixed order.',
    );
  search.failure = { ...failure, outcome };
}
