/**
 * Where two values first differ, found cheaply, so a cut keeps that place on both sides of a diff.
 * Unsure (the budget is spent, a Proxy, a Map) counts as equal: the worst outcome is the default cut.
 */
import { util } from '../runtime/builtins.ts';
import { isLeafObject } from './standIn.ts';

// node:util is already loaded by Node's bootstrap: reading it here is a lookup (runtime/builtins.ts).
const { types } = util();

/** Values compared per side while looking for the first difference (a few ms for 2M numbers). */
export const COMPARE_BUDGET = 2_000_000;

/** Marks "no value here" (a hole, an accessor, no counterpart), unlike `undefined`, which is a value. */
export const NONE: unique symbol = Symbol('none');

/**
 * `Object.is`, inline: under Jest the global `Object.is` is a call into another realm that costs
 * ~230 ns (measured: 1M of them took 240 ms there, against 1 ms for this).
 */
function same(x: unknown, y: unknown): boolean {
  if (x === y) return x !== 0 || 1 / (x as number) === 1 / (y as number);
  return x !== x && y !== y;
}

export interface CompareBudget {
  compare: number;
}

/** An item read through its descriptor, so an index getter never runs. */
export function itemOf(array: readonly unknown[], index: number): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(array, index);
  return descriptor && 'value' in descriptor ? descriptor.value : NONE;
}

export function propertyOf(object: object, key: PropertyKey): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(object, key);
  return descriptor && 'value' in descriptor ? descriptor.value : NONE;
}

/** Which [start, end) ranges of a too-long sequence to keep: its head, or a short head and a window on `focus`. */
export function windows(length: number, max: number, focus: number): Array<[number, number]> {
  if (length <= max) return [[0, length]];
  if (focus < Math.floor(max * 0.75)) return [[0, max]];
  const head = Math.max(1, Math.floor(max / 10));
  const start = Math.max(head, Math.min(focus - Math.floor(max / 4), length - (max - head)));
  return [
    [0, head],
    [start, Math.min(length, start + max - head)],
  ];
}

export function firstCharDifference(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) return i;
  return a.length === b.length ? -1 : n;
}

/**
 * Items are read directly here, not through descriptors: that is 20× faster on a 1M-item array, and an
 * index getter (only `defineProperty` makes one) is then called once, here; the copy never calls it.
 */
export function firstItemDifference(budget: CompareBudget, a: readonly unknown[], b: readonly unknown[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (budget.compare <= 0) return -1;
    const x = a[i];
    const y = b[i];
    if (!same(x, y) && !looselyEqual(budget, x, y, 0)) return i;
    budget.compare--;
  }
  return a.length === b.length ? -1 : n;
}

/** The first `max` keys, those that differ from the counterpart first: a diff must show them. */
export function chooseKeys(
  budget: CompareBudget,
  value: object,
  keys: readonly PropertyKey[],
  counterpart: object | undefined,
  max: number,
): PropertyKey[] {
  if (!counterpart) return keys.slice(0, max);
  const chosen = new Set<PropertyKey>();
  for (const key of keys) {
    if (chosen.size >= max || budget.compare <= 0) break;
    if (!looselyEqual(budget, propertyOf(value, key), propertyOf(counterpart, key), 0)) chosen.add(key);
  }
  for (const key of keys) {
    if (chosen.size >= max) break;
    chosen.add(key);
  }
  return keys.filter((key) => chosen.has(key));
}

/** A cheap structural equality, only to find where two values differ; never calls a getter. */
function looselyEqual(budget: CompareBudget, a: unknown, b: unknown, depth: number): boolean {
  budget.compare--;
  if (same(a, b)) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (budget.compare <= 0 || depth > 4 || types.isProxy(a) || types.isProxy(b)) return true;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (types.isDate(a)) return a.getTime() === (b as Date).getTime();
  if (Array.isArray(a))
    return a.length === (b as unknown[]).length && firstItemDifference(budget, a, b as unknown[]) === -1;
  if (isLeafObject(a) || types.isMap(a) || types.isSet(a) || types.isTypedArray(a)) return true;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => looselyEqual(budget, propertyOf(a, key), propertyOf(b, key), depth + 1));
}
