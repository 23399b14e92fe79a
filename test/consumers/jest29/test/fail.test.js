'use strict';

test('INTENTIONAL FAIL: never converges', async () => {
  await expect(() => ({ status: 'pending' })).toEventuallyEqual({ status: 'shipped' }, { timeout: 300 });
});
