/**
 * Bounded stand-ins of values for failure messages. Whatever a probe returned (a 1M-item array, a
 * 50 MB string, a cyclic graph, a revoked Proxy, an object whose getters throw), the runner's printer
 * and diff are handed something small, so the message is small and quick to build.
 *
 * A value that fits the limits is returned as is (the same reference), so ordinary values print
 * exactly as they always did. Only the parts that do not fit are replaced:
 * - arrays, typed arrays, Maps and Sets keep `items` entries, then a marker entry ("… 999 900 more items");
 * - strings keep `chars` characters, then " … [999 990 more characters]";
 * - objects keep `keys` own enumerable keys, then a `'…'` key ("12 more keys");
 * - below `depth` levels, or past `values` values in all, a container becomes a marker ("[Object]");
 * - an own getter is never called: it shows as "[Getter]"; a value that throws when read shows
 *   as "[unprintable value: …]"; a Proxy is read once, through its traps, into a plain stand-in.
 * A stand-in keeps the class name: a plain object whose prototype is a labelled one (`Order {…}`),
 * never the class's own prototype, whose methods (`toJSON`, `inspect.custom`) would run on a copy
 * that lacks their private state. Asymmetric matchers keep their own prototype, which is what the
 * printers call (`toAsymmetricMatcher`), and only read the copied `sample`.
 *
 * `boundPair(expected, received)` cuts both sides of a diff at the same places, and moves an array's
 * (or string's) window to the first difference, so a diff of two cut values still shows where they differ.
 */
import type { InspectOptions } from 'node:util';
import { inspect, util } from '../runtime/builtins.ts';
import type { BoundLimits } from './boundLimits.ts';
import { walkValue } from './boundWalk.ts';
import { formatCount } from './standIn.ts';

export { formatCount };

export type { BoundLimits };

/** For a value printed on its own or in a diff (the last value, the expected value, `context`). */
export const VALUE_LIMITS: Readonly<BoundLimits> = Object.freeze({
  items: 100,
  keys: 100,
  chars: 10_000,
  totalChars: 50_000,
  depth: 10,
  values: 2_000,
});
/** For the one-line summaries of the timeline, made on every failed attempt. */
export const SUMMARY_LIMITS: Readonly<BoundLimits> = Object.freeze({
  items: 10,
  keys: 20,
  chars: 120,
  totalChars: 600,
  depth: 3,
  values: 100,
});
/** Characters per section of a failure message (a value, a diff, an error, the timeline, the context). */
export const SECTION_CAP = 64 * 1024;
/** Characters per whole failure message. */
export const MESSAGE_CAP = 256 * 1024;

/** One line saying what was thrown, whatever it is; never throws. */
export function describeThrown(error: unknown): string {
  try {
    if (util().types.isNativeError(error) || error instanceof Error) {
      const { name, message } = error as Error;
      return cutLine(
        `${typeof name === 'string' ? name : 'Error'}: ${typeof message === 'string' ? message.split('\n')[0] : ''}`,
      );
    }
  } catch {
    // a throwing name/message getter or prototype trap: fall through to a plain rendering
  }
  return cutLine(safeInspect(boundValue(error, SUMMARY_LIMITS), { depth: 2, breakLength: Number.POSITIVE_INFINITY }));
}

/** util.inspect that never throws (a throwing `inspect.custom` or trap gives a marker instead). */
export function safeInspect(value: unknown, options: InspectOptions = {}): string {
  try {
    return inspect(value, { colors: false, ...options });
  } catch (error) {
    return `[a value that cannot be printed: ${error instanceof Error ? String(error.message).split('\n')[0] : typeof error}]`;
  }
}

function cutLine(text: string, max = 200): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The cut text of a too-long message, section or line, with a marker saying what was cut. */
export function capText(text: string, max: number, what = 'message'): string {
  if (typeof text !== 'string') return capText(safeInspect(text), max, what);
  if (text.length <= max) return text;
  // Room for the marker and a colour reset, so the result is never longer than `max`.
  let end = Math.max(0, max - 100);
  // End at a line break when one is near, so no line is cut in half; never inside a colour code or a surrogate pair.
  const lineEnd = text.lastIndexOf('\n', end);
  if (lineEnd > end - 2_000 && lineEnd > 0) end = lineEnd;
  const escape = text.lastIndexOf('\u001b', end);
  if (escape !== -1 && escape > end - 20 && !text.slice(escape, end).includes('m')) end = escape;
  if (isHighSurrogate(text.charCodeAt(end - 1))) end--;
  const reset = text.lastIndexOf('\u001b[', end) === -1 ? '' : '\u001b[0m';
  return `${text.slice(0, end)}${reset}\n… [cut: ${what} over ${formatCount(max)} characters; ${formatCount(text.length - end)} more left out]`;
}

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;

/** A cheap bounded stand-in of `value` for printing (see the module comment for what is cut). */
export function boundValue<T>(value: T, limits: Readonly<BoundLimits> = VALUE_LIMITS): T {
  return walkValue(value, limits) as T;
}

/** Both sides of a diff, bounded alike and with their windows on the first difference. */
export function boundPair<A, B>(expected: A, received: B, limits: Readonly<BoundLimits> = VALUE_LIMITS): [A, B] {
  return [walkValue(expected, limits, received) as A, walkValue(received, limits, expected) as B];
}
