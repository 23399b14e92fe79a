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
