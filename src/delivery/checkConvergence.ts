/**
 * Many delivery orders (and redeliveries), each from a fresh `reset()`, against the state that
 * in-order, once-only delivery gives: the data behind `toConvergeInAnyOrder`.
 */
import type { Handler } from './checkIdempotence.ts';
import { minimizePlan, planArbitrary, planToOrder, type Delivery, type DeliveryPlan } from './deliveryPlan.ts';
import { loadFastCheck } from './loadFastCheck.ts';
import type { NormalizedConvergence } from './options.ts';
import { takeSnapshot } from './snapshot.ts';

/** The validated options (see options.ts) plus the runner's equality. */
export type ConvergenceSettings = Omit<NormalizedConvergence, 'events'> & { equals: (a: unknown, b: unknown) => boolean };

export type ConvergenceResult =
  | { verdict: 'converged'; runs: number; seed: number | undefined }
  | { verdict: 'diverged'; order: Delivery[]; expected: unknown; received: unknown; seed: number | undefined; run: number | undefined; runs: number; shrinks: number; replayed: boolean }
  | { verdict: 'threw'; order: Delivery[]; delivery: number; error: unknown; canonical: boolean; seed: number | undefined };

type RunOutcome = { ok: true } | { ok: false; received: unknown } | { ok: false; threw: { delivery: number; error: unknown } };

export async function checkConvergence(handler: Handler, events: readonly unknown[], settings: ConvergenceSettings): Promise<ConvergenceResult> {
  const run = async (order: readonly Delivery[]): Promise<{ state?: unknown; threw?: { delivery: number; error: unknown } }> => {
    await settings.reset();
    for (const [position, delivery] of order.entries()) {
      try {
        await handler(events[delivery.index] as never);
      } catch (error) {
        return { threw: { delivery: position, error } };
      }
    }
    return { state: await takeSnapshot(settings.state, []) };
  };

  const canonicalOrder = events.map((_, index) => ({ index, duplicate: false }));
  const canonical = await run(canonicalOrder);
  if (canonical.threw) return { verdict: 'threw', order: canonicalOrder, ...canonical.threw, canonical: true, seed: settings.seed };
  const expected = canonical.state;
  const check = async (order: readonly Delivery[]): Promise<RunOutcome> => {
    const outcome = await run(order);
    if (outcome.threw) return { ok: false, threw: outcome.threw };
    return settings.equals(outcome.state, expected) ? { ok: true } : { ok: false, received: outcome.state };
  };
  const report = (order: Delivery[], outcome: Exclude<RunOutcome, { ok: true }>, extra: { run: number | undefined; shrinks: number; replayed: boolean }): ConvergenceResult =>
    'threw' in outcome
      ? { verdict: 'threw', order, ...outcome.threw, canonical: false, seed: settings.seed }
      : { verdict: 'diverged', order, expected, received: outcome.received, seed: settings.seed, runs: settings.runs, ...extra };

  if (settings.schedule) {
    const outcome = await check(settings.schedule);
    return outcome.ok ? { verdict: 'converged', runs: 1, seed: undefined } : report(settings.schedule, outcome, { run: undefined, shrinks: 0, replayed: true });
  }

  const fc = loadFastCheck();
  const orderOf = (plan: DeliveryPlan): Delivery[] => planToOrder(plan, settings.keyOf);
  const details = await fc.check(
    fc.asyncProperty(planArbitrary(events.length, settings.duplicates), async (plan) => (await check(orderOf(plan))).ok),
    { numRuns: settings.runs, ...(settings.seed === undefined ? {} : { seed: settings.seed }) },
  );
  if (!details.failed || !details.counterexample) return { verdict: 'converged', runs: details.numRuns, seed: details.seed };
  const minimal = await minimizePlan(details.counterexample[0], async (plan) => !(await check(orderOf(plan))).ok);
  const order = orderOf(minimal);
  const outcome = await check(order);
  if (outcome.ok) throw new Error('unflake: a failing delivery order passed when replayed; the handler or its state is not deterministic for a fixed order.');
  return { ...report(order, outcome, { run: details.numRuns, shrinks: details.numShrinks, replayed: false }), seed: details.seed } as ConvergenceResult;
}
