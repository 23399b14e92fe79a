// Must pass: the CommonJS build.
const { expect } = require('expect');
const { matchers } = require('unflake/matchers');
const { eventually } = require('unflake');

expect.extend(matchers);

describe('unflake/mocha control (CJS)', function () {
  it('toEventuallyEqual and eventually()', async function () {
    let count = 0;
    setImmediate(() => (count = 3));
    await expect(() => count).toEventuallyEqual(3);
    expect(
      await eventually(
        () => count,
        (v) => v === 3,
      ),
    ).toBe(3);
  });
});
