/**
 * What a bounded stand-in is made of: the marker printed where something was cut, and empty containers
 * that keep a value's class name (through a labelled prototype) without the class's own methods.
 */
import { inspectCustom, util } from '../runtime/builtins.ts';

// node:util is already loaded by Node's bootstrap: reading it here is a lookup (runtime/builtins.ts).
const { types } = util();

const MATCHER = Symbol.for('jest.asymmetricMatcher');

/**
 * A marker printed as its bare text: pretty-format (Jest's and Vitest's printers and diffs) prints an
 * asymmetric matcher as `toAsymmetricMatcher()`, util.inspect uses `inspect.custom`.
 */
export class Cut {
  readonly $$typeof = MATCHER;
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  asymmetricMatch(other: unknown): boolean {
    return other instanceof Cut && other.text === this.text;
  }
  /** pretty-format reads the name from toString() to special-case ArrayContaining & co. */
  toString(): string {
    return 'Cut';
  }
  toAsymmetricMatcher(): string {
    return this.text;
  }
  [inspectCustom](): string {
    return this.text;
  }
}

/** 999990 → "999 990". */
export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

/** Objects kept whole: printers show them briefly, and a copy would lose their internal slots. */
export function isLeafObject(value: object): boolean {
  return (
    types.isDate(value) ||
    types.isRegExp(value) ||
    types.isBoxedPrimitive(value) ||
    types.isPromise(value) ||
    types.isWeakMap(value) ||
    types.isWeakSet(value) ||
    types.isAnyArrayBuffer(value) ||
    types.isDataView(value)
  );
}

/** `Map.prototype.size` read without calling anything the value itself defines. */
export function sizeOf(collection: Map<unknown, unknown> | Set<unknown>): number {
  const prototype = types.isMap(collection) ? Map.prototype : Set.prototype;
  return Object.getOwnPropertyDescriptor(prototype, 'size')!.get!.call(collection) as number;
}

/** An empty stand-in of the same kind as `value` that keeps its class name. */
export function shellOf(value: object): object {
  const proto = Object.getPrototypeOf(value) as object | null;
  if (Array.isArray(value))
    return proto === Array.prototype ? [] : Object.setPrototypeOf([], labelled(nameOf(proto), Array.prototype));
  if (types.isTypedArray(value)) return Object.setPrototypeOf([], labelled(nameOf(proto), Array.prototype));
  if (types.isMap(value))
    return proto === Map.prototype
      ? new Map()
      : Object.setPrototypeOf(new Map(), labelled(nameOf(proto), Map.prototype));
  if (types.isSet(value))
    return proto === Set.prototype
      ? new Set()
      : Object.setPrototypeOf(new Set(), labelled(nameOf(proto), Set.prototype));
  if (proto === null || proto === Object.prototype) return Object.create(proto) as object;
  // An asymmetric matcher's printing lives on its prototype and reads only the copied `sample`/`inverse`.
  if (!types.isProxy(value) && isAsymmetricMatcher(value)) return Object.create(proto) as object;
  return Object.create(labelled(nameOf(proto), Object.prototype)) as object;
}

function isAsymmetricMatcher(value: object): boolean {
  for (
    let at: object | null = value, level = 0;
    at && level < 4;
    at = Object.getPrototypeOf(at) as object | null, level++
  ) {
    const descriptor = Object.getOwnPropertyDescriptor(at, '$$typeof');
    if (descriptor) return descriptor.value === MATCHER;
  }
  return false;
}

function nameOf(proto: object | null): string {
  const constructor: unknown = proto && Object.getOwnPropertyDescriptor(proto, 'constructor')?.value;
  const name: unknown =
    typeof constructor === 'function' ? Object.getOwnPropertyDescriptor(constructor, 'name')?.value : undefined;
  return typeof name === 'string' && name !== '' ? name : 'Object';
}

/** "Order", "Array(5)", "Map(3)": what a container cut at the depth limit is shown as. */
export function labelOf(value: object): string {
  try {
    const name = nameOf(Object.getPrototypeOf(value) as object | null);
    if (Array.isArray(value)) return `${name}(${value.length})`;
    if (types.isMap(value) || types.isSet(value)) return `${name}(${sizeOf(value as Map<unknown, unknown>)})`;
    return name;
  } catch {
    return 'Object';
  }
}

const labels = new WeakMap<object, Map<string, object>>();

/**
 * A prototype whose constructor is named `name`, and nothing else: printers show `Order {…}` and
 * `instanceof` works for util.inspect's name lookup, but no method of the real class runs on the copy.
 */
function labelled(name: string, base: object): object {
  let byName = labels.get(base);
  if (!byName) labels.set(base, (byName = new Map()));
  let proto = byName.get(name);
  if (!proto) {
    proto = Object.create(base) as object;
    const constructor = function (): void {};
    Object.defineProperty(constructor, 'name', { value: name });
    constructor.prototype = proto;
    Object.defineProperty(proto, 'constructor', { value: constructor, enumerable: false });
    byName.set(name, proto);
  }
  return proto;
}
