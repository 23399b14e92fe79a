import { failureOf, flipsAfter } from '../support/failure.ts';

describe('.toConsistentlyEqual', () => {
  test('passes when the value stays equal for the window', async () => {
    await expect(() => ({ balance: 100 })).toConsistentlyEqual({ balance: 100 }, { for: 30, interval: 5 });
  });

  test('fails with a diff at the first attempt that differs', async () => {
    const message = await failureOf(
      expect(flipsAfter(2, { balance: 100 }, { balance: 80 })).toConsistentlyEqual(
        { balance: 100 },
        { for: 5_000, interval: 1 },
      ),
    );
    expect(message).toMatch(/toConsistentlyEqual/);
    expect(message).toMatch(/stopped holding at attempt 3/);
    expect(message).toMatch(/- Expected[\s\S]*"balance": 100[\s\S]*"balance": 80/);
  });

  test('rejects `timeout`, naming `for` as the window', async () => {
    await expect(async () => expect(() => 1).toConsistentlyEqual(1, { timeout: 100 } as never)).rejects.toThrow(
      /takes its window as `for`/,
    );
  });
});

describe('.not.toConsistentlyEqual', () => {
  test('passes as soon as the value differs', async () => {
    await expect(flipsAfter(1, 'steady', 'changed')).not.toConsistentlyEqual('steady', { for: 5_000, interval: 1 });
  });

  test('fails when the value was equal throughout', async () => {
    const message = await failureOf(expect(() => 'steady').not.toConsistentlyEqual('steady', { for: 20, interval: 5 }));
    expect(message).toMatch(/Expected: not "steady"/);
  });
});
