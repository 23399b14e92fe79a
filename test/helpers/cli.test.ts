import { main, parseTime } from '../../src/cli/cli.ts';
import { root, runNode } from './childProcess.ts';
import { startHealthServer, type HealthServer } from './healthServer.ts';

let servers: HealthServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

function capture(): {
  io: { out: (t: string) => void; err: (t: string) => void };
  out: () => string;
  err: () => string;
} {
  let out = '';
  let err = '';
  return { io: { out: (t) => void (out += t), err: (t) => void (err += t) }, out: () => out, err: () => err };
}

describe('unflake wait-ready (in process)', () => {
  test('exit 0 when ready, with what it saw on stdout', async () => {
    const s = await startHealthServer([
      { status: 503, body: { status: 'DOWN' } },
      { status: 200, body: { status: 'UP', releaseId: 'abc1234def' } },
    ]);
    servers.push(s);
    const c = capture();
    expect(await main(['wait-ready', s.url(), '--build', 'abc1234', '--timeout', '10s'], c.io)).toBe(0);
    expect(c.out()).toMatch(
      new RegExp(
        `^unflake: ${s.url().replace(/[.?]/g, '\\$&')} is ready after 2 attempts \\(\\d+ ms\\), build abc1234def\\n$`,
      ),
    );
  });

  test('exit 1 with the readiness report on stderr', async () => {
    const s = await startHealthServer([{ status: 200, body: { status: 'UP', releaseId: 'old0000' } }]);
    servers.push(s);
    const c = capture();
    expect(
      await main(['wait-ready', s.url(), '--build=new1111', '--timeout', '200ms', '--header', 'x-tenant: t1'], c.io),
    ).toBe(1);
    expect(c.err()).toContain('Stale build: the service reports old0000 (releaseId), expected new1111.');
    expect(s.requests[0]?.headers['x-tenant']).toBe('t1');
  });

  test.each([
    [[]],
    [['wait']],
    [['wait-ready']],
    [['wait-ready', 'localhost:1']],
    [['wait-ready', 'http://x', '--timeout', 'soon']],
    [['wait-ready', 'http://x', '--header', 'novalue']],
    [['wait-ready', 'http://x', '--bogus']],
  ])('exit 2 on bad usage: %j', async (args) => {
    const c = capture();
    expect(await main(args, c.io)).toBe(2);
    expect(c.err()).toMatch(/^unflake: .+\n\nUsage: unflake wait-ready <url>/);
  });

  test('durations', () => {
    expect([
      parseTime('60s', 't'),
      parseTime('2m', 't'),
      parseTime('1500ms', 't'),
      parseTime('250', 't'),
      parseTime('1.5s', 't'),
    ]).toEqual([60_000, 120_000, 1_500, 250, 1_500]);
  });
});

describe('unflake wait-ready (the bin, in a child process)', () => {
  test('exit codes 0, 1 and 2', async () => {
    const s = await startHealthServer([{ status: 200, body: { status: 'UP', components: { db: { status: 'UP' } } } }]);
    servers.push(s);
    const bin = `${root}src/cli/bin.ts`;
    const ready = await runNode([bin, 'wait-ready', s.url(), '--timeout', '10s']);
    expect(ready).toMatchObject({ code: 0, stderr: '' });
    const notReady = await runNode([bin, 'wait-ready', s.url(), '--build', 'feedbee', '--timeout', '300ms']);
    expect(notReady.code).toBe(1);
    expect(notReady.stderr).toMatch(/^waitForReady\(http:\/\/127\.0\.0\.1:\d+\/health\) timed out after/);
    expect(notReady.stderr).toContain('No build id in the response, expected feedbee');
    const bad = await runNode([bin, 'wait-ready']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unflake: missing <url>');
  }, 60_000);
});
