/**
 * The search behind `checkConvergence`: fast-check explores delivery orders and shrinks the first that
 * diverges; then greedy reverts and a confirming replay, all within the shrink budget and the session.
 */
import type { ConvergenceSettings, ConvergenceSite, RunName, ShrinkCut } from './convergenceTypes.ts';
import { minimizePlan, planArbitrary, type Delivery, type DeliveryPlan } from './deliveryPlan.ts';
import { loadFastCheck } from './loadFastCheck.ts';
import { StopSignal, type Session } from './session.ts';
import { monotonicNow } from '../time/realTime.ts';

export type Failed = { ok: false; received: unknown } | { ok: false; threw: { delivery: number; error: unknown } };
export type RunOutcome = { ok: true } | Failed;

/** Default shrink time: a quarter of what is left, at most this. */
const SHRINK_TIME_CAP = 2_000;

export interface Search {
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

export type CheckOrder = (order: readonly Delivery[], name: RunName) => Promise<RunOutcome>;

/**
 * fast-check explores the orders (and, for up to DENSE_LIMIT events, shrinks the first failure).
 * Once something must end the search, an interrupting precondition failure ends fast-check's loop at
 * once, in generation or in shrinking, keeping the smallest counterexample so far.
 */
export async function explore(
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

/** Greedy reverts of what fast-check's shrinking left, then a replay that must fail again. */
export async function shrinkFurther(
  search: Search,
  settings: ConvergenceSettings,
  session: Session<ConvergenceSite>,
  check: CheckOrder,
  orderOf: (plan: DeliveryPlan) => Delivery[],
  chunks: boolean,
): Promise<void> {
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
