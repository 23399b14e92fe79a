'use strict';
const { eventually } = require('unflake');

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

test('the matchers are on the expect of @jest/globals too', async () => {
  const { expect: jestExpect } = require('@jest/globals');
  let n = 0;
  setTimeout(() => {
    n = 1;
  }, 30);
  await jestExpect(() => n).toEventuallyEqual(1, { timeout: 3000 });
});

test('toBeIdempotent and toConvergeInAnyOrder run from the package (fast-check loads lazily via require)', async () => {
  const seen = new Set();
  const handler = (event) => {
    seen.add(event.id);
  };
  await expect(handler).toBeIdempotent({ id: 'evt-1' }, { state: () => [...seen] });
  let total = 0;
  await expect((event) => {
    total = Math.max(total, event.n);
  }).toConvergeInAnyOrder([{ n: 1 }, { n: 2 }, { n: 3 }], {
    reset: () => {
      total = 0;
    },
    state: () => total,
    runs: 20,
  });
});

test('TestClock from unflake/clock drives a virtual-time wait', async () => {
  const { TestClock } = require('unflake/clock');
  const clock = new TestClock();
  let state = 'pending';
  clock.setTimeout(() => {
    state = 'done';
  }, 60000);
  await expect(() => state).toEventuallyBe('done', { clock, timeout: 120000 });
});

test('the unflake bin (wait-ready) exits 0 for a ready service and 1 with a report otherwise', async () => {
  const http = require('node:http');
  const { execFile } = require('node:child_process');
  const path = require('node:path');
  let ready = false;
  const server = http.createServer((req, res) => {
    res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: ready ? 'UP' : 'DOWN', releaseId: 'abc1234' }));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}/health`;
  const bin = path.join(__dirname, '..', 'node_modules', '.bin', 'unflake');
  const run = (args) =>
    new Promise((resolve) =>
      execFile(bin, args, { timeout: 20000 }, (error, stdout, stderr) =>
        resolve({ code: error ? error.code : 0, stderr }),
      ),
    );
  try {
    const notReady = await run(['wait-ready', url, '--timeout', '1s']);
    expect(notReady.code).toBe(1);
    expect(notReady.stderr).toMatch(/timed out after/);
    ready = true;
    expect((await run(['wait-ready', url, '--build', 'abc1234', '--timeout', '5s'])).code).toBe(0);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}, 30000);
