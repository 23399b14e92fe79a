import { failureOf, flipsAfter } from '../support/failure.ts';

class Order {
  readonly id: string;
  constructor(id: string) {
    this.id = id;
  }
}

describe('.toEventuallyStrictEqual', () => {
  test('passes once the value is strictly equal', async () => {
    await expect(flipsAfter(2, { id: 'a', extra: undefined }, { id: 'a' })).toEventuallyStrictEqual(
      { id: 'a' },
      { interval: 1 },
    );
  });

  test('does not accept an undefined property that toEventuallyEqual would ignore', async () => {
    const message = await failureOf(
      expect(() => ({ id: 'a', extra: undefined })).toEventuallyStrictEqual({ id: 'a' }, { timeout: 30, interval: 5 }),
    );
    expect(message).toMatch(
      /^expect\(received\)\.toEventuallyStrictEqual\(expected, options\)\n\nTimed out after \d+ ms \(timeout: 30 ms\): the condition never held in \d+ attempts\./,
    );
    // The diff points at the property strict equality refuses.
    expect(message).toMatch(/\n\+ {3}"extra": undefined,\n/);
    expect(message).toMatch(/✗ \{ id: 'a', extra: undefined \}/);
    await expect(() => ({ id: 'a', extra: undefined })).toEventuallyEqual({ id: 'a' });
  });

  test('does not accept a plain object for a class instance', async () => {
    const message = await failureOf(
      expect(() => ({ id: 'x' })).toEventuallyStrictEqual(new Order('x'), { timeout: 20, interval: 5 }),
    );
    expect(message).toMatch(/Timed out after \d+ ms \(timeout: 20 ms\): the condition never held/);
    // The diff names the class against the plain object (Vitest prints `{`, Jest `Object {`).
    expect(message).toMatch(/\n- Order \{\n\+ (Object )?\{\n/);
    await expect(() => new Order('x')).toEventuallyStrictEqual(new Order('x'));
  });

  test('does not accept a sparse array for a dense one', async () => {
    const message = await failureOf(
      // eslint-disable-next-line no-sparse-arrays
      expect(() => [1, , 3]).toEventuallyStrictEqual([1, undefined, 3], { timeout: 20, interval: 5 }),
    );
    expect(message).toMatch(/Timed out after \d+ ms \(timeout: 20 ms\): the condition never held/);
    expect(message).toMatch(/\n- {3}undefined,\n\+ {3},\n/);
    expect(message).toContain('✗ [ 1, <1 empty item>, 3 ]');
  });
});

describe('.not.toEventuallyStrictEqual', () => {
  test('passes while the value only loosely equals expected', async () => {
    await expect(() => ({ id: 'a', extra: undefined })).not.toEventuallyStrictEqual(
      { id: 'a' },
      { timeout: 20, interval: 5 },
    );
  });

  test('fails when the value becomes strictly equal', async () => {
    const message = await failureOf(
      expect(() => ({ id: 'a' })).not.toEventuallyStrictEqual({ id: 'a' }, { timeout: 1_000 }),
    );
    expect(message).toMatch(/It matched at attempt 1/);
  });
});
