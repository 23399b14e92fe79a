import { failureOf, flipsAfter } from '../support/failure.ts';

describe('.toConsistently', () => {
  test('passes when the check holds on every attempt for the whole window', async () => {
    let calls = 0;
    const started = performance.now();
    await expect(() => (calls++, 42)).toConsistently((n) => n <= 100, { for: 50, interval: 5 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(49);
    // At least the first attempt and the one at the end of the window (more when timers are punctual).
    expect(calls).toBeGreaterThanOrEqual(2);
  });

  test('fails at the first attempt where the check does not hold', async () => {
    const message = await failureOf(
      expect(flipsAfter(3, 50, 150)).toConsistently((n) => expect(n).toBeLessThanOrEqual(100), {
        for: 5_000,
        interval: 1,
      }),
    );
    expect(message).toMatch(/toConsistently/);
    expect(message).toMatch(/It stopped holding at attempt 4 after \d+ ms; it had to hold for 5000 ms \(`for`\)/);
    expect(message).toMatch(/The check failed with:/);
    expect(message).toMatch(/#1-3\s+✓ 50\s+×3/);
    expect(message).toMatch(/#4\s+✗ 150/);
  });

  test('counts a throwing probe as not holding', async () => {
    const message = await failureOf(
      expect(() => {
        throw new Error('cache offline');
      }).toConsistently(() => true, { for: 1_000 }),
    );
    expect(message).toMatch(/stopped holding at attempt 1/);
    expect(message).toMatch(/Error: cache offline/);
  });
});

describe('.not.toConsistently', () => {
  test('passes at the first attempt where the check does not hold', async () => {
    await expect(flipsAfter(2, 1, 500)).not.toConsistently((n) => n < 100, { for: 5_000, interval: 1 });
  });

  test('fails when the check held on every attempt of the window', async () => {
    const message = await failureOf(expect(() => 1).not.toConsistently((n) => n < 100, { for: 30, interval: 5 }));
    expect(message).toMatch(/\.not\.toConsistently/);
    expect(message).toMatch(
      /the condition held on every one of \d+ attempts, but it was expected to fail at some attempt/,
    );
  });
});
