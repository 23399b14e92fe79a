/**
 * The one duration grammar of every option and flag (the reporter's `window` and `retention`, `unflake
 * flakes --window/--for`, `wait-ready --timeout`): a number of milliseconds, or a number and a unit,
 * `ms`, `s`, `m` (or `min`), `h`, `d` or `w`: `1500ms`, `90s`, `2m`, `36h`, `14d`, `2w`, `1.5s`.
 */

const DAY = 86_400_000;
const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, min: 60_000, h: 3_600_000, d: DAY, w: 7 * DAY };

export const DURATION_EXAMPLES = '1500ms, 90s, 2m, 36h, 14d or 2w (a bare number is milliseconds)';

/** Milliseconds (> 0), or undefined when the value is not a duration of that grammar. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|min|m|h|d|w)?\s*$/.exec(value);
  if (!match) return undefined;
  const ms = Number(match[1]) * UNITS[match[2] ?? 'ms']!;
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

/** A rate between 0 and 1 from `0.005`, `0.5%` or a number, else undefined. */
export function parseRate(value: unknown): number | undefined {
  let rate: number;
  if (typeof value === 'number') rate = value;
  else if (typeof value === 'string' && /^\s*\d+(?:\.\d+)?\s*%\s*$/.test(value)) rate = Number.parseFloat(value) / 100;
  else if (typeof value === 'string' && /^\s*\d+(?:\.\d+)?\s*$/.test(value)) rate = Number(value);
  else return undefined;
  return Number.isFinite(rate) && rate >= 0 && rate <= 1 ? rate : undefined;
}

export const pct = (rate: number): string => `${(rate * 100).toFixed(2)}%`;

export const day = (iso: string): string => iso.slice(0, 10);

export const DAY_MS = DAY;

/** `n thing` or `n things`. */
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
