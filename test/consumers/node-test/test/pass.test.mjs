import { test } from 'node:test';
import { expect } from 'expect';
import { matchers } from 'unflake/matchers';
import { eventually } from 'unflake';

expect.extend(matchers);

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
