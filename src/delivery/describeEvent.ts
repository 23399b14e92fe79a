import { boundValue, safeInspect, SUMMARY_LIMITS } from '../report/boundValue.ts';

/** An event's description is one short label: longer ones are cut. */
const MAX_CHARS = 80;
const cut = (text: string): string => (text.length > MAX_CHARS ? `${text.slice(0, MAX_CHARS - 1)}…` : text);

/** An event in its own words: its type or name, and its id or key, when it has them. */
export function describeEvent(event: unknown): string {
  try {
    return describe(event);
  } catch {
    // A throwing getter or Proxy trap on the event: the label must not fail the report.
    return '[an event that cannot be described]';
  }
}

function describe(event: unknown): string {
  if (event === null || typeof event !== 'object') return cut(safeInspect(boundValue(event, SUMMARY_LIMITS)));
  const e = event as Record<string, unknown>;
  const kind = [e.type, e.name, e.kind, e.event].find((v) => typeof v === 'string');
  const id = [e.id, e.key, e.eventId, e.aggregateId, e.orderId].find(
    (v) => typeof v === 'string' || typeof v === 'number',
  );
  if (kind !== undefined) return cut(`${kind as string}${id !== undefined ? `(${String(id)})` : ''}`);
  return cut(
    safeInspect(boundValue(event, SUMMARY_LIMITS), {
      depth: 1,
      breakLength: Number.POSITIVE_INFINITY,
      compact: true,
      maxStringLength: 40,
    }),
  );
}
