import { failureOf, flipsAfter } from '../support/failure.ts';

describe('.toEventuallyBe', () => {
  test('passes once the value is Object.is the expected one', async () => {
    await expect(flipsAfter(2, 'starting', 'ready')).toEventuallyBe('ready', { interval: 1 });
  });

  test('distinguishes identity from equality', async () => {
    const shared = { id: 1 };
    await expect(() => shared).toEventuallyBe(shared);
    const message = await failureOf(expect(() => ({ id: 1 })).toEventuallyBe({ id: 1 }, { timeout: 20, interval: 5 }));
    expect(message).toMatch(/toEventuallyBe/);
  });

  test('tells NaN and -0 apart as Object.is does', async () => {
    await expect(() => Number.NaN).toEventuallyBe(Number.NaN);
    await failureOf(expect(() => 0).toEventuallyBe(-0, { timeout: 20, interval: 5 }));
  });
});

describe('.not.toEventuallyBe', () => {
  test('passes when the value never becomes the expected one', async () => {
    await expect(() => 'starting').not.toEventuallyBe('crashed', { timeout: 20, interval: 5 });
  });

  test('fails at the first attempt where it is', async () => {
    const message = await failureOf(expect(flipsAfter(2, 'starting', 'crashed')).not.toEventuallyBe('crashed', { timeout: 5_000, interval: 1 }));
    expect(message).toMatch(/It matched at attempt 3/);
    expect(message).toMatch(/Expected: not "crashed"/);
  });
});
