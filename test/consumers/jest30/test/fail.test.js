'use strict';

test('INTENTIONAL FAIL: never converges', async () => {
  await expect(() => ({ status: 'pending' })).toEventuallyEqual({ status: 'shipped' }, { timeout: 300 });
});

// test.concurrent: the must-fail test is watched for its whole window and fails, although its sibling
// ends first (one concurrent test's end must not stop, pass or blame another's poll).
test.concurrent('INTENTIONAL FAIL: concurrent, beside a sibling that ends first', async () => {
  await expect(() => ({ status: 'pending' })).toEventuallyEqual({ status: 'shipped' }, { timeout: 600 });
});

test.concurrent('concurrent sibling that ends first (must pass)', async () => {
  await expect(() => 'ok').toEventuallyEqual('ok');
});
