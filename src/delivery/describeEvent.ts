import { inspect } from 'node:util';

/** An event in its own words: its type or name, and its id or key, when it has them. */
export function describeEvent(event: unknown): string {
  if (event === null || typeof event !== 'object') return inspect(event);
  const e = event as Record<string, unknown>;
  const kind = [e.type, e.name, e.kind, e.event].find((v) => typeof v === 'string');
  const id = [e.id, e.key, e.eventId, e.aggregateId, e.orderId].find((v) => typeof v === 'string' || typeof v === 'number');
  if (kind !== undefined) return `${kind as string}${id !== undefined ? `(${String(id)})` : ''}`;
  return inspect(event, { depth: 1, breakLength: Number.POSITIVE_INFINITY, compact: true, maxStringLength: 40 });
}
