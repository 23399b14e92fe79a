import { failureOf, flipsAfter } from '../support/failure.ts';

describe('.toEventually', () => {
  test('passes once a check that uses expect() stops throwing', async () => {
    const probe = flipsAfter(2, { status: 'pending' }, { status: 'confirmed' });
    await expect(probe).toEventually((order) => expect(order.status).toBe('confirmed'), { interval: 1 });
  });

  test('passes once a boolean check returns true, and treats false as "not yet"', async () => {
    const probe = flipsAfter(3, 1, 5);
    await expect(probe).toEventually((n) => n > 3, { interval: 1 });
  });

  test('accepts an async check', async () => {
    const probe = flipsAfter(2, 'a', 'b');
    await expect(probe).toEventually(async (v) => v === 'b', { interval: 1 });
  });

  test('accepts an asymmetric matcher as the check', async () => {
    const probe = flipsAfter(2, { id: 1 }, { id: 1, shipped: true });
    await expect(probe).toEventually(expect.objectContaining({ shipped: true }), { interval: 1 });
  });

  test('fails with the check’s own assertion error and the last value', async () => {
    const message = await failureOf(
      expect(() => ({ status: 'failed' })).toEventually((o) => expect(o.status).toBe('confirmed'), {
        timeout: 40,
        interval: 5,
        message: 'order 17 was never confirmed',
      }),
    );
    expect(message).toMatch(/toEventually\(/);
    expect(message).toMatch(/order 17 was never confirmed/);
    expect(message).toMatch(/Last value:\n\s+(Object )?\{\s*"status": "failed"/);
    expect(message).toMatch(/The check failed with:\n\s+\w*Error: expect/);
    expect(message).toMatch(/confirmed/);
  });

  test('rejects a check that is neither a function nor an asymmetric matcher', async () => {
    await expect(async () => expect(() => 1).toEventually(42 as never)).rejects.toThrow(
      /`check` must be a function .* or an asymmetric matcher .*, got number/,
    );
  });
});

describe('.not.toEventually', () => {
  test('passes when the check never passes within the window', async () => {
    await expect(() => 'pending').not.toEventually((s) => s === 'failed', { timeout: 30, interval: 5 });
  });

  test('fails at the first attempt where the check passes', async () => {
    const message = await failureOf(
      expect(flipsAfter(1, 'pending', 'failed')).not.toEventually((s) => s === 'failed', {
        timeout: 5_000,
        interval: 1,
      }),
    );
    expect(message).toMatch(/It matched at attempt 2 after \d+ ms, but it must never match within 5000 ms/);
  });
});
