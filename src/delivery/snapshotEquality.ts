/**
 * Equality of two delivery snapshots (snapshot.ts) as values. `valueTesters` are the equality testers
 * that make the runner's `equals` compare snapshots as values: Map and Set contents (the runner's
 * `iterableEquality`) and ArrayBuffer/DataView bytes.
 */
import { util } from '../runtime/builtins.ts';

// Read once: under a test runner's module loader every access to an imported binding can cost a getter call.
// node:util is already loaded by Node's bootstrap: util() is a lookup (runtime/builtins.ts).
const { isAnyArrayBuffer, isDataView } = util().types;
const { isDeepStrictEqual } = util();

type Tester = (a: unknown, b: unknown, ...rest: never[]) => boolean | undefined;

const bytesOf = (value: unknown): Uint8Array | undefined =>
  isAnyArrayBuffer(value)
    ? new Uint8Array(value)
    : isDataView(value)
      ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
      : undefined;

/** ArrayBuffer and DataView contents, which the runner's `toEqual` does not look into. */
const bytesEquality: Tester = (a, b) => {
  const bytesA = bytesOf(a);
  const bytesB = bytesOf(b);
  if (!bytesA || !bytesB) return undefined;
  return bytesA.length === bytesB.length && bytesA.every((byte, i) => byte === bytesB[i]);
};

/** The testers that, with the runner's `equals` and its `iterableEquality`, compare two snapshots as values. */
export function valueTesters(iterableEquality: Tester): Tester[] {
  return [iterableEquality, bytesEquality];
}

/**
 * Two snapshots are the same value when Node finds them deep-strictly equal (Map/Set contents, bytes,
 * prototypes: everything the runner's equality would also call equal, and ten times quicker), or else
 * when the runner's `equals` with `valueTesters` does (undefined properties, custom testers).
 */
export function snapshotEquality(
  runnerEquals: (a: unknown, b: unknown) => boolean,
): (a: unknown, b: unknown) => boolean {
  return (a, b) => isDeepStrictEqual(a, b) || runnerEquals(a, b);
}
