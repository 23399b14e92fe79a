/**
 * The extra testers `toStrictEqual` applies in both runners. Neither runner exposes them on the
 * matcher context, and they are a few lines each, so they live here.
 */
type Tester = (a: unknown, b: unknown) => boolean | undefined;

export const typeEquality: Tester = (a, b) => {
  if (a == null || b == null || typeof a !== 'object' || typeof b !== 'object') return undefined;
  return Object.getPrototypeOf(a) === Object.getPrototypeOf(b) ? undefined : false;
};

export const sparseArrayEquality: Tester = (a, b) => {
  if (!Array.isArray(a) || !Array.isArray(b)) return undefined;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  return keysA.length === keysB.length && keysA.every((key, i) => key === keysB[i]) ? undefined : false;
};

export const arrayBufferEquality: Tester = (a, b) => {
  if (!(a instanceof ArrayBuffer) || !(b instanceof ArrayBuffer)) return undefined;
  if (a.byteLength !== b.byteLength) return false;
  const viewA = new Uint8Array(a);
  const viewB = new Uint8Array(b);
  return viewA.every((byte, i) => byte === viewB[i]);
};
