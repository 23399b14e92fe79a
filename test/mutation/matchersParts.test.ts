/**
 * matchers/ small shared parts (the strict-equality testers, handler names), pinned where the mutation
 * run (npm run mutation, docs/testing.md) found the behaviour unchecked.
 */
import { arrayBufferEquality, sparseArrayEquality, typeEquality } from '../../matchers/equalityTesters.ts';
import { handlerNameOf } from '../../matchers/deliveryMatcherSupport.ts';

class Order {
  readonly id: number;
  constructor(id: number) {
    this.id = id;
  }
}

describe('toStrictEqual’s extra testers', () => {
  test('typeEquality: objects of different prototypes differ; it has no say otherwise', () => {
    expect(typeEquality(new Order(1), { id: 1 })).toBe(false);
    expect(typeEquality({ id: 1 }, new Order(1))).toBe(false);
    expect(typeEquality(new Order(1), new Order(2))).toBeUndefined();
    expect(typeEquality({}, {})).toBeUndefined();
    for (const [a, b] of [
      [null, {}],
      [{}, null],
      [undefined, {}],
      [{}, undefined],
      [1, {}],
      [{}, 'x'],
      [1, 2],
    ])
      expect(typeEquality(a, b)).toBeUndefined();
  });

  test('sparseArrayEquality: a hole is not an undefined element; it has no say on non-arrays', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(sparseArrayEquality([, 1], [undefined, 1])).toBe(false);
    // eslint-disable-next-line no-sparse-arrays
    expect(sparseArrayEquality([undefined, 1], [, 1])).toBe(false);
    expect(sparseArrayEquality([1, 2], [1, 2, 3])).toBe(false);
    expect(sparseArrayEquality([1, 2], [3, 4])).toBeUndefined();
    // eslint-disable-next-line no-sparse-arrays
    expect(sparseArrayEquality([, 1], [, 2])).toBeUndefined();
    expect(sparseArrayEquality([1], { 0: 1, length: 1 })).toBeUndefined();
    expect(sparseArrayEquality({ 0: 1 }, [1])).toBeUndefined();
  });

  test('sparseArrayEquality: same count of keys but different keys differ', () => {
    const a: unknown[] = [];
    a[1] = 'x';
    const b: unknown[] = [];
    b[0] = 'x';
    b.length = 2;
    expect(sparseArrayEquality(a, b)).toBe(false);
  });

  test('arrayBufferEquality: byte for byte, and only for two ArrayBuffers', () => {
    const bytes = (...b: number[]): ArrayBuffer => new Uint8Array(b).buffer;
    expect(arrayBufferEquality(bytes(1, 2, 3), bytes(1, 2, 3))).toBe(true);
    expect(arrayBufferEquality(bytes(1, 2, 3), bytes(1, 2, 4))).toBe(false);
    expect(arrayBufferEquality(bytes(1, 2), bytes(1, 2, 0))).toBe(false);
    expect(arrayBufferEquality(bytes(), bytes())).toBe(true);
    expect(arrayBufferEquality(bytes(1), new Uint8Array([1]))).toBeUndefined();
    expect(arrayBufferEquality(new Uint8Array([1]), bytes(1))).toBeUndefined();
  });
});

describe('handlerNameOf', () => {
  test('a named handler is quoted; an anonymous one is "the handler"', () => {
    async function chargeCard(): Promise<void> {}
    expect(handlerNameOf(chargeCard)).toBe('handler "chargeCard"');
    expect(handlerNameOf(() => {})).toBe('the handler');
    expect(handlerNameOf(new Function('return 1'))).toBe('the handler');
  });
});
