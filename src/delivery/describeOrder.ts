/**
 * Delivery orders in the events' own words, bounded: a short order is printed whole; a long one
 * shows the deliveries that deviate from the canonical order (with a neighbour on each side) and
 * says how many in-order deliveries it left out between them.
 */
import type { Delivery } from './deliveryPlan.ts';
import { describeEvent } from './describeEvent.ts';

/** Orders up to this many deliveries print whole. */
const WHOLE = 12;
/** Deliveries shown at most from a long order. */
const SHOWN = 24;

export const eventLabel = (events: readonly unknown[], index: number): string =>
  `e${index + 1} ${describeEvent(events[index])}`;

/** For each first delivery, how many slots later than canonical it came (0 for redeliveries). */
function lateness(order: readonly Delivery[]): Int32Array {
  const late = new Int32Array(order.length);
  let firsts = 0;
  for (const [position, d] of order.entries()) {
    if (d.duplicate) continue;
    late[position] = firsts - d.index;
    firsts++;
  }
  return late;
}

/** How many events the order moves later or redelivers. */
export function countDeviations(order: readonly Delivery[]): number {
  const late = lateness(order);
  return order.reduce((n, d, position) => n + (d.duplicate || late[position]! > 0 ? 1 : 0), 0);
}

function entry(events: readonly unknown[], d: Delivery, late: number): string {
  const base = `e${d.index + 1}${d.duplicate ? '*' : ''} ${describeEvent(events[d.index])}`;
  if (d.duplicate) return `${base} [redelivered]`;
  return late > 0 ? `${base} [${late} late]` : base;
}

const gap = (n: number, deviating = 0): string =>
  deviating ? `… ${n} more (${deviating} of them late or redelivered) …` : `… ${n} in order …`;

export function orderLine(events: readonly unknown[], order: readonly Delivery[]): string {
  const late = lateness(order);
  if (order.length <= WHOLE) return order.map((d, i) => entry(events, d, late[i]!)).join(' · ');
  const keep = new Uint8Array(order.length);
  keep[0] = keep[order.length - 1] = 1;
  let marked = 0;
  for (let i = 0; i < order.length && marked < SHOWN; i++) {
    if (!order[i]!.duplicate && late[i]! <= 0) continue;
    for (const j of [i - 1, i, i + 1]) {
      if (j < 0 || j >= order.length || keep[j]) continue;
      keep[j] = 1;
      marked++;
    }
  }
  const parts: string[] = [];
  let skipped = 0;
  let deviating = 0;
  for (let i = 0; i < order.length; i++) {
    if (!keep[i]) {
      skipped++;
      if (order[i]!.duplicate || late[i]! > 0) deviating++;
      continue;
    }
    if (skipped) parts.push(gap(skipped, deviating));
    skipped = deviating = 0;
    parts.push(entry(events, order[i]!, late[i]!));
  }
  return parts.join(' · ');
}

/** The canonical order: whole when short, else its ends. */
export function canonicalLine(events: readonly unknown[]): string {
  if (events.length <= WHOLE) return events.map((_, i) => eventLabel(events, i)).join(' · ');
  return `${eventLabel(events, 0)} · ${eventLabel(events, 1)} · ${gap(events.length - 3)} · ${eventLabel(events, events.length - 1)} (all ${events.length} in order, once each)`;
}
