import { failureOf, flipsAfter } from '../support/failure.ts';

describe('.toEventuallyMatchObject', () => {
  test('passes once the value contains the subset', async () => {
    const probe = flipsAfter(
      2,
      { id: 7, status: 'pending', items: [] },
      { id: 7, status: 'shipped', items: [{ sku: 'a' }] },
    );
    await expect(probe).toEventuallyMatchObject({ status: 'shipped', items: [{ sku: 'a' }] }, { interval: 1 });
  });

  test('fails with a diff of the subset against the last value', async () => {
    const message = await failureOf(
      expect(() => ({ id: 7, status: 'pending' })).toEventuallyMatchObject(
        { status: 'shipped' },
        { timeout: 30, interval: 5 },
      ),
    );
    expect(message).toMatch(/toEventuallyMatchObject/);
    expect(message).toMatch(/shipped/);
    expect(message).toMatch(/pending/);
  });
});

describe('.not.toEventuallyMatchObject', () => {
  test('passes when the subset never appears', async () => {
    await expect(() => ({ id: 7, status: 'pending' })).not.toEventuallyMatchObject(
      { status: 'cancelled' },
      { timeout: 20, interval: 5 },
    );
  });

  test('fails as soon as the subset appears', async () => {
    const message = await failureOf(
      expect(flipsAfter(1, { status: 'pending' }, { status: 'cancelled', by: 'ops' })).not.toEventuallyMatchObject(
        { status: 'cancelled' },
        { timeout: 5_000, interval: 1 },
      ),
    );
    expect(message).toMatch(/It matched at attempt 2/);
  });
});
