/**
 * The walk behind `boundValue` and `boundPair` (boundValue.ts says what is cut and why). It visits at
 * most `limits.values` values, reads own properties through their descriptors (so no getter runs), and
 * returns the original of every part that fits, so only what does not fit is replaced.
 */
import { util } from '../runtime/builtins.ts';
import type { BoundLimits } from './boundLimits.ts';
import {
  chooseKeys,
  COMPARE_BUDGET,
  firstCharDifference,
  firstItemDifference,
  itemOf,
  NONE,
  propertyOf,
  windows,
} from './findDifference.ts';
import { Cut, formatCount, isLeafObject, labelOf, shellOf, sizeOf } from './standIn.ts';

// node:util is already loaded by Node's bootstrap: reading it here is a lookup (runtime/builtins.ts).
const { types } = util();

interface Walk {
  limits: Readonly<BoundLimits>;
  /** Values left to visit, and string characters left to keep, in the whole value. */
  values: number;
  chars: number;
  compare: number;
  /** Finished: original → its stand-in (itself when it fitted). Shared parts are bounded once. */
  done: Map<object, unknown>;
  /** Being visited: a cycle back to one gets its stand-in, created then and filled when it finishes. */
  open: Map<object, { shell?: object }>;
}

/** `other` is the value at the same place on the other side of a diff, if there is one. */
export function walkValue(value: unknown, limits: Readonly<BoundLimits>, other: unknown = NONE): unknown {
  const walk: Walk = {
    limits,
    values: limits.values,
    chars: limits.totalChars,
    compare: COMPARE_BUDGET,
    done: new Map(),
    open: new Map(),
  };
  return visit(walk, value, 0, other);
}

function visit(walk: Walk, value: unknown, depth: number, other: unknown): unknown {
  walk.values--;
  if (typeof value === 'string')
    return boundString(walk, value, typeof other === 'string' ? firstCharDifference(value, other) : -1);
  if (value === null || typeof value !== 'object') return value;
  if (walk.done.has(value)) return walk.done.get(value);
  const open = walk.open.get(value);
  if (open) return (open.shell ??= shellOf(value));
  try {
    return boundObject(walk, value, depth, other);
  } catch (error) {
    // A revoked Proxy, a throwing trap: this part cannot be read, the rest of the value still prints.
    return finish(
      walk,
      value,
      new Cut(
        `[unprintable value: ${error instanceof Error ? `${error.name}: ${String(error.message).split('\n')[0]}` : typeof error}]`,
      ),
    );
  }
}

function finish(walk: Walk, value: object, result: unknown): unknown {
  walk.open.delete(value);
  walk.done.set(value, result);
  return result;
}

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

function boundString(walk: Walk, text: string, focus: number): string {
  const max = Math.min(walk.limits.chars, Math.max(walk.chars, 100));
  walk.chars -= Math.min(text.length, max);
  if (text.length <= max) return text;
  const parts: string[] = [];
  let shown = 0;
  for (const [start, end] of windows(text.length, max, focus)) {
    if (start > shown) parts.push(` … [${formatCount(start - shown)} characters] … `);
    parts.push(
      text.slice(
        isLowSurrogate(text.charCodeAt(start)) ? start + 1 : start,
        isHighSurrogate(text.charCodeAt(end - 1)) ? end - 1 : end,
      ),
    );
    shown = end;
  }
  if (shown < text.length) parts.push(` … [${formatCount(text.length - shown)} more characters]`);
  return parts.join('');
}

function boundObject(walk: Walk, value: object, depth: number, other: unknown): unknown {
  const proxy = types.isProxy(value);
  if (!proxy && isLeafObject(value)) return value;
  if (!proxy && types.isNativeError(value)) return boundError(walk, value as Error);
  if (depth > walk.limits.depth || walk.values <= 0) return finish(walk, value, new Cut(`[${labelOf(value)}]`));
  walk.open.set(value, {});
  if (!proxy && types.isTypedArray(value)) return boundTypedArray(walk, value as unknown as ArrayLike<unknown>);
  if (Array.isArray(value)) return boundArray(walk, value, depth, proxy, other);
  if (!proxy && (types.isMap(value) || types.isSet(value)))
    return boundCollection(walk, value as Map<unknown, unknown> | Set<unknown>, depth);
  return boundPlain(walk, value, depth, proxy, other);
}

function boundError(walk: Walk, error: Error): unknown {
  const message: unknown = Object.getOwnPropertyDescriptor(error, 'message')?.value;
  if (typeof message !== 'string' || message.length <= walk.limits.chars) return error;
  // A real Error (so printers still see one), with the cut message and the original's prototype.
  return finish(
    walk,
    error,
    Object.setPrototypeOf(new Error(boundString(walk, message, -1)), Object.getPrototypeOf(error) as object),
  );
}

function boundTypedArray(walk: Walk, array: ArrayLike<unknown>): unknown {
  if (array.length <= walk.limits.items) return finish(walk, array as object, array);
  const out = (walk.open.get(array as object)?.shell ?? shellOf(array as object)) as unknown[];
  for (let i = 0; i < walk.limits.items; i++) out.push(array[i]);
  out.push(new Cut(`… ${formatCount(array.length - walk.limits.items)} more items`));
  return finish(walk, array as object, out);
}

const HOLE = Symbol('hole');

function boundArray(walk: Walk, array: unknown[], depth: number, proxy: boolean, other: unknown): unknown {
  const counterpart = Array.isArray(other) && !types.isProxy(other) ? (other as unknown[]) : undefined;
  const focus = counterpart && !proxy ? firstItemDifference(walk, array, counterpart) : -1;
  const kept: unknown[] = [];
  let changed = proxy || Object.getPrototypeOf(array) !== Array.prototype;
  let shown = 0;
  for (const [start, end] of windows(array.length, walk.limits.items, focus)) {
    if (start > shown) {
      changed = true;
      kept.push(new Cut(`… ${formatCount(start - shown)} more items …`));
    }
    for (shown = start; shown < end && walk.values > 0; shown++) {
      const descriptor = Object.getOwnPropertyDescriptor(array, shown);
      if (!descriptor) kept.push(HOLE);
      else
        kept.push(
          keep(walk, descriptor, depth, counterpart ? itemOf(counterpart, shown) : NONE, () => (changed = true)),
        );
    }
  }
  if (shown < array.length) {
    changed = true;
    kept.push(new Cut(`… ${formatCount(array.length - shown)} more items${walk.values <= 0 ? ' (size limit)' : ''}`));
  }
  const shell = walk.open.get(array)?.shell;
  if (!changed && !shell) return finish(walk, array, array);
  const out = (shell ?? shellOf(array)) as unknown[];
  for (const item of kept) {
    if (item === HOLE) out.length++;
    else out.push(item);
  }
  return finish(walk, array, out);
}

/** The bounded value of one property; an accessor is shown, never called. */
function keep(
  walk: Walk,
  descriptor: PropertyDescriptor,
  depth: number,
  other: unknown,
  onChange: () => void,
): unknown {
  if (!('value' in descriptor)) {
    onChange();
    return new Cut(descriptor.get && descriptor.set ? '[Getter/Setter]' : descriptor.get ? '[Getter]' : '[Setter]');
  }
  const item = visit(walk, descriptor.value, depth + 1, other);
  if (item !== descriptor.value) onChange();
  return item;
}

function boundCollection(walk: Walk, collection: Map<unknown, unknown> | Set<unknown>, depth: number): unknown {
  const isMap = types.isMap(collection);
  const size = sizeOf(collection);
  // The built-in iterators, not the value's own `entries`, which a subclass may override.
  const entries = (
    isMap ? Map.prototype.entries.call(collection) : Set.prototype.values.call(collection)
  ) as Iterator<unknown>;
  const kept: unknown[][] = [];
  let changed = Object.getPrototypeOf(collection) !== (isMap ? Map.prototype : Set.prototype);
  for (
    let step = entries.next();
    !step.done && kept.length < walk.limits.items && walk.values > 0;
    step = entries.next()
  ) {
    const original = isMap ? (step.value as unknown[]) : [step.value];
    const entry = original.map((part) => visit(walk, part, depth + 1, NONE));
    if (entry.some((part, i) => part !== original[i])) changed = true;
    kept.push(entry);
  }
  const shell = walk.open.get(collection)?.shell;
  if (!changed && kept.length === size && !shell) return finish(walk, collection, collection);
  const out = (shell ?? shellOf(collection)) as Map<unknown, unknown> & Set<unknown>;
  for (const entry of kept) {
    if (isMap) Map.prototype.set.call(out, entry[0], entry[1]);
    else Set.prototype.add.call(out, entry[0]);
  }
  if (kept.length < size) {
    const more = new Cut(`… ${formatCount(size - kept.length)} more ${isMap ? 'entries' : 'items'}`);
    if (isMap) Map.prototype.set.call(out, more, new Cut('…'));
    else Set.prototype.add.call(out, more);
  }
  return finish(walk, collection, out);
}

function boundPlain(walk: Walk, value: object, depth: number, proxy: boolean, other: unknown): unknown {
  const keys: PropertyKey[] = Object.keys(value);
  for (const symbol of Object.getOwnPropertySymbols(value))
    if (Object.getOwnPropertyDescriptor(value, symbol)?.enumerable) keys.push(symbol);
  const counterpart = other !== null && typeof other === 'object' && !types.isProxy(other) ? other : undefined;
  const chosen = keys.length <= walk.limits.keys ? keys : chooseKeys(walk, value, keys, counterpart, walk.limits.keys);
  const kept: Array<[PropertyKey, unknown]> = [];
  let changed = proxy;
  for (const key of chosen) {
    if (walk.values <= 0) break;
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (descriptor)
      kept.push([
        key,
        keep(walk, descriptor, depth, counterpart ? propertyOf(counterpart, key) : NONE, () => (changed = true)),
      ]);
  }
  const shell = walk.open.get(value)?.shell;
  if (!changed && kept.length === keys.length && !shell) return finish(walk, value, value);
  const out = (shell ?? shellOf(value)) as Record<PropertyKey, unknown>;
  for (const [key, item] of kept)
    Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
  if (kept.length < keys.length) out['…'] = new Cut(`${formatCount(keys.length - kept.length)} more keys`);
  return finish(walk, value, out);
}
