/**
 * A delivery plan: for each event, how many slots late it arrives, and whether (and how much later)
 * it is delivered again. All zeros and no duplicates is the canonical in-order, once-only delivery,
 * so shrinking every field toward 0/none moves toward it one local step at a time.
 */
import type { Arbitrary } from 'fast-check';
import { loadFastCheck } from './loadFastCheck.ts';

export interface DeliveryPlan {
  delays: number[];
  duplicates: (number | null)[];
}

export interface Delivery {
  index: number;
  duplicate: boolean;
}

export function planArbitrary(count: number, withDuplicates: boolean): Arbitrary<DeliveryPlan> {
  const fc = loadFastCheck();
  const slot = fc.nat({ max: Math.max(0, count - 1) });
  // Mostly none: shrinking an oneof goes to its first arm, so a duplicate shrinks away first.
  const duplicate = withDuplicates ? fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary: slot, weight: 1 }) : fc.constant(null);
  return fc.record({
    delays: fc.array(slot, { minLength: count, maxLength: count }),
    duplicates: fc.array(duplicate, { minLength: count, maxLength: count }),
  });
}

/** The order a plan delivers in; `keyOf` keeps events of one key in their canonical order. */
export function planToOrder(plan: DeliveryPlan, keyOf?: (index: number) => unknown): Delivery[] {
  const slots = plan.delays.flatMap((delay, index) => {
    const original = { index, duplicate: false, at: index + delay };
    const again = plan.duplicates[index];
    return again === null || again === undefined ? [original] : [original, { index, duplicate: true, at: index + delay + again + 0.5 }];
  });
  slots.sort((a, b) => a.at - b.at || a.index - b.index || Number(a.duplicate) - Number(b.duplicate));
  const order: Delivery[] = slots.map(({ index, duplicate }) => ({ index, duplicate }));
  if (!keyOf) return order;
  // Within a key (a partition), first deliveries keep canonical order: reassign that key's slots.
  const byKey = new Map<unknown, number[]>();
  for (const delivery of order) if (!delivery.duplicate) byKey.set(keyOf(delivery.index), [...(byKey.get(keyOf(delivery.index)) ?? []), delivery.index]);
  for (const indices of byKey.values()) indices.sort((a, b) => a - b);
  const next = new Map<unknown, number>();
  return order.map((delivery) => {
    if (delivery.duplicate) return delivery;
    const key = keyOf(delivery.index);
    const position = next.get(key) ?? 0;
    next.set(key, position + 1);
    return { index: byKey.get(key)![position]!, duplicate: false };
  });
}

/** Greedy 1-minimality: revert each remaining deviation and keep the revert while the plan still fails. */
export async function minimizePlan(plan: DeliveryPlan, fails: (plan: DeliveryPlan) => Promise<boolean>): Promise<DeliveryPlan> {
  let current = { delays: [...plan.delays], duplicates: [...plan.duplicates] };
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = 0; i < current.delays.length; i++) {
      for (const field of ['duplicates', 'delays'] as const) {
        const value = current[field][i];
        // Canonical is delay 0 and duplicate null; a duplicate of 0 is an immediate redelivery.
        if (field === 'delays' ? value === 0 : value === null) continue;
        const candidate = { delays: [...current.delays], duplicates: [...current.duplicates] };
        if (field === 'delays') candidate.delays[i] = 0;
        else candidate.duplicates[i] = null;
        if (await fails(candidate)) {
          current = candidate;
          changed = true;
        }
      }
    }
  }
  return current;
}

/** `e1 e2 e4 e2* e3`: 1-based, `*` marks a redelivery. */
export function formatSchedule(order: readonly Delivery[]): string {
  return order.map((d) => `e${d.index + 1}${d.duplicate ? '*' : ''}`).join(' ');
}

/** Parses a replay schedule: the string form, or a list of 0-based indices (repeats are redeliveries). */
export function parseSchedule(where: string, schedule: unknown, count: number): Delivery[] {
  const tokens: unknown[] = typeof schedule === 'string' ? schedule.trim().split(/\s+/) : Array.isArray(schedule) ? schedule : [];
  if (tokens.length === 0) throw new TypeError(`${where}: \`schedule\` must be a string like "e1 e3 e2 e2*" or a list of 0-based event indices, got ${typeof schedule === 'string' ? 'an empty string' : typeof schedule}.`);
  const seen = new Set<number>();
  const order = tokens.map((token) => {
    const index = typeof token === 'number' ? token : typeof token === 'string' && /^e\d+\*?$/.test(token) ? Number(token.slice(1).replace('*', '')) - 1 : Number.NaN;
    if (!Number.isInteger(index) || index < 0 || index >= count) throw new TypeError(`${where}: \`schedule\` names ${JSON.stringify(token)}, which is not one of the ${count} events (e1 … e${count}).`);
    const duplicate = seen.has(index);
    seen.add(index);
    return { index, duplicate };
  });
  if (seen.size !== count) throw new TypeError(`${where}: \`schedule\` must deliver every event at least once; it never delivers ${Array.from({ length: count }, (_, i) => i).filter((i) => !seen.has(i)).map((i) => `e${i + 1}`).join(', ')}.`);
  return order;
}
