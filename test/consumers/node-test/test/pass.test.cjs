'use strict';
// The same through require(): unflake/matchers and unflake resolve to their CommonJS builds.
const { test } = require('node:test');
const { expect } = require('expect');
const { matchers } = require('unflake/matchers');
const { eventually } = require('unflake');

expect.extend(matchers);

test('CJS: toEventuallyEqual sees a value that flips after ~30 ms', async () => {
  let status = 'pending';
  setTimeout(() => {
    status = 'shipped';
  }, 30);
  await expect(() => ({ status })).toEventuallyEqual({ status: 'shipped' }, { timeout: 3000 });
});

test('CJS: .not.toEventuallyEqual holds for a short window', async () => {
  await expect(() => ({ status: 'pending' })).not.toEventuallyEqual({ status: 'shipped' }, { timeout: 100 });
});

test('CJS: eventually() resolves to the value', async () => {
  let count = 0;
  setTimeout(() => {
    count = 3;
  }, 30);
  expect(
    await eventually(
      () => count,
      (v) => v === 3,
      { timeout: 3000 },
    ),
  ).toBe(3);
});
