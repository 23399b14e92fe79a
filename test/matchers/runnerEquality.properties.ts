/**
 * Generated value pairs for the differential properties of runnerEquality.test.ts: a value is built from
 * a plain description (a "shape"), so a pair can be two fresh builds of one shape (equal, never the same
 * object), a build and a one-step mutation of its shape (nearly equal), the same object twice, or two
 * unrelated values. The runner's own matcher is the oracle; nothing here decides equality.
 */
import fc from 'fast-check';

/** A class, so instances differ from plain objects with the same fields under `toStrictEqual`. */
export class Point {
  x: unknown;
  y: unknown;
  constructor(x: unknown, y: unknown) {
    this.x = x;
    this.y = y;
  }
}

/** Money compared by amount and currency by the custom tester; `label` is where it was read from. */
export class Money {
  readonly cents: number;
  readonly currency: string;
  readonly label: string;
  constructor(cents: number, currency: string, label: string) {
    this.cents = cents;
    this.currency = currency;
    this.label = label;
  }
}

export type Shape =
  | { k: 'prim'; v: unknown }
  | { k: 'arr'; items: Shape[] }
  | { k: 'sparse'; length: number; at: Array<[number, Shape]> }
  | { k: 'obj'; entries: Array<[string, Shape]> }
  | { k: 'map'; entries: Array<[unknown, Shape]> }
  | { k: 'set'; items: unknown[] }
  | { k: 'date'; t: number }
  | { k: 're'; source: string; flags: string }
  | { k: 'err'; message: string }
  | { k: 'point'; x: Shape; y: Shape }
  | { k: 'money'; cents: number; label: string }
  | { k: 'sym'; key: string; v: Shape }
  | { k: 'getter'; key: string; v: Shape }
  | { k: 'typed'; kind: 'u8' | 'f64'; values: number[] }
  | { k: 'cycle'; key: string };

const prims = [0, -0, 1, NaN, Infinity, '', 'a', 'ok', true, false, null, undefined, 1n];
const key = fc.constantFrom('a', 'b', 'status');
const prim = fc.constantFrom(...prims).map((v): Shape => ({ k: 'prim', v }));

export const shape: fc.Arbitrary<Shape> = fc.letrec<{ shape: Shape }>((tie) => {
  const child = tie('shape');
  const few = <T>(arb: fc.Arbitrary<T>) => fc.array(arb, { maxLength: 3 });
  return {
    shape: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      prim,
      few(child).map((items): Shape => ({ k: 'arr', items })),
      fc
        .tuple(fc.integer({ min: 1, max: 4 }), few(fc.tuple(fc.nat(3), child)))
        .map(([length, at]): Shape => ({ k: 'sparse', length, at: at.filter(([i]) => i < length) })),
      fc
        .uniqueArray(fc.tuple(key, child), { maxLength: 3, selector: ([k]) => k })
        .map((entries): Shape => ({ k: 'obj', entries })),
      fc
        .uniqueArray(fc.tuple(fc.constantFrom('a', 1, 'b'), child), { maxLength: 2, selector: ([k]) => k })
        .map((entries): Shape => ({ k: 'map', entries })),
      few(fc.constantFrom('ok', 'ERROR', 1, 2)).map((items): Shape => ({ k: 'set', items })),
      fc.constantFrom(0, 1, 86_400_000, NaN).map((t): Shape => ({ k: 'date', t })),
      fc
        .constantFrom(['a+', ''], ['a+', 'g'], ['b', ''])
        .map(([source, flags]): Shape => ({ k: 're', source: source!, flags: flags! })),
      fc.constantFrom('boom', 'bang').map((message): Shape => ({ k: 'err', message })),
      fc.tuple(child, child).map(([x, y]): Shape => ({ k: 'point', x, y })),
      fc
        .tuple(fc.constantFrom(100, 250), fc.constantFrom('ledger', 'cache'))
        .map(([cents, label]): Shape => ({ k: 'money', cents, label })),
      fc.tuple(key, child).map(([k, v]): Shape => ({ k: 'sym', key: k, v })),
      fc.tuple(key, child).map(([k, v]): Shape => ({ k: 'getter', key: k, v })),
      fc
        .tuple(fc.constantFrom<'u8' | 'f64'>('u8', 'f64'), few(fc.constantFrom(0, 1, 7)))
        .map(([kind, values]): Shape => ({ k: 'typed', kind, values })),
      key.map((k): Shape => ({ k: 'cycle', key: k })),
    ),
  };
}).shape;

/** A fresh value of `shape`: two builds are equal in every runner's eyes and never the same object. */
export function build(s: Shape): unknown {
  switch (s.k) {
    case 'prim':
      return s.v;
    case 'arr':
      return s.items.map(build);
    case 'sparse': {
      const array: unknown[] = new Array(s.length);
      for (const [i, v] of s.at) array[i] = build(v);
      return array;
    }
    case 'obj':
      return Object.fromEntries(s.entries.map(([k, v]) => [k, build(v)]));
    case 'map':
      return new Map(s.entries.map(([k, v]) => [k, build(v)]));
    case 'set':
      return new Set(s.items);
    case 'date':
      return new Date(s.t);
    case 're':
      return new RegExp(s.source, s.flags);
    case 'err':
      return new Error(s.message);
    case 'point':
      return new Point(build(s.x), build(s.y));
    case 'money':
      return new Money(s.cents, 'EUR', s.label);
    case 'sym':
      return { [Symbol.for(`unflake.${s.key}`)]: build(s.v) };
    case 'getter': {
      const value = build(s.v);
      return Object.defineProperty({}, s.key, { get: () => value, enumerable: true });
    }
    case 'typed':
      return s.kind === 'u8' ? Uint8Array.from(s.values) : Float64Array.from(s.values);
    case 'cycle': {
      const self: Record<string, unknown> = {};
      self[s.key] = self;
      return self;
    }
  }
}

const other = (v: unknown): unknown =>
  Object.is(v, 0) ? -0 : Object.is(v, -0) ? 0 : v === undefined ? null : v === 1 ? '1' : undefined;

/** The shapes one small step away from `s`: the kind of difference an eventual value has just before it is right. */
export function mutations(s: Shape): Shape[] {
  switch (s.k) {
    case 'prim':
      return [{ k: 'prim', v: other(s.v) }];
    case 'arr':
      return [
        { k: 'arr', items: s.items.slice(1) },
        { k: 'arr', items: [...s.items, { k: 'prim', v: undefined }] },
        ...s.items.flatMap((item, i) =>
          mutations(item).map((m) => ({ ...s, items: s.items.map((x, j) => (j === i ? m : x)) })),
        ),
      ];
    case 'sparse':
      return [
        {
          k: 'arr',
          items: Array.from(
            { length: s.length },
            (_, i) => s.at.find(([j]) => j === i)?.[1] ?? { k: 'prim', v: undefined },
          ),
        },
        { ...s, length: s.length + 1 },
      ];
    case 'obj':
      return [
        { k: 'obj', entries: s.entries.slice(1) },
        { k: 'obj', entries: [...s.entries.filter(([k]) => k !== 'extra'), ['extra', { k: 'prim', v: undefined }]] },
        {
          k: 'point',
          x: s.entries[0]?.[1] ?? { k: 'prim', v: undefined },
          y: s.entries[1]?.[1] ?? { k: 'prim', v: undefined },
        },
        ...s.entries.flatMap(([k, v], i) =>
          mutations(v).map((m) => ({
            ...s,
            entries: s.entries.map((e, j): [string, Shape] => (j === i ? [k, m] : e)),
          })),
        ),
      ];
    case 'map':
      return [
        { k: 'map', entries: s.entries.slice(1) },
        { k: 'obj', entries: s.entries.map(([k, v]): [string, Shape] => [String(k), v]) },
        { k: 'map', entries: [...s.entries, ['new', { k: 'prim', v: 1 }]] },
      ];
    case 'set':
      return [
        { k: 'set', items: s.items.slice(1) },
        { k: 'set', items: [...s.items, 'ERROR2'] },
        { k: 'arr', items: s.items.map((v) => ({ k: 'prim', v })) },
      ];
    case 'date':
      return [{ k: 'date', t: s.t + 1 }];
    case 're':
      return [{ ...s, flags: s.flags === 'g' ? '' : 'g' }];
    case 'err':
      return [
        { k: 'err', message: `${s.message}!` },
        { k: 'obj', entries: [['message', { k: 'prim', v: s.message }]] },
      ];
    case 'point':
      return [
        {
          k: 'obj',
          entries: [
            ['x', s.x],
            ['y', s.y],
          ],
        },
        ...mutations(s.x).map((x) => ({ ...s, x })),
      ];
    case 'money':
      return [
        { ...s, label: s.label === 'ledger' ? 'cache' : 'ledger' },
        { ...s, cents: s.cents + 1 },
      ];
    case 'sym':
      return [{ ...s, key: s.key === 'a' ? 'b' : 'a' }, ...mutations(s.v).map((v) => ({ ...s, v }))];
    case 'getter':
      return [{ k: 'obj', entries: [[s.key, s.v]] }, ...mutations(s.v).map((v) => ({ ...s, v }))];
    case 'typed':
      return [
        { ...s, kind: s.kind === 'u8' ? 'f64' : 'u8' },
        { ...s, values: [...s.values, 1] },
      ];
    case 'cycle':
      return [{ k: 'obj', entries: [[s.key, { k: 'obj', entries: [] }]] }];
  }
}

export interface Pair {
  how: 'same object' | 'equal copies' | 'one step apart' | 'unrelated';
  received: unknown;
  expected: unknown;
}

/** Pairs of every relation, each about as often. */
export const pair: fc.Arbitrary<Pair> = fc.oneof(
  shape.map((s): Pair => {
    const v = build(s);
    return { how: 'same object', received: v, expected: v };
  }),
  shape.map((s): Pair => ({ how: 'equal copies', received: build(s), expected: build(s) })),
  fc.tuple(shape, fc.nat()).map(([s, n]): Pair => {
    const options = mutations(s);
    return { how: 'one step apart', received: build(s), expected: build(options[n % options.length]!) };
  }),
  fc.tuple(shape, shape).map(([a, b]): Pair => ({ how: 'unrelated', received: build(a), expected: build(b) })),
);

/** The asymmetric matchers of a runner's `expect` that an expected value may hold. */
export interface AsymmetricSource {
  any(type: unknown): unknown;
  anything(): unknown;
  objectContaining(sample: Record<string, unknown>): unknown;
  arrayContaining(sample: unknown[]): unknown;
  stringMatching(pattern: RegExp): unknown;
}

/** `p` with an asymmetric matcher of `source` somewhere in its expected value (`pick` chooses where and which). */
export function withAsymmetric(p: Pair, source: AsymmetricSource, pick: number): Pair {
  const { received, expected } = p;
  const how = p.how;
  switch (pick % 6) {
    case 0:
      return { how, received, expected: source.anything() };
    case 1:
      return {
        how,
        received,
        expected: source.any(expected === null || expected === undefined ? Object : (expected as object).constructor),
      };
    case 2:
      return {
        how,
        received,
        expected:
          expected !== null && typeof expected === 'object' && !Array.isArray(expected)
            ? source.objectContaining({ ...(expected as object) })
            : expected,
      };
    case 3:
      return {
        how,
        received,
        expected: Array.isArray(expected) ? source.arrayContaining(expected.filter(() => true)) : source.anything(),
      };
    case 4:
      return { how, received: { status: received }, expected: { status: source.stringMatching(/^o/) } };
    default:
      return { how, received: { value: received, at: 3 }, expected: { value: expected, at: source.any(Number) } };
  }
}
