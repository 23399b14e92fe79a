import { test } from 'node:test';
import { expect } from 'expect';
import { matchers } from 'unflake/matchers';

expect.extend(matchers);

test('INTENTIONAL FAIL: never converges', async () => {
  await expect(() => ({ status: 'pending' })).toEventuallyEqual({ status: 'shipped' }, { timeout: 300 });
});
