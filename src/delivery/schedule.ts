/**
 * The replay form of a delivery order: `e1 e2 e4 e2* e3`, 1-based, `*` marks a redelivery, and a
 * long stretch in canonical order as a range (`e5..e19998`), so that a replay option for 20 000
 * events stays a line long.
 */
import type { Delivery } from './deliveryPlan.ts';

/** Stretches at least this long print as a range; shorter ones are spelt out (easier to read). */
const RANGE_MIN = 10;

export function formatSchedule(order: readonly Delivery[]): string {
  const tokens: string[] = [];
  for (let i = 0; i < order.length;) {
    const d = order[i]!;
    let end = i;
    if (!d.duplicate)
      while (end + 1 < order.length && !order[end + 1]!.duplicate && order[end + 1]!.index === order[end]!.index + 1)
        end++;
    if (end - i + 1 >= RANGE_MIN) {
      tokens.push(`e${d.index + 1}..e${order[end]!.index + 1}`);
      i = end + 1;
    } else {
      tokens.push(`e${d.index + 1}${d.duplicate ? '*' : ''}`);
      i++;
    }
  }
  return tokens.join(' ');
}

const listOf = (indices: number[]): string => {
  const shown = indices
    .slice(0, 10)
    .map((i) => `e${i + 1}`)
    .join(', ');
  return indices.length > 10 ? `${shown} and ${indices.length - 10} more` : shown;
};

const tokenText = (token: unknown): string => {
  const text = JSON.stringify(token) ?? String(token);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
};

function indicesOf(where: string, token: unknown, count: number): number[] {
  const notAnEvent = (): TypeError =>
    new TypeError(
      `${where}: \`schedule\` names ${tokenText(token)}, which is not one of the ${count} events (e1 … e${count}).`,
    );
  const check = (index: number): number => {
    if (!Number.isInteger(index) || index < 0 || index >= count) throw notAnEvent();
    return index;
  };
  if (typeof token === 'number') return [check(token)];
  if (typeof token !== 'string') throw notAnEvent();
  const range = /^e(\d+)\.\.e(\d+)$/.exec(token);
  if (range) {
    const [from, to] = [check(Number(range[1]) - 1), check(Number(range[2]) - 1)];
    if (to < from)
      throw new TypeError(
        `${where}: \`schedule\` range ${tokenText(token)} runs backwards; write e${to + 1}..e${from + 1}.`,
      );
    return Array.from({ length: to - from + 1 }, (_, k) => from + k);
  }
  if (!/^e\d+\*?$/.test(token)) throw notAnEvent();
  return [check(Number(token.slice(1).replace('*', '')) - 1)];
}

/** Parses a replay schedule: the string form, or a list of 0-based indices (repeats are redeliveries). */
export function parseSchedule(where: string, schedule: unknown, count: number): Delivery[] {
  const tokens: unknown[] =
    typeof schedule === 'string'
      ? schedule.trim().split(/\s+/).filter(Boolean)
      : Array.isArray(schedule)
        ? schedule
        : [];
  if (tokens.length === 0)
    throw new TypeError(
      `${where}: \`schedule\` must be a string like "e1 e3 e2 e2*" or a list of 0-based event indices, got ${typeof schedule === 'string' ? 'an empty string' : typeof schedule}.`,
    );
  const seen = new Set<number>();
  const order: Delivery[] = [];
  for (const token of tokens) {
    for (const index of indicesOf(where, token, count)) {
      order.push({ index, duplicate: seen.has(index) });
      seen.add(index);
    }
  }
  if (seen.size !== count)
    throw new TypeError(
      `${where}: \`schedule\` must deliver every event at least once; it never delivers ${listOf(Array.from({ length: count }, (_, i) => i).filter((i) => !seen.has(i)))}.`,
    );
  return order;
}
