import { failureOf, flipsAfter } from '../support/failure.ts';

class Order {
  readonly id: string;
  constructor(id: string) {
    this.id = id;
  }
}

describe('.toEventuallyStrictEqual', () => {
  test('passes once the value is strictly equal', async () => {
    await expect(flipsAfter(2, { id: 'a', extra: undefined }, { id: 'a' })).toEventuallyStrictEqual({ id: 'a' }, { interval: 1 });
  });

  test('does not accept an undefined property that toEventuallyEqual would ignore', async () => {
    const message = await failureOf(expect(() => ({ id: 'a', extra: undefined })).toEventuallyStrictEqual({ id: 'a' }, { timeout: 30, interval: 5 }));
    expect(message).toMatch(/never held/);
    await expect(() => ({ id: 'a', extra: undefined })).toEventuallyEqual({ id: 'a' });
  });

  test('does not accept a plain object for a class instance', async () => {
    await failureOf(expect(() => ({ id: 'x' })).toEventuallyStrictEqual(new Order('x'), { timeout: 20, interval: 5 }));
    await expect(() => new Order('x')).toEventuallyStrictEqual(new Order('x'));
  });

  test('does not accept a sparse array for a dense one', async () => {
    // eslint-disable-next-line no-sparse-arrays
    await failureOf(expect(() => [1, , 3]).toEventuallyStrictEqual([1, undefined, 3], { timeout: 20, interval: 5 }));
  });
});

describe('.not.toEventuallyStrictEqual', () => {
  test('passes while the value only loosely equals expected', async () => {
    await expect(() => ({ id: 'a', extra: undefined })).not.toEventuallyStrictEqual({ id: 'a' }, { timeout: 20, interval: 5 });
  });

  test('fails when the value becomes strictly equal', async () => {
    const message = await failureOf(expect(() => ({ id: 'a' })).not.toEventuallyStrictEqual({ id: 'a' }, { timeout: 1_000 }));
    expect(message).toMatch(/It matched at attempt 1/);
  });
});
