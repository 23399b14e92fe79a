/** What a snapshot (snapshot.ts) refuses to copy: objects that keep their data where a copy cannot see it. */
import { util } from '../runtime/builtins.ts';

// Read once: under a test runner's module loader every access to an imported binding can cost a getter call.
// node:util is already loaded by Node's bootstrap: util() is a lookup (runtime/builtins.ts).
const {
  isAnyArrayBuffer,
  isArrayBufferView,
  isBoxedPrimitive,
  isDate,
  isExternal,
  isGeneratorObject,
  isMap,
  isMapIterator,
  isModuleNamespaceObject,
  isNativeError,
  isPromise,
  isProxy,
  isRegExp,
  isSet,
  isSetIterator,
  isWeakMap,
  isWeakSet,
} = util().types;

const REFUSED_TAGS: Record<string, string> = {
  WeakRef: 'a WeakRef',
  FinalizationRegistry: 'a FinalizationRegistry',
};

/** The tags of objects whose data lives in own properties, or that `copyNative` copies. */
const DATA_TAGS = new Set(['Object', 'Array', 'Error', 'Arguments']);

/** What makes `value` impossible to copy faithfully, or undefined. Checked before anything is read from it. */
export function refusal(value: object): string | undefined {
  if (isProxy(value)) return 'a Proxy (reading it runs its traps, so what it holds is not known)';
  if (isWeakMap(value)) return 'a WeakMap';
  if (isWeakSet(value)) return 'a WeakSet';
  if (isPromise(value)) return 'a Promise';
  if (isGeneratorObject(value) || isMapIterator(value) || isSetIterator(value)) return 'an iterator';
  if (isModuleNamespaceObject(value)) return 'a module namespace';
  // (Not isKeyObject/isCryptoKey: each call costs microseconds, and a key's tag catches it below.)
  if (isExternal(value)) return 'a native handle';
  const tag = Object.prototype.toString.call(value).slice(8, -1);
  if (REFUSED_TAGS[tag]) return REFUSED_TAGS[tag];
  // A tagged object with no own properties keeps its data in internal slots or private fields
  // (Headers, Blob, a class with `#fields` and a toStringTag): its copy would be an empty shell.
  if (!DATA_TAGS.has(tag) && Reflect.ownKeys(value).length === 0 && !isCopiedNatively(value))
    return `a ${tag} whose data is not in its own properties`;
  return undefined;
}

const isCopiedNatively = (value: object): boolean =>
  isMap(value) ||
  isSet(value) ||
  isDate(value) ||
  isRegExp(value) ||
  isAnyArrayBuffer(value) ||
  isArrayBufferView(value) ||
  isBoxedPrimitive(value) ||
  isNativeError(value) ||
  isUrl(value);

export function isUrl(value: object): value is URL | URLSearchParams {
  const tag = Object.prototype.toString.call(value);
  return (
    (tag === '[object URL]' && typeof (value as URL).href === 'string') ||
    (tag === '[object URLSearchParams]' && typeof value.toString === 'function')
  );
}
