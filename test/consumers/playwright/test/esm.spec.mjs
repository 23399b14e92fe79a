// The ESM build of unflake/playwright, beside the CommonJS one pass.spec.ts loads in the same run.
import { test, expect } from 'unflake/playwright';
import { testNamespace } from 'unflake';

test('ESM: fixtures and matchers', async ({ namespace, seed }) => {
  expect(testNamespace()).toBe(namespace);
  expect(Number.isInteger(seed)).toBe(true);
  let n = 0;
  await expect(() => ++n).toEventuallyBe(3, { interval: 1 });
  await expect(() => ({ n })).toEventuallyEqual({ n: 3 });
});
