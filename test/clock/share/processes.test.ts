import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { FollowerLostError, TestClock } from '../../../clock/index.ts';
import { fixture, reap, repo, sharedLog, spawnFollower } from './helpers.ts';

const START = Date.UTC(2030, 0, 1);
// These tests start child processes and worker threads: on a loaded 2-core machine, starting one
// (and loading the clock module) alone has taken over 5 s, the runners' default test timeout.
const PROCESS_TEST_TIMEOUT = 30_000;

describe('shared clock across processes', () => {
  test(
    'an unmodified child under --import unflake/clock/register fires its timers in global order with the leader',
    async () => {
      const clock = new TestClock({ now: START });
      const share = await clock.share();
      const log = sharedLog();
      const child = spawnFollower('timers.mjs', [log.path, '100', '300'], { ...share.env, UNFLAKE_CLOCK_NAME: 'app' });
      try {
        await share.waitForFollowers(1, { timeout: 20_000 });
        await clock.waitForTimers(2, { timeout: 20_000 });
        expect(share.followers).toEqual([{ name: 'app', pid: child.pid, pending: 2, nextDue: 100 }]);
        // When the leader's timer fires at 200, the child's at 100 has already fired (it is in the log).
        let seenByLeader: string[] = [];
        clock.setTimeout(() => {
          seenByLeader = log.lines();
          log.append(`leader:200@${clock.monotonic()}`);
        }, 200);
        await clock.advanceAsync(500);
        expect(seenByLeader).toEqual([`app:100@100/${START + 100}`]);
        expect(log.lines()).toEqual([`app:100@100/${START + 100}`, 'leader:200@200', `app:300@300/${START + 300}`]);
        // Nothing left to do: it leaves with a bye and exits by itself.
        expect(await child.exited).toEqual({ code: 0, signal: null });
        expect(share.followers).toEqual([]);
        expect(child.stderr()).toBe('');
      } finally {
        await reap(child);
        await share.close();
        log.remove();
      }
    },
    PROCESS_TEST_TIMEOUT,
  );

  test(
    'the preload also fakes AbortSignal.timeout and ESM named imports of node:timers/promises',
    async () => {
      const clock = new TestClock({ now: START });
      const share = await clock.share();
      const log = sharedLog();
      const child = spawnFollower('promiseTimers.mjs', [log.path], { ...share.env, UNFLAKE_CLOCK_NAME: 'waits' });
      try {
        await share.waitForFollowers(1, { timeout: 20_000 });
        // The timeout signal's timer and the first sleep.
        await clock.waitForTimers(2, { timeout: 20_000 });
        await clock.advanceAsync(299);
        expect(log.lines()).toEqual(['slept:value@100', 'waited@200']);
        await clock.advanceAsync(301);
        expect(log.lines()).toEqual([
          'slept:value@100',
          'waited@200',
          'signal:TimeoutError@300',
          'tick@350',
          'tick@500',
        ]);
        expect(await child.exited).toEqual({ code: 0, signal: null });
        expect(child.stderr()).toBe('');
      } finally {
        await reap(child);
        await share.close();
        log.remove();
      }
    },
    PROCESS_TEST_TIMEOUT,
  );

  test(
    "share.skew moves a preloaded child's Date only: its timers still fire in global order",
    async () => {
      const clock = new TestClock({ now: START });
      const share = await clock.share();
      const log = sharedLog();
      const child = spawnFollower('timers.mjs', [log.path, '100', '300'], {
        ...share.env,
        UNFLAKE_CLOCK_NAME: 'skewed',
      });
      try {
        await share.waitForFollowers(1, { timeout: 20_000 });
        await clock.waitForTimers(2, { timeout: 20_000 });
        await share.skew('skewed', { offset: -120_000 });
        clock.setTimeout(() => log.append(`leader:200@${clock.monotonic()}/${clock.now()}`), 200);
        await clock.advanceAsync(500);
        expect(log.lines()).toEqual([
          `skewed:100@100/${START + 100 - 120_000}`,
          `leader:200@200/${START + 200}`,
          `skewed:300@300/${START + 300 - 120_000}`,
        ]);
        expect(await child.exited).toEqual({ code: 0, signal: null });
      } finally {
        await reap(child);
        await share.close();
        log.remove();
      }
    },
    PROCESS_TEST_TIMEOUT,
  );

  test(
    'an injected follower: an HTTP service issues tokens that expire after 60 s of the shared time',
    async () => {
      const clock = new TestClock({ now: START });
      const share = await clock.share();
      const service = spawnFollower('tokenService.mjs', [], share.env, { preload: false });
      try {
        const port = Number((await service.line(/listening (\d+)/))[1]);
        await share.waitForFollowers(1, { timeout: 20_000 });
        expect(share.followers[0]).toMatchObject({
          name: 'token-service',
          pid: service.pid,
          pending: 1,
          nextDue: 30_000,
        });
        const base = `http://127.0.0.1:${port}`;
        const { token, expiresAt } = (await (await fetch(`${base}/token`, { method: 'POST' })).json()) as {
          token: string;
          expiresAt: number;
        };
        expect(expiresAt).toBe(START + 60_000);
        await clock.advanceAsync(59_999);
        const before = await fetch(`${base}/verify?token=${token}`);
        expect([before.status, await before.json()]).toEqual([200, { valid: true, now: START + 59_999, purged: 0 }]);
        await clock.advanceAsync(1_001);
        const after = await fetch(`${base}/verify?token=${token}`);
        // Rejected; and the purge interval (at 60 s, in the service) had already run when advanceAsync returned.
        expect([after.status, await after.json()]).toEqual([401, { valid: false, now: START + 61_000, purged: 1 }]);
      } finally {
        await share.close();
        await reap(service);
      }
    },
    PROCESS_TEST_TIMEOUT,
  );

  test(
    'a worker thread follows through clockFromEnv()',
    async () => {
      const clock = new TestClock({ now: START });
      const share = await clock.share();
      const log = sharedLog();
      const worker = new Worker(fixture('worker.mjs'), {
        env: { ...process.env, ...share.env },
        workerData: { clockModule: pathToFileURL(`${repo}/clock/index.ts`).href, log: log.path, delays: [150, 250] },
      });
      // Listen for the exit now: the worker may exit as soon as its last step is acknowledged, before
      // advanceAsync() resolves here, and `once` does not see an event emitted before it was called.
      const exited = once(worker, 'exit');
      try {
        const [message] = (await once(worker, 'message')) as [string];
        expect(message).toBe('scheduled');
        await clock.waitForTimers(2, { timeout: 20_000 });
        expect(share.followers).toEqual([
          expect.objectContaining({ name: expect.stringMatching(/#worker\d+$/), pid: process.pid, pending: 2 }),
        ]);
        clock.setTimeout(() => log.append(`leader@${clock.monotonic()}`), 200);
        await clock.advanceAsync(300);
        expect(log.lines()).toEqual(['worker:150@150', 'leader@200', 'worker:250@250']);
        const [code] = (await exited) as [number];
        expect(code).toBe(0);
      } finally {
        await worker.terminate();
        await share.close();
        log.remove();
      }
    },
    PROCESS_TEST_TIMEOUT,
  );

  test(
    'a follower killed (SIGKILL) mid-advance fails advanceAsync at once, naming it; the others carry on',
    async () => {
      const clock = new TestClock({ now: START });
      const share = await clock.share({ followerTimeout: 5_000 });
      const log = sharedLog();
      const victim = spawnFollower('selfSignal.mjs', [log.path, 'SIGKILL', '100', '400'], {
        ...share.env,
        UNFLAKE_CLOCK_NAME: 'victim',
      });
      const survivor = spawnFollower('timers.mjs', [log.path, '200', '600'], {
        ...share.env,
        UNFLAKE_CLOCK_NAME: 'survivor',
      });
      try {
        await share.waitForFollowers(2, { timeout: 20_000 });
        await clock.waitForTimers(4, { timeout: 20_000 });
        const started = performance.now();
        const error = (await clock.advanceAsync(1_000).catch((e: unknown) => e)) as FollowerLostError;
        expect(error).toBeInstanceOf(FollowerLostError);
        expect(error.message).toMatch(
          new RegExp(
            `follower "victim" \\(pid ${victim.pid}\\) did not finish step #\\d+ \\(to monotonic 100 ms, 2030-01-01T00:00:00\\.100Z\\)`,
          ),
        );
        expect(error.message).toMatch(/disconnected \(its process exited or crashed/);
        expect(error.followers).toEqual([{ name: 'victim', pid: victim.pid, reason: 'disconnected' }]);
        expect(error.step).toMatchObject({ monotonic: 100, to: START + 100 });
        expect(performance.now() - started).toBeLessThan(5_000);
        expect(await victim.exited).toEqual({ code: null, signal: 'SIGKILL' });
        expect(share.followers.map((f) => f.name)).toEqual(['survivor']);
        expect(clock.monotonic()).toBe(100);
        await clock.advanceAsync(900);
        expect(log.lines()).toEqual([
          'victim:SIGKILL@100',
          `survivor:200@200/${START + 200}`,
          `survivor:600@600/${START + 600}`,
        ]);
        expect(await survivor.exited).toEqual({ code: 0, signal: null });
      } finally {
        await reap(victim, survivor);
        await share.close();
        log.remove();
      }
    },
    PROCESS_TEST_TIMEOUT,
  );

  test(
    'a follower stopped (SIGSTOP) mid-advance fails advanceAsync within followerTimeout, naming it; the others carry on',
    async () => {
      const clock = new TestClock({ now: START });
      const followerTimeout = 400;
      const share = await clock.share({ followerTimeout });
      const log = sharedLog();
      const victim = spawnFollower('selfSignal.mjs', [log.path, 'SIGSTOP', '100'], {
        ...share.env,
        UNFLAKE_CLOCK_NAME: 'stopped',
      });
      const survivor = spawnFollower('timers.mjs', [log.path, '100', '200'], {
        ...share.env,
        UNFLAKE_CLOCK_NAME: 'survivor',
      });
      try {
        await share.waitForFollowers(2, { timeout: 20_000 });
        await clock.waitForTimers(3, { timeout: 20_000 });
        const started = performance.now();
        const error = (await clock.advanceAsync(1_000).catch((e: unknown) => e)) as FollowerLostError;
        const took = performance.now() - started;
        expect(error).toBeInstanceOf(FollowerLostError);
        expect(error.message).toMatch(
          new RegExp(`follower "stopped" \\(pid ${victim.pid}\\) did not finish step #\\d+ \\(to monotonic 100 ms`),
        );
        expect(error.message).toMatch(/did not acknowledge within followerTimeout \(400 ms of real time\)/);
        expect(error.followers).toEqual([{ name: 'stopped', pid: victim.pid, reason: 'timeout' }]);
        expect(took).toBeGreaterThanOrEqual(followerTimeout - 5);
        expect(took).toBeLessThan(followerTimeout + 1_000);
        expect(share.followers.map((f) => f.name)).toEqual(['survivor']);
        await clock.advanceAsync(900);
        expect(log.lines()).toEqual(
          expect.arrayContaining([
            `survivor:100@100/${START + 100}`,
            `survivor:200@200/${START + 200}`,
            'stopped:SIGSTOP@100',
          ]),
        );
        expect(await survivor.exited).toEqual({ code: 0, signal: null });
      } finally {
        await reap(victim, survivor);
        await share.close();
        log.remove();
      }
    },
    PROCESS_TEST_TIMEOUT,
  );

  test(
    'a follower that loses its leader says so on stderr and exits by itself',
    async () => {
      // A leader that welcomes, then vanishes without a bye (as a crashed test process would).
      let peer: Socket | undefined;
      let stateSeen: (frame: unknown) => void = () => {};
      const state = new Promise((resolve) => (stateSeen = resolve));
      const server = createServer((socket) => {
        peer = socket;
        socket.on('error', () => {});
        let text = '';
        socket.setEncoding('utf8').on('data', (chunk: string) => {
          text += chunk;
          const frames = text
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line) as { type: string });
          if (frames.length === 1 && frames[0]!.type === 'hello' && text.endsWith('\n'))
            socket.write(`${JSON.stringify({ type: 'welcome', v: 2, now: START, monotonic: 0 })}\n`);
          const found = frames.find((f) => f.type === 'state');
          if (found) stateSeen(found);
        });
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const port = (server.address() as { port: number }).port;
      const log = sharedLog();
      const child = spawnFollower('timers.mjs', [log.path, '1000'], {
        UNFLAKE_CLOCK_URL: `unflake-clock://127.0.0.1:${port}`,
        UNFLAKE_CLOCK_TOKEN: 'x',
        UNFLAKE_CLOCK_NAME: 'orphan',
      });
      try {
        // Its pending timer holds the process (the step never comes) until the leader goes away.
        expect(await state).toMatchObject({ type: 'state', pending: 1, nextDue: 1_000 });
        peer!.destroy();
        expect(await child.exited).toEqual({ code: 0, signal: null });
        expect(child.stderr()).toMatch(
          /^unflake: follower "orphan" lost the shared clock at unflake-clock:\/\/127\.0\.0\.1:\d+: the connection closed without a bye \(the leader exited or crashed\)\. Its time stands still at 2030-01-01T00:00:00\.000Z; sleeps reject and its timers will not fire\.\n$/,
        );
        expect(log.lines()).toEqual([]);
      } finally {
        await reap(child);
        server.close();
        log.remove();
      }
    },
    PROCESS_TEST_TIMEOUT,
  );

  test(
    'after share.close() the children exit by themselves, and a child whose leader is gone fails to start',
    async () => {
      const clock = new TestClock({ now: START });
      const share = await clock.share();
      const log = sharedLog();
      const children = [1, 2].map((i) =>
        spawnFollower('timers.mjs', [log.path, '5000'], { ...share.env, UNFLAKE_CLOCK_NAME: `c${i}` }),
      );
      try {
        await share.waitForFollowers(2, { timeout: 20_000 });
        await clock.waitForTimers(2, { timeout: 20_000 });
        await share.close();
        for (const c of children) {
          expect(await c.exited).toEqual({ code: 0, signal: null });
          expect(c.stderr()).toBe('');
        }
        expect(log.lines()).toEqual([]);
        const late = spawnFollower('timers.mjs', [log.path, '10'], share.env);
        const { code } = await late.exited;
        expect(code).not.toBe(0);
        expect(late.stderr()).toMatch(
          /connectClock\(\): cannot reach the shared clock at unflake-clock:\/\/127\.0\.0\.1:\d+: connect ECONNREFUSED/,
        );
      } finally {
        await reap(...children);
        await share.close();
        log.remove();
      }
    },
    PROCESS_TEST_TIMEOUT,
  );
});
