/**
 * The one rule for the delivery matchers' snapshots: a snapshot is a COPY of the state, compared as a
 * VALUE. The live object, compared with itself later, would make every handler look idempotent.
 *
 * The copy keeps Map, Set, Date, RegExp, typed arrays, ArrayBuffer, DataView, URL, boxed primitives,
 * errors, class instances (own properties, prototype kept) and cycles. Functions are not data: object
 * properties, Map entries and Set members holding one are left out, an array element holding one
 * becomes `undefined`. An own enumerable getter is read once, as a comparison would read it. What
 * keeps its data where a copy cannot see it (a WeakMap, a Promise, a Proxy, an iterator…) is a
 * TypeError naming its path, since copying it would compare an empty shell.
 */
import { util } from '../runtime/builtins.ts';
import { isUrl, refusal } from './copyRefusal.ts';
import { StopSignal } from './session.ts';

export { snapshotEquality, valueTesters } from './snapshotEquality.ts';

// Read once: under a test runner's module loader every access to an imported binding can cost a getter call.
const { isAnyArrayBuffer, isBoxedPrimitive, isDataView, isDate, isMap, isNativeError, isRegExp, isSet, isTypedArray } =
  util().types;

/** A path segment from the root `state()`, joined only when an error needs it. */
interface Path {
  parent: Path | undefined;
  segment: string;
}

export class SnapshotError extends TypeError {
  constructor(where: string, path: Path, what: string, root: string) {
    super(
      `${where}: ${pathText(path)} is ${what}, which cannot be copied, so the state after one delivery could not be compared with the state after the next. ` +
        `Make ${root} return plain data (objects, arrays, Map, Set, Date, typed arrays, class instances with data properties), ` +
        'or pass `snapshot: (state) => data` to turn it into plain data yourself.',
    );
    this.name = 'TypeError';
  }
}

function pathText(path: Path): string {
  const segments: string[] = [];
  for (let p: Path | undefined = path; p; p = p.parent) segments.push(p.segment);
  const text = segments.reverse().join('');
  return text.length > 200 ? `${text.slice(0, 100)}…${text.slice(-99)}` : text;
}

const keySegment = (key: string | symbol): string =>
  typeof key === 'symbol'
    ? `[${String(key)}]`
    : /^[A-Za-z_$][\w$]*$/.test(key)
      ? `.${key}`
      : `[${JSON.stringify(key)}]`;

function mapKeySegment(key: unknown, i: number): string {
  if (typeof key === 'string') return `.get(${JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key)})`;
  if (typeof key === 'number' || typeof key === 'boolean' || typeof key === 'bigint' || key == null)
    return `.get(${String(key)}${typeof key === 'bigint' ? 'n' : ''})`;
  return `.get(<key #${i}>)`;
}

class Copier {
  private readonly seen = new Map<object, unknown>();
  private readonly where: string;
  private readonly root: string;

  constructor(where: string, root: string) {
    this.where = where;
    this.root = root;
  }

  copy(value: unknown, path: Path): unknown {
    if (value === null || typeof value !== 'object') return value;
    const done = this.seen.get(value);
    if (done !== undefined) return done;
    const refused = refusal(value);
    if (refused) throw new SnapshotError(this.where, path, refused, this.root);
    const native = this.copyNative(value, path);
    if (native !== undefined) return native;
    const copy: object = Array.isArray(value) ? new Array<unknown>(value.length) : {};
    this.seen.set(value, copy);
    this.copyProperties(value, copy, path, true);
    // Set last, so that no setter of the prototype runs while the copy is filled.
    const prototype = Object.getPrototypeOf(value) as object | null;
    if (prototype !== Object.getPrototypeOf(copy)) Object.setPrototypeOf(copy, prototype);
    return copy;
  }

  /** Objects whose data is in internal slots the copy must recreate; undefined for plain data. */
  private copyNative(value: object, path: Path): object | undefined {
    let copy: object;
    if (isMap(value)) copy = this.keep(value, new Map());
    else if (isSet(value)) copy = this.keep(value, new Set());
    else if (isDate(value)) copy = new Date((value as Date).getTime());
    else if (isRegExp(value))
      copy = Object.assign(new RegExp((value as RegExp).source, (value as RegExp).flags), {
        lastIndex: (value as RegExp).lastIndex,
      });
    else if (isAnyArrayBuffer(value)) copy = (value as ArrayBuffer).slice(0);
    else if (isDataView(value)) copy = new DataView(copyBytes(value));
    else if (isTypedArray(value)) copy = copyTypedArray(value);
    // A real Error (its internal slot is what the runners' equality checks); own properties follow.
    else if (isNativeError(value)) copy = new Error();
    else if (isBoxedPrimitive(value)) copy = Object((value as { valueOf(): unknown }).valueOf()) as object;
    else if (isUrl(value)) copy = new (value.constructor as new (text: string) => object)(value.toString());
    else return undefined;
    Object.setPrototypeOf(copy, Object.getPrototypeOf(value));
    this.seen.set(value, copy);
    if (isMap(value)) this.copyEntries(value as Map<unknown, unknown>, copy as Map<unknown, unknown>, path);
    if (isSet(value)) this.copyMembers(value as Set<unknown>, copy as Set<unknown>, path);
    // Extra own data on a Map, Date, Buffer… (never the indices of a typed array: those are the bytes).
    if (!isTypedArray(value)) this.copyProperties(value, copy, path);
    return copy;
  }

  /** Registers the (still empty) container before its contents, so a cycle through it finds it. */
  private keep<T extends object>(value: object, copy: T): T {
    this.seen.set(value, copy);
    return copy;
  }

  private copyEntries(value: Map<unknown, unknown>, copy: Map<unknown, unknown>, path: Path): void {
    let i = 0;
    for (const [key, item] of value) {
      if (typeof key !== 'function' && typeof item !== 'function') {
        const keyCopy = this.copy(key, { parent: path, segment: `.keys()[${i}]` });
        copy.set(keyCopy, this.copy(item, { parent: path, segment: mapKeySegment(key, i) }));
      }
      i++;
    }
  }

  private copyMembers(value: Set<unknown>, copy: Set<unknown>, path: Path): void {
    let i = 0;
    for (const member of value) {
      if (typeof member !== 'function') copy.add(this.copy(member, { parent: path, segment: `.values()[${i}]` }));
      i++;
    }
  }

  private copyProperties(value: object, copy: object, path: Path, plain = false): void {
    const isArray = Array.isArray(value);
    for (const key of Reflect.ownKeys(value)) {
      if (isArray && key === 'length') continue;
      const descriptor = Object.getOwnPropertyDescriptor(value, key)!;
      let item: unknown;
      if ('value' in descriptor) item = descriptor.value;
      // An error's `stack` is an own accessor in V8, not data a getter computes.
      else if (descriptor.get && (descriptor.enumerable || (key === 'stack' && isNativeError(value))))
        item = this.readGetter(value, key, path);
      else continue;
      if (typeof item === 'function') {
        if (isArray && typeof key === 'string' && /^\d+$/.test(key)) (copy as unknown[])[Number(key)] = undefined;
        continue;
      }
      const segment = isArray && typeof key === 'string' && /^\d+$/.test(key) ? `[${key}]` : keySegment(key);
      const itemCopy = this.copy(item, { parent: path, segment });
      // Plain assignment is the fast path (a bare object or array, no setters); the rest is defined.
      if (plain && descriptor.enumerable && key !== '__proto__')
        (copy as Record<string | symbol, unknown>)[key] = itemCopy;
      else
        Object.defineProperty(copy, key, {
          value: itemCopy,
          enumerable: descriptor.enumerable ?? false,
          writable: true,
          configurable: true,
        });
    }
  }

  private readGetter(value: object, key: string | symbol, path: Path): unknown {
    try {
      return (value as Record<string | symbol, unknown>)[key];
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new SnapshotError(
        this.where,
        { parent: path, segment: keySegment(key) },
        `a getter that threw (${message.slice(0, 120)})`,
        this.root,
      );
    }
  }
}

function copyBytes(view: ArrayBufferView): ArrayBuffer {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice().buffer;
}

// The intrinsic constructor by its tag (a Buffer's is Uint8Array); the prototype is restored after.
function copyTypedArray(value: ArrayBufferView): object {
  const name = Object.prototype.toString.call(value).slice(8, -1);
  const Intrinsic = (globalThis as unknown as Record<string, new (buffer: ArrayBuffer) => object>)[name]!;
  return new Intrinsic(copyBytes(value));
}

/**
 * A copy of `value` by the rule above, or a SnapshotError naming the path of what cannot be copied.
 * `root` names the value in that path (`state()`, `snapshot(state)`).
 */
export function copyValue(where: string, value: unknown, root = 'state()'): unknown {
  if (typeof value === 'function') {
    throw new TypeError(`${where}: ${root} returned a function, not the state: call it, or return the data it reads.`);
  }
  try {
    return new Copier(where, root).copy(value, { parent: undefined, segment: root });
  } catch (error) {
    if (error instanceof RangeError) {
      throw new TypeError(
        `${where}: ${root} is nested too deeply to copy (${error.message}); pass \`snapshot: (state) => data\` with a flatter form of it.`,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
}

export interface SnapshotSettings {
  where: string;
  ignore: readonly string[];
  /** The user's own `snapshot` option: turns what `state()` returned into data, which is then copied. */
  snapshot?: ((state: never) => unknown) | undefined;
}

/** The state before the first delivery when `state()` threw then: unlike any state read after it. */
export const NOT_READABLE = Symbol('state() threw before the first delivery');

/** Reads the state and returns its copy, minus ignored paths. */
export async function takeSnapshot(
  state: (() => unknown) | undefined,
  settings: SnapshotSettings,
  before?: 'before the first delivery',
): Promise<unknown> {
  if (!state) return undefined;
  let value: unknown;
  try {
    value = await state();
  } catch (error) {
    // Before the first delivery, `state()` may throw for a record that does not exist yet: that is a state too.
    if (before && !(error instanceof StopSignal)) return NOT_READABLE;
    throw error;
  }
  const copy = settings.snapshot
    ? copyValue(settings.where, await settings.snapshot(value as never), 'snapshot(state)')
    : copyValue(settings.where, value);
  for (const path of settings.ignore) removePath(copy, path.split('.'));
  return copy;
}

/** Removes `a.b.c` (through Map keys too); `*` matches every key or index at that level (`ledger.*.at`). */
function removePath(target: unknown, segments: readonly string[]): void {
  if (target === null || typeof target !== 'object' || segments.length === 0) return;
  const [head, ...rest] = segments as [string, ...string[]];
  if (target instanceof Map) {
    const keys = head === '*' ? [...target.keys()] : target.has(head) ? [head] : [];
    for (const key of keys) {
      if (rest.length === 0) target.delete(key);
      else removePath(target.get(key), rest);
    }
    return;
  }
  const record = target as Record<string, unknown>;
  const keys = head === '*' ? Object.keys(record) : [head];
  for (const key of keys) {
    if (!(key in record)) continue;
    if (rest.length === 0) delete record[key];
    else removePath(record[key], rest);
  }
}
