// Must fail, test by test as test/check-fail.mjs says (it reads mocha's JSON report).
import { expect } from 'expect';
import { matchers } from 'unflake/matchers';
import { consistently } from 'unflake';

expect.extend(matchers);

let probeCalls = 0;

describe('unflake/mocha must-fail', function () {
  it('INTENTIONAL FAIL: never converges', async function () {
    await expect(() => ({ status: 'pending' })).toEventuallyEqual({ status: 'shipped' }, { timeout: 300 });
  });

  it('forgets an await', async function () {
    expect(() => 1).toEventuallyBe(2);
  });

  it('a 3 s test with a default 4 s poll', async function () {
    this.timeout(3000);
    await expect(() => {
      probeCalls++;
      return 'pending';
    }).toEventuallyBe('shipped');
  });

  it('then the poll does not run into the next test', async function () {
    const before = probeCalls;
    await consistently(
      () => probeCalls,
      (n) => n === before,
      { for: 300 },
    );
  });
});
