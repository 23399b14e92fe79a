/**
 * The snapshot rule (src/delivery/snapshot.ts), proven by property against the runner's own
 * `toStrictEqual`: a copy equals what it copied, shares no object with it, and keeps Map, Set, Date,
 * typed arrays, class instances and cycles; what cannot be copied is a TypeError naming its path.
 */
import fc from 'fast-check';
import { equalsOf } from '../../matchers/deliveryMatcherSupport.ts';
import { copyValue } from '../../src/delivery/snapshot.ts';

/** Generated values per property. */
const CASES = 300;

class Point {
  x: number;
  y: number;
  constructor(x: number, y: number) {
    this.x = x;
    this.y = y;
  }
  norm(): number {
    return Math.hypot(this.x, this.y);
  }
}

const leaf = fc.oneof(
  fc.integer(),
  fc.constantFrom(-0, Number.NaN, Number.POSITIVE_INFINITY),
  fc.string({ maxLength: 5 }),
  fc.boolean(),
  fc.constantFrom(null, undefined),
  fc.bigInt({ min: -10n, max: 10n }),
  fc.integer({ min: -1e12, max: 1e12 }).map((t) => new Date(t)),
  fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 4 }).map((bytes) => Uint8Array.from(bytes)),
  fc.array(fc.double({ noNaN: true }), { maxLength: 3 }).map((xs) => Float64Array.from(xs)),
  fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 4 }).map((bytes) => Uint8Array.from(bytes).buffer),
  fc.tuple(fc.integer(), fc.integer()).map(([x, y]) => new Point(x, y)),
);

const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { maxDepth: 3, depthIdentifier: 'snapshot' },
    leaf,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'c', '__proto__'), tie('value'), { maxKeys: 3 }),
    fc
      .array(fc.tuple(fc.oneof(fc.string({ maxLength: 3 }), fc.integer()), tie('value')), { maxLength: 3 })
      .map((entries) => new Map(entries)),
    fc.array(fc.oneof(fc.string({ maxLength: 3 }), fc.integer()), { maxLength: 3 }).map((members) => new Set(members)),
  ),
}));

/** Some values get a cycle: an object or array inside points back at the root. */
const withCycle = fc.tuple(value, fc.boolean()).map(([v, cyclic]) => {
  if (
    !cyclic ||
    v === null ||
    typeof v !== 'object' ||
    ArrayBuffer.isView(v) ||
    v instanceof ArrayBuffer ||
    v instanceof Date
  )
    return v;
  const root = { value: v, self: undefined as unknown };
  root.self = root;
  return root;
});

function objectsOf(v: unknown, into = new Set<object>()): Set<object> {
  if (v === null || typeof v !== 'object' || into.has(v)) return into;
  into.add(v);
  if (v instanceof Map) for (const entry of v) objectsOf(entry, into);
  if (v instanceof Set) for (const member of v) objectsOf(member, into);
  for (const key of Reflect.ownKeys(v)) objectsOf((v as Record<string | symbol, unknown>)[key], into);
  return into;
}

describe('snapshots are copies', () => {
  test(`a copy is toStrictEqual to what it copied and shares no object with it (${CASES} cases)`, () => {
    fc.assert(
      fc.property(withCycle, (v) => {
        const copy = copyValue('.x()', v);
        expect(copy).toStrictEqual(v);
        const originals = objectsOf(v);
        for (const object of objectsOf(copy)) expect(originals.has(object)).toBe(false);
      }),
      { numRuns: CASES },
    );
  });

  test('a copy keeps the class and its prototype getters and methods work on it', () => {
    const copy = copyValue('.x()', new Point(3, 4)) as Point;
    expect(copy).toBeInstanceOf(Point);
    expect(copy.norm()).toBe(5);
  });

  test('functions are left out: methods on objects and Map entries are dropped, an array element becomes undefined', () => {
    const copy = copyValue('.x()', {
      n: 1,
      describe: () => 'n',
      list: [1, () => 2],
      map: new Map<string, unknown>([
        ['f', () => 1],
        ['k', 2],
      ]),
    });
    expect(copy).toStrictEqual({ n: 1, list: [1, undefined], map: new Map([['k', 2]]) });
  });

  test('an own getter is read once, as a comparison would read it; one that throws is a TypeError naming it', () => {
    let reads = 0;
    const copy = copyValue('.x()', {
      get total() {
        return ++reads;
      },
    });
    expect(copy).toStrictEqual({ total: 1 });
    expect(reads).toBe(1);
    const broken = {
      inner: {
        get balance(): number {
          throw new Error('not loaded');
        },
      },
    };
    expect(() => copyValue('.toBeIdempotent()', broken)).toThrow(
      /state\(\)\.inner\.balance is a getter that threw \(not loaded\)/,
    );
  });

  test('what keeps its data out of reach is a TypeError naming the path', () => {
    const refused: [unknown, RegExp][] = [
      [{ a: new WeakMap() }, /state\(\)\.a is a WeakMap/],
      [[new WeakSet()], /state\(\)\[0\] is a WeakSet/],
      [new Map([['k', Promise.resolve()]]), /state\(\)\.get\("k"\) is a Promise/],
      [{ p: new Proxy({}, {}) }, /state\(\)\.p is a Proxy/],
      [{ r: new WeakRef({}) }, /state\(\)\.r is a WeakRef/],
      [{ it: new Map().entries() }, /state\(\)\.it is an iterator/],
      [{ h: new Headers({ a: '1' }) }, /state\(\)\.h is a Headers whose data is not in its own properties/],
    ];
    for (const [state, message] of refused) expect(() => copyValue('.toBeIdempotent()', state)).toThrow(message);
    expect(() => copyValue('.toBeIdempotent()', () => 1)).toThrow(/state\(\) returned a function, not the state/);
  });

  test('URLs, boxed primitives and errors are copied with their data', () => {
    const url = new URL('https://example.test/a?b=1');
    const v = { url, n: Object(5), error: new Error('boom') };
    const copy = copyValue('.x()', v) as typeof v;
    expect(copy.url.href).toBe(url.href);
    expect(copy.url).not.toBe(url);
    expect(copy).toStrictEqual(v);
  });
});

// The delivery matchers' equality, as the matchers build it from the runner's matcher context.
expect.extend({
  toBeSameSnapshotH2(received: unknown, expected: unknown) {
    const pass = equalsOf(this as never)(received, expected);
    return { pass, message: () => `snapshots ${pass ? 'equal' : 'differ'}` };
  },
});

const holds = (assertion: () => void): boolean => {
  try {
    assertion();
    return true;
  } catch {
    return false;
  }
};

describe('snapshots are compared as values', () => {
  test(`between the runner's toStrictEqual and toEqual, and Map/Set contents count (${CASES} generated pairs)`, () => {
    const pair = fc.oneof(
      fc.tuple(value, value),
      value.map((v) => [v, copyValue('.x()', v)] as const),
    );
    fc.assert(
      fc.property(pair, ([a, b]) => {
        const same = holds(() =>
          (expect(a) as unknown as { toBeSameSnapshotH2(b: unknown): void }).toBeSameSnapshotH2(b),
        );
        if (holds(() => expect(a).toStrictEqual(b))) expect(same).toBe(true);
        if (same) expect(holds(() => expect(a).toEqual(b))).toBe(true);
      }),
      { numRuns: CASES },
    );
  });

  test('a Map or Set with other contents, or a buffer with other bytes, is a different snapshot', () => {
    const differ = (a: unknown, b: unknown): void =>
      (expect(a) as unknown as { not: { toBeSameSnapshotH2(b: unknown): void } }).not.toBeSameSnapshotH2(b);
    differ(new Map([['a', 1]]), new Map());
    differ(new Map([['a', 1]]), new Map([['a', 2]]));
    differ(new Set(['ok']), new Set(['ERROR']));
    differ(Uint8Array.from([1]).buffer, Uint8Array.from([2]).buffer);
    differ(new DataView(Uint8Array.from([1]).buffer), new DataView(Uint8Array.from([2]).buffer));
  });
});
