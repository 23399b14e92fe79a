import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  connectClock,
  FollowerLostError,
  TestClock,
  type FollowerClock,
  type SharedClock,
} from '../../../clock/index.ts';
import { trackSocketHandles } from './helpers.ts';

/** A leader with `n` in-process followers (each its own connection and fake-timers clock). */
async function leaderWith(
  n: number,
  options: Parameters<TestClock['share']>[0] = {},
): Promise<{ clock: TestClock; share: SharedClock; followers: FollowerClock[]; done: () => Promise<void> }> {
  const clock = new TestClock({ now: Date.UTC(2030, 0, 1) });
  const share = await clock.share(options);
  const followers: FollowerClock[] = [];
  for (let i = 0; i < n; i++)
    followers.push(await connectClock(share.url, { name: `f${i}`, token: share.env.UNFLAKE_CLOCK_TOKEN }));
  await share.waitForFollowers(n);
  return {
    clock,
    share,
    followers,
    done: async () => {
      await Promise.all(followers.map((f) => f.close()));
      await share.close();
    },
  };
}

describe('TestClock.share()', () => {
  test('returns url, env and the live list of followers', async () => {
    const { share, followers, done } = await leaderWith(2);
    try {
      expect(share.url).toMatch(/^unflake-clock:\/\/127\.0\.0\.1:\d+$/);
      expect(share.env.UNFLAKE_CLOCK_URL).toBe(share.url);
      expect(share.env.UNFLAKE_CLOCK_TOKEN).toMatch(/^[0-9a-f]{64}$/);
      expect(share.followers).toEqual([
        { name: 'f0', pid: process.pid, pending: 0, nextDue: null },
        { name: 'f1', pid: process.pid, pending: 0, nextDue: null },
      ]);
      expect(Object.isFrozen(share.followers)).toBe(true);
      await followers[0]!.close();
      expect(followers[0]!.connected).toBe(false);
      // The leader sees the bye at once; the list is live.
      await expect(share.waitForFollowers(1)).resolves.toBeUndefined();
    } finally {
      await done();
    }
  });

  test('followers start at the leader time and fire in one global order with it', async () => {
    const { clock, followers, done } = await leaderWith(2);
    try {
      const [a, b] = followers as [FollowerClock, FollowerClock];
      expect(a.now()).toBe(clock.now());
      expect(a.monotonic()).toBe(clock.monotonic());
      const seen: string[] = [];
      a.setTimeout(() => seen.push(`a@${a.monotonic()}`), 100);
      b.setTimeout(() => seen.push(`b@${b.monotonic()}`), 250);
      clock.setTimeout(() => seen.push(`leader@${clock.monotonic()}`), 200);
      a.setInterval(() => seen.push(`a-interval@${a.monotonic()}`), 120);
      await clock.waitForTimers(4);
      expect(clock.pending).toBe(4);
      expect(clock.nextDueAt).toBe(clock.now() + 100);
      await clock.advanceAsync(300);
      expect(seen).toEqual(['a@100', 'a-interval@120', 'leader@200', 'a-interval@240', 'b@250']);
      for (const f of followers) {
        expect(f.now()).toBe(clock.now());
        expect(f.monotonic()).toBe(300);
      }
    } finally {
      await done();
    }
  });

  test('promise continuations of a follower timer settle before the next step', async () => {
    const { clock, followers, done } = await leaderWith(1);
    try {
      const f = followers[0]!;
      const seen: string[] = [];
      void (async () => {
        await f.sleep(100);
        await Promise.resolve();
        seen.push(`follower continuation@${f.monotonic()}`);
        await f.sleep(50);
        seen.push(`follower second sleep@${f.monotonic()}`);
      })();
      clock.setTimeout(() => seen.push(`leader@${clock.monotonic()}`), 120);
      await clock.waitForTimers(2);
      await clock.advanceAsync(1_000);
      expect(seen).toEqual(['follower continuation@100', 'leader@120', 'follower second sleep@150']);
    } finally {
      await done();
    }
  });

  test('a follower timer set at delay 0 is due now, as on a TestClock: it waits for the leader and fires on advanceAsync(0)', async () => {
    const { clock, followers, done } = await leaderWith(1);
    try {
      const f = followers[0]!;
      let firedAt: number | undefined;
      const fired = new Promise<number>((resolve) => f.setTimeout(() => resolve((firedAt = f.monotonic())), 0));
      // The leader hears of it only after the follower decided not to fire it by itself.
      await clock.waitForTimers(1);
      expect([firedAt, f.pending, clock.nextDueAt]).toEqual([undefined, 1, clock.now()]);
      await clock.advanceAsync(0);
      expect(await fired).toBe(0);
      expect(clock.monotonic()).toBe(0);
    } finally {
      await done();
    }
  });

  test('an immediate on an installed follower fires without the leader advancing', async () => {
    const { clock, followers, done } = await leaderWith(1);
    try {
      const f = followers[0]!;
      const installed = f.install({ toFake: ['setImmediate'] });
      let fired: Promise<number>;
      try {
        fired = new Promise<number>((resolve) => setImmediate(() => resolve(f.monotonic())));
      } finally {
        installed.uninstall();
      }
      expect(await fired).toBe(0);
      expect(clock.monotonic()).toBe(0);
    } finally {
      await done();
    }
  });

  test('sync advance, runNext and runAll throw on a shared clock; the async ones step everyone', async () => {
    const { clock, followers, share, done } = await leaderWith(1);
    try {
      expect(() => clock.advance(10)).toThrow(/shared with other processes .*await clock\.advanceAsync\(ms\)/);
      expect(() => clock.runNext()).toThrow(/runNextAsync/);
      expect(() => clock.runAll()).toThrow(/runAllAsync/);
      const f = followers[0]!;
      let fired = 0;
      f.setTimeout(() => fired++, 5_000);
      f.setTimeout(() => fired++, 9_000);
      await clock.waitForTimers(2);
      await clock.runNextAsync();
      expect([fired, clock.monotonic(), f.monotonic()]).toEqual([1, 5_000, 5_000]);
      await clock.runAllAsync();
      expect([fired, clock.monotonic(), clock.pending]).toEqual([2, 9_000, 0]);
      await share.close();
      clock.advance(1);
      expect(clock.monotonic()).toBe(9_001);
    } finally {
      await done();
    }
  });

  test('waitForTimers counts the followers’ timers', async () => {
    const { clock, followers, done } = await leaderWith(2);
    try {
      const waiting = clock.waitForTimers(3);
      followers[0]!.setTimeout(() => {}, 10);
      clock.setTimeout(() => {}, 10);
      followers[1]!.setInterval(() => {}, 10);
      await waiting;
      expect(clock.pending).toBe(3);
      await expect(clock.waitForTimers(4, { timeout: 30 })).rejects.toThrow(/3 timer\(s\) pending after 30 ms/);
    } finally {
      await done();
    }
  });

  test('set() jumps every follower’s wall clock without firing or moving monotonic time', async () => {
    const { clock, followers, done } = await leaderWith(1);
    try {
      const f = followers[0]!;
      let fired = false;
      f.setTimeout(() => (fired = true), 1_000);
      await clock.waitForTimers(1);
      clock.set(Date.UTC(2031, 5, 1));
      await clock.advanceAsync(999);
      expect(fired).toBe(false);
      expect(f.now()).toBe(Date.UTC(2031, 5, 1) + 999);
      expect(f.monotonic()).toBe(999);
      await clock.advanceAsync(1);
      expect(fired).toBe(true);
    } finally {
      await done();
    }
  });

  test('a follower joining during an advance starts at a step boundary and takes part from then on', async () => {
    const { clock, share, followers, done } = await leaderWith(1);
    let late: FollowerClock | undefined;
    try {
      const joined: number[] = [];
      followers[0]!.setTimeout(() => {
        void connectClock(share.url, { name: 'late', token: share.env.UNFLAKE_CLOCK_TOKEN }).then((c) => {
          late = c;
          joined.push(c.monotonic());
          c.setTimeout(() => joined.push(c.monotonic()), 100);
        });
      }, 100);
      await clock.waitForTimers(1);
      await clock.advanceAsync(100);
      await share.waitForFollowers(2);
      await clock.waitForTimers(1);
      await clock.advanceAsync(500);
      expect(joined).toEqual([100, 200]);
      expect(late!.monotonic()).toBe(600);
    } finally {
      await late?.close();
      await done();
    }
  });

  test('a follower that closes mid-advance leaves quietly; the advance goes on with the others', async () => {
    const { clock, share, followers, done } = await leaderWith(2, { followerTimeout: 2_000 });
    try {
      const [a, b] = followers as [FollowerClock, FollowerClock];
      a.setTimeout(() => void a.close(), 100);
      let bFired = 0;
      b.setInterval(() => bFired++, 100);
      await clock.waitForTimers(2);
      await clock.advanceAsync(300);
      expect(bFired).toBe(3);
      expect(share.followers.map((f) => f.name)).toEqual(['f1']);
    } finally {
      await done();
    }
  });

  test('refuses a non-loopback host unless listenOnAllInterfaces, and checks its options', async () => {
    const clock = new TestClock();
    await expect(clock.share({ host: '0.0.0.0' })).rejects.toThrow(
      /refusing to listen on "0\.0\.0\.0", which is not a loopback address.*listenOnAllInterfaces: true/,
    );
    await expect(clock.share({ host: '10.1.2.3' })).rejects.toThrow(/not a loopback address/);
    await expect(clock.share({ followerTimeout: -1 })).rejects.toThrow(TypeError);
    await expect(clock.share({ prot: 1 } as never)).rejects.toThrow(/unknown option `prot`/);
    await expect(clock.share({ path: 'x', port: 1 })).rejects.toThrow(/cannot be combined/);
    const share = await clock.share({ host: '::1' }).catch(() => clock.share({ host: 'localhost' }));
    await expect(clock.share()).rejects.toThrow(/already shared/);
    await share.close();
    const open = await clock.share({ listenOnAllInterfaces: true });
    try {
      expect(open.url).toMatch(/^unflake-clock:\/\/[\d.]+:\d+$/);
    } finally {
      await open.close();
    }
  });

  test('works over a Unix socket', async () => {
    const path = join(tmpdir(), `unflake-clock-${process.pid}-${Date.now()}.sock`);
    const clock = new TestClock();
    const share = await clock.share({ path });
    const f = await connectClock(share.url, { token: share.env.UNFLAKE_CLOCK_TOKEN, name: 'unix' });
    try {
      expect(share.url).toBe(`unix://${path}`);
      let fired = 0;
      f.setTimeout(() => fired++, 42);
      await clock.waitForTimers(1);
      await clock.advanceAsync(42);
      expect(fired).toBe(1);
    } finally {
      await f.close();
      await share.close();
    }
  });

  test('connectClock refuses bad input and reports an unreachable leader', async () => {
    await expect(connectClock('http://x', { token: 't' })).rejects.toThrow(/unsupported scheme "http:"/);
    await expect(connectClock('unflake-clock://127.0.0.1:1', { token: 't', nmae: 'x' } as never)).rejects.toThrow(
      /unknown option `nmae`/,
    );
    const clock = new TestClock();
    const share = await clock.share();
    const url = share.url;
    await share.close();
    await expect(connectClock(url, { token: 'x' })).rejects.toThrow(
      /cannot reach the shared clock at unflake-clock:\/\/127\.0\.0\.1:\d+: connect ECONNREFUSED/,
    );
  });

  test('close() says bye: followers stop, sleeps reject, nothing is left open on either side', async () => {
    const handles = trackSocketHandles();
    const resourcesBefore = process.getActiveResourcesInfo().filter((r) => /TCP|Pipe/.test(r)).length;
    try {
      const { clock, share, followers } = await leaderWith(3);
      const sleeping = followers[0]!.sleep(1_000);
      await clock.waitForTimers(1);
      expect(handles.open().length).toBeGreaterThanOrEqual(7); // 1 server + 3 × 2 sockets
      await share.close();
      await share.close(); // idempotent
      await expect(sleeping).rejects.toThrow(
        /lost the shared clock at unflake-clock:.*the leader closed the shared clock/,
      );
      // A sleep on a follower rejects once it has heard the bye (at once if it already has).
      const sleeps = await Promise.all(
        followers.map((f) =>
          f.sleep(1).then(
            () => 'resolved',
            (e: Error) => e.message,
          ),
        ),
      );
      for (const message of sleeps)
        expect(message).toMatch(/lost the shared clock .*the leader closed the shared clock/);
      expect(followers.map((f) => f.connected)).toEqual([false, false, false]);
      await expect(clock.advanceAsync(10)).resolves.toBeUndefined();
      expect(await handles.settled()).toEqual([]);
      // (Unrelated runner pipes may close meanwhile, so: no more than before.)
      expect(process.getActiveResourcesInfo().filter((r) => /TCP|Pipe/.test(r)).length).toBeLessThanOrEqual(
        resourcesBefore,
      );
    } finally {
      handles.stop();
    }
  });

  test('FollowerLostError carries who failed and the step', () => {
    const error = new FollowerLostError('x', [{ name: 'api', pid: 1, reason: 'timeout' }], {
      seq: 3,
      to: 100,
      monotonic: 100,
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('FollowerLostError');
    expect(error.followers[0]!.name).toBe('api');
  });
});
