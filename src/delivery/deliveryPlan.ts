/**
 * A delivery plan: the events that deviate from the canonical in-order, once-only delivery, each
 * with how late it arrives and whether (and how much later) it is delivered again. No deviation is
 * the canonical order, so shrinking every field toward 0/none moves toward it one local step at a time.
 *
 * Up to DENSE_LIMIT events, a delay d means "overtaken by d of the events after it" (a Lehmer code:
 * every order of the events is some plan, so no reordering is out of reach); beyond, it is d slots
 * late, after the event on time in that slot.
 *
 * Up to DENSE_LIMIT events every event gets a delay and a maybe-duplicate (the whole order is
 * shuffled); beyond, a run deviates in at most MAX_SPARSE_DEVIATIONS events, so that generating a
 * plan and turning it into an order stays well under a millisecond even for 20 000 events.
 */
import type { Arbitrary } from 'fast-check';
import { loadFastCheck } from './loadFastCheck.ts';

export const DENSE_LIMIT = 256;
export const MAX_SPARSE_DEVIATIONS = 64;

export interface Deviation {
  index: number;
  /** How late: overtaken by this many later events (dense), or slots late (sparse); 0 is on time. */
  delay: number;
  /** Redelivered this many slots after its first delivery, or not at all (null). */
  again: number | null;
}

export interface DeliveryPlan {
  count: number;
  /** Sorted by index; a deviation may have become a no-op (delay 0, again null) while shrinking. */
  deviations: Deviation[];
}

export interface Delivery {
  index: number;
  duplicate: boolean;
}

const isActive = (d: Deviation): boolean => d.delay > 0 || d.again !== null;

/** The deviations that still change the order. */
export function activeDeviations(plan: DeliveryPlan): Deviation[] {
  return plan.deviations.filter(isActive);
}

/** A plan from one delay and one maybe-duplicate per event (the dense form). */
export function densePlan(
  delays: readonly number[],
  duplicates: readonly (number | null)[] = delays.map(() => null),
): DeliveryPlan {
  const deviations = delays
    .map((delay, index) => ({ index, delay, again: duplicates[index] ?? null }))
    .filter(isActive);
  return { count: delays.length, deviations };
}

export function planArbitrary(count: number, withDuplicates: boolean): Arbitrary<DeliveryPlan> {
  const fc = loadFastCheck();
  const slot = fc.nat({ max: Math.max(0, count - 1) });
  // Mostly none: shrinking an oneof goes to its first arm, so a duplicate shrinks away first.
  const duplicate = withDuplicates
    ? fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary: slot, weight: 1 })
    : fc.constant(null);
  if (count <= DENSE_LIMIT) {
    return fc
      .record({
        delays: fc.array(slot, { minLength: count, maxLength: count }),
        duplicates: fc.array(duplicate, { minLength: count, maxLength: count }),
      })
      .map(({ delays, duplicates }) => densePlan(delays, duplicates));
  }
  const deviation = fc.record({ index: fc.nat({ max: count - 1 }), delay: slot, again: duplicate });
  return fc
    .uniqueArray(deviation, { selector: (d) => d.index, maxLength: MAX_SPARSE_DEVIATIONS, size: 'medium' })
    .map((list) => ({ count, deviations: [...list].sort((a, b) => a.index - b.index) }));
}

/** Events grouped by key (a partition): computed once per check, reused by every order. */
export interface KeyOrder {
  keyIds: Int32Array;
  /** Per key id, its events' indices in canonical order. */
  byKey: number[][];
}

export function keyOrderOf(count: number, keyOf: (index: number) => unknown): KeyOrder {
  const ids = new Map<unknown, number>();
  const keyIds = new Int32Array(count);
  const byKey: number[][] = [];
  for (let index = 0; index < count; index++) {
    const key = keyOf(index);
    let id = ids.get(key);
    if (id === undefined) {
      id = byKey.length;
      ids.set(key, id);
      byKey.push([]);
    }
    keyIds[index] = id;
    byKey[id]!.push(index);
  }
  return { keyIds, byKey };
}

type Slot = Delivery & { at: number };
const bySlot = (a: Slot, b: Slot): number =>
  a.at - b.at || a.index - b.index || Number(a.duplicate) - Number(b.duplicate);

/** The order a plan delivers in; `keys` keeps events of one key in their canonical order. */
export function planToOrder(plan: DeliveryPlan, keys?: KeyOrder): Delivery[] {
  const order = plan.count <= DENSE_LIMIT ? denseOrder(plan) : sparseOrder(plan);
  return keys ? keepKeyOrder(order, keys) : order;
}

/**
 * From the last event to the first, each is inserted `delay` places into the arrival order of the
 * events after it; then each redelivery `again` places after its first delivery.
 */
function denseOrder(plan: DeliveryPlan): Delivery[] {
  const delays = new Int32Array(plan.count);
  for (const d of plan.deviations) delays[d.index] = d.delay;
  const firsts: number[] = [];
  for (let index = plan.count - 1; index >= 0; index--)
    firsts.splice(Math.min(delays[index]!, firsts.length), 0, index);
  const position = new Int32Array(plan.count);
  firsts.forEach((index, at) => (position[index] = at));
  const again: Slot[] = plan.deviations
    .filter((d) => d.again !== null)
    .map((d) => ({ index: d.index, duplicate: true, at: position[d.index]! + d.again! + 0.5 }));
  again.sort(bySlot);
  const order: Delivery[] = [];
  let next = 0;
  firsts.forEach((index, at) => {
    order.push({ index, duplicate: false });
    while (next < again.length && again[next]!.at < at + 1) order.push(deliveryOf(again[next++]!));
  });
  while (next < again.length) order.push(deliveryOf(again[next++]!));
  return order;
}

function sparseOrder(plan: DeliveryPlan): Delivery[] {
  // Only deviations need sorting; the events on time are already in slot order, so merge the two.
  const late: Slot[] = [];
  const moved = new Set<number>();
  for (const { index, delay, again } of plan.deviations) {
    if (delay > 0) {
      moved.add(index);
      // After the event on time in that slot: by index, the first event could never come after the last.
      late.push({ index, duplicate: false, at: index + delay + 0.25 });
    }
    if (again !== null) late.push({ index, duplicate: true, at: index + delay + again + 0.5 });
  }
  late.sort(bySlot);
  const order: Delivery[] = [];
  let next = 0;
  for (let index = 0; index < plan.count; index++) {
    if (moved.has(index)) continue;
    const onTime: Slot = { index, duplicate: false, at: index };
    while (next < late.length && bySlot(late[next]!, onTime) < 0) order.push(deliveryOf(late[next++]!));
    order.push({ index, duplicate: false });
  }
  while (next < late.length) order.push(deliveryOf(late[next++]!));
  return order;
}

const deliveryOf = (slot: Slot): Delivery => ({ index: slot.index, duplicate: slot.duplicate });

// Within a key (a partition), first deliveries keep canonical order: reassign that key's slots.
function keepKeyOrder(order: Delivery[], { keyIds, byKey }: KeyOrder): Delivery[] {
  const taken = new Int32Array(byKey.length);
  return order.map((delivery) => {
    if (delivery.duplicate) return delivery;
    const id = keyIds[delivery.index]!;
    return { index: byKey[id]![taken[id]!++]!, duplicate: false };
  });
}

const reverted = (plan: DeliveryPlan, indices: ReadonlySet<number>): DeliveryPlan => ({
  count: plan.count,
  deviations: plan.deviations.map((d) => (indices.has(d.index) ? { index: d.index, delay: 0, again: null } : d)),
});

/**
 * Reverts whole chunks of deviations while the plan still fails (halves, then quarters, …): a
 * failure that needs one of 60 deviations is found in a dozen runs instead of 60.
 */
async function revertChunks(
  plan: DeliveryPlan,
  fails: (plan: DeliveryPlan) => Promise<boolean>,
  spent: () => boolean,
): Promise<DeliveryPlan> {
  let current = plan;
  for (let size = Math.floor(activeDeviations(current).length / 2); size >= 1; size = Math.floor(size / 2)) {
    for (let start = 0; ;) {
      const active = activeDeviations(current);
      if (start >= active.length || active.length <= 1) break;
      if (spent()) return current;
      const candidate = reverted(current, new Set(active.slice(start, start + size).map((d) => d.index)));
      if (await fails(candidate)) current = candidate;
      else start += size;
    }
  }
  return current;
}

/**
 * 1-minimality: revert each remaining deviation (its redelivery, then its delay) and keep the revert
 * while the plan still fails; with `chunks`, whole chunks first. Stops early, returning the smallest
 * failing plan so far, once `spent()` says so.
 */
export async function minimizePlan(
  plan: DeliveryPlan,
  fails: (plan: DeliveryPlan) => Promise<boolean>,
  spent: () => boolean = () => false,
  options: { chunks?: boolean } = {},
): Promise<DeliveryPlan> {
  let current = options.chunks ? await revertChunks(plan, fails, spent) : plan;
  for (let changed = true; changed;) {
    changed = false;
    for (let i = 0; i < current.deviations.length; i++) {
      for (const field of ['again', 'delay'] as const) {
        const deviation = current.deviations[i]!;
        // Canonical is delay 0 and no redelivery; `again: 0` is an immediate redelivery.
        if (field === 'delay' ? deviation.delay === 0 : deviation.again === null) continue;
        if (spent()) return current;
        const deviations = [...current.deviations];
        deviations[i] = field === 'delay' ? { ...deviation, delay: 0 } : { ...deviation, again: null };
        const candidate = { count: current.count, deviations };
        if (await fails(candidate)) {
          current = candidate;
          changed = true;
        }
      }
    }
  }
  return current;
}
