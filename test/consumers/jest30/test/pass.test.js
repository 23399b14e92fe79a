'use strict';
const { eventually } = require('unflake');

test('toEventuallyEqual sees a value that flips after ~30 ms', async () => {
  let status = 'pending';
  setTimeout(() => { status = 'shipped'; }, 30);
  await expect(() => ({ status })).toEventuallyEqual({ status: 'shipped' }, { timeout: 3000 });
});

test('.not.toEventuallyEqual holds for a short window', async () => {
  await expect(() => ({ status: 'pending' })).not.toEventuallyEqual({ status: 'shipped' }, { timeout: 100 });
});

test('eventually() resolves to the value', async () => {
  let count = 0;
  setTimeout(() => { count = 3; }, 30);
  const value = await eventually(() => count, (v) => v === 3, { timeout: 3000 });
  expect(value).toBe(3);
});

test('the matchers are on the expect of @jest/globals too', async () => {
  const { expect: jestExpect } = require('@jest/globals');
  let n = 0;
  setTimeout(() => { n = 1; }, 30);
  await jestExpect(() => n).toEventuallyEqual(1, { timeout: 3000 });
});

test('toBeIdempotent and toConvergeInAnyOrder run from the package (fast-check loads lazily via require)', async () => {
  const seen = new Set();
  const handler = (event) => { seen.add(event.id); };
  await expect(handler).toBeIdempotent({ id: 'evt-1' }, { state: () => [...seen] });
  let total = 0;
  await expect((event) => { total = Math.max(total, event.n); }).toConvergeInAnyOrder([{ n: 1 }, { n: 2 }, { n: 3 }], { reset: () => { total = 0; }, state: () => total, runs: 20 });
});

test('TestClock from unflake/clock drives a virtual-time wait', async () => {
  const { TestClock } = require('unflake/clock');
  const clock = new TestClock();
  let state = 'pending';
  clock.setTimeout(() => { state = 'done'; }, 60000);
  await expect(() => state).toEventuallyBe('done', { clock, timeout: 120000 });
});
