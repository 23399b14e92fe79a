// Must pass: the control beside test/fail.spec.mjs, through the packed package (ESM build).
import { expect } from 'expect';
import { assert } from 'chai';
import { EventEmitter } from 'node:events';
import { matchers } from 'unflake/matchers';
import { eventually, onCleanup, record, testTrace } from 'unflake';

expect.extend(matchers);

const traces = [];

describe('unflake/mocha control (ESM)', function () {
  it('a 3 s test whose awaited poll passes in time', async function () {
    this.timeout(3000);
    let status = 'pending';
    setImmediate(() => (status = 'shipped'));
    await expect(() => ({ status })).toEventuallyEqual({ status: 'shipped' }, { from: { status: 'pending' } });
  });

  it('chai and expect inside eventually() checks', async function () {
    let n = 0;
    setImmediate(() => (n = 2));
    await eventually(
      () => n,
      (v) => expect(v).toBe(2),
    );
    const value = await eventually(
      () => n,
      (v) => {
        assert.equal(v, 2);
        return true;
      },
    );
    assert.equal(value, 2);
  });

  it('record + wakeOn, a trace and a cleanup per test', async function () {
    const queue = new EventEmitter();
    const done = record(queue, 'completed');
    setImmediate(() => queue.emit('completed', 'job-1'));
    await expect(() => done.length).toEventuallyBe(1, { wakeOn: done, from: 0 });
    traces.push(testTrace().traceId);
    onCleanup(() => traces.push('cleaned'));
  });

  it('the cleanup ran, and this test has its own trace', function () {
    assert.equal(traces[1], 'cleaned');
    assert.notEqual(testTrace().traceId, traces[0]);
  });
});
