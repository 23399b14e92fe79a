import { expect, test } from 'vitest';
import { eventually } from 'unflake';

test('toEventuallyEqual sees a value that flips after ~30 ms', async () => {
  let status = 'pending';
  setTimeout(() => {
    status = 'shipped';
  }, 30);
  await expect(() => ({ status })).toEventuallyEqual({ status: 'shipped' }, { timeout: 3000 });
});

test('.not.toEventuallyEqual holds for a short window', async () => {
  await expect(() => ({ status: 'pending' })).not.toEventuallyEqual({ status: 'shipped' }, { timeout: 100 });
});

test('eventually() resolves to the value', async () => {
  let count = 0;
  setTimeout(() => {
    count = 3;
  }, 30);
  const value = await eventually(
    () => count,
    (v) => v === 3,
    { timeout: 3000 },
  );
  expect(value).toBe(3);
});

test('toBeIdempotent and toConvergeInAnyOrder run from the package (fast-check loads lazily)', async () => {
  const seen = new Set<string>();
  const handler = (event: { id: string }) => void seen.add(event.id);
  await expect(handler).toBeIdempotent({ id: 'evt-1' }, { state: () => [...seen] });
  let total = 0;
  await expect((event: { n: number }) => void (total = Math.max(total, event.n))).toConvergeInAnyOrder(
    [{ n: 1 }, { n: 2 }, { n: 3 }],
    {
      reset: () => void (total = 0),
      state: () => total,
      runs: 20,
    },
  );
});

test('TestClock from unflake/clock drives a virtual-time wait', async () => {
  const { TestClock } = await import('unflake/clock');
  const clock = new TestClock();
  let state = 'pending';
  clock.setTimeout(() => {
    state = 'done';
  }, 60_000);
  await expect(() => state).toEventuallyBe('done', { clock, timeout: 120_000 });
});
