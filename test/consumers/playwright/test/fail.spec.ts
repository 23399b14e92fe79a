import { test, expect } from 'unflake/playwright';

test('INTENTIONAL FAIL: never converges', async ({ namespace, seed }) => {
  void [namespace, seed]; // used, so the failure's Run: line names them
  await expect(() => ({ status: 'pending' })).toEventuallyEqual({ status: 'shipped' }, { timeout: 300 });
});
