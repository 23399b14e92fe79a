/**
 * Clock skew on a shared clock (share.skew, connectClock's `skew`): only that participant's wall clock
 * moves; monotonic time and the global firing order do not. Followers in this process (connectClock);
 * test/clock/share/processes.test.ts has a child process under the preload.
 */
import { connectClock, TestClock, type FollowerClock } from '../../../clock/index.ts';
import type { ConnectClockOptions } from '../../../clock/share/follower.ts';
import { once } from 'node:events';
import { rawClient } from './helpers.ts';

const START = Date.UTC(2030, 0, 1);

async function sharedWith(...followers: [string, ConnectClockOptions?][]) {
  const clock = new TestClock({ now: START });
  const share = await clock.share();
  const connected: FollowerClock[] = [];
  for (const [name, options] of followers)
    connected.push(await connectClock(share.url, { name, token: share.env.UNFLAKE_CLOCK_TOKEN, ...options }));
  await share.waitForFollowers(followers.length);
  const close = async (): Promise<void> => {
    for (const follower of connected) await follower.close();
    await share.close();
  };
  return { clock, share, followers: connected, close };
}

describe('share.skew(follower, { offset, driftPpm })', () => {
  test("moves only that follower's wall clock, at once; monotonic time stays the leader's", async () => {
    const {
      clock,
      share,
      followers: [a, b],
      close,
    } = await sharedWith(['a'], ['b']);
    try {
      await share.skew('b', { offset: -120_000 });
      expect([a!.now(), b!.now()]).toEqual([START, START - 120_000]);
      await clock.advanceAsync(1_000);
      expect([clock.now(), a!.now(), b!.now()]).toEqual([START + 1_000, START + 1_000, START - 119_000]);
      expect([a!.monotonic(), b!.monotonic()]).toEqual([1_000, 1_000]);
      await share.skew('b', null);
      expect(b!.now()).toBe(START + 1_000);
    } finally {
      await close();
    }
  });

  test('keeps the global firing order: each timer fires at its monotonic due time, seeing its own skewed wall clock', async () => {
    const {
      clock,
      share,
      followers: [ahead, behind],
      close,
    } = await sharedWith(['ahead'], ['behind']);
    try {
      await share.skew('ahead', { offset: 3_600_000 });
      await share.skew('behind', { offset: -60_000 });
      const seen: string[] = [];
      ahead!.setTimeout(() => seen.push(`ahead@${ahead!.monotonic()}/${ahead!.now() - START}`), 300);
      behind!.setTimeout(() => seen.push(`behind@${behind!.monotonic()}/${behind!.now() - START}`), 100);
      clock.setTimeout(() => seen.push(`leader@${clock.monotonic()}/${clock.now() - START}`), 200);
      await clock.waitForTimers(3);
      await clock.advanceAsync(300);
      expect(seen).toEqual(['behind@100/-59900', 'leader@200/200', 'ahead@300/3600300']);
    } finally {
      await close();
    }
  });

  test('drift: driftPpm millionths of the monotonic time since the skew was set (1000 ppm: 1 ms per second)', async () => {
    const {
      clock,
      share,
      followers: [slow],
      close,
    } = await sharedWith(['slow']);
    try {
      await clock.advanceAsync(5_000);
      await share.skew('slow', { driftPpm: 1_000 });
      expect(slow!.now()).toBe(START + 5_000);
      await clock.advanceAsync(10_000);
      expect(slow!.now() - clock.now()).toBe(10);
      expect(slow!.monotonic()).toBe(clock.monotonic());
    } finally {
      await close();
    }
  });

  test('a pid names every follower of that process (here: both)', async () => {
    const {
      share,
      followers: [a, b],
      close,
    } = await sharedWith(['a'], ['b']);
    try {
      await share.skew(process.pid, { offset: 42 });
      expect([a!.now(), b!.now()]).toEqual([START + 42, START + 42]);
    } finally {
      await close();
    }
  });

  test('TestClock#set moves a skewed follower by the same jump, keeping its offset', async () => {
    const {
      clock,
      share,
      followers: [f],
      close,
    } = await sharedWith(['f']);
    try {
      await share.skew('f', { offset: 500 });
      clock.set(START + 86_400_000);
      await clock.advanceAsync(1);
      expect(f!.now()).toBe(START + 86_400_000 + 1 + 500);
    } finally {
      await close();
    }
  });

  test('refuses bad input with a TypeError naming the argument, and an unknown follower naming the attached ones', async () => {
    const { share, close } = await sharedWith(['svc']);
    try {
      await expect(share.skew('', { offset: 1 })).rejects.toThrow(
        new TypeError(
          "SharedClock.skew(): `follower` must be a follower's name (a non-empty string) or its pid (an integer > 0), got .",
        ),
      );
      await expect(share.skew(1.5, { offset: 1 })).rejects.toThrow(
        "`follower` must be a follower's name (a non-empty string) or its pid (an integer > 0), got 1.5.",
      );
      await expect(share.skew('svc', undefined as never)).rejects.toThrow(
        'SharedClock.skew(): `skew` must be `{ offset, driftPpm }` or null (to remove it), got undefined.',
      );
      await expect(share.skew('svc', { ofset: 1 } as never)).rejects.toThrow(
        'SharedClock.skew(): unknown option `ofset`. Did you mean `offset`?',
      );
      await expect(share.skew('svc', { offset: Number.NaN })).rejects.toThrow(
        new TypeError('SharedClock.skew(): `skew.offset` must be a finite number of milliseconds, got NaN.'),
      );
      await expect(share.skew('svc', { driftPpm: 2e6 })).rejects.toThrow(
        'SharedClock.skew(): `skew.driftPpm` must be a number of parts per million from -1e6 to 1e6, got 2000000.',
      );
      await expect(share.skew('other', { offset: 1 })).rejects.toThrow(
        'SharedClock.skew(): no follower named or with pid "other" is attached (attached: "svc" (pid ',
      );
    } finally {
      await close();
    }
  });
});

describe("connectClock(url, { skew }) and the protocol's version", () => {
  test('a follower can start skewed, and refuses a bad skew', async () => {
    const {
      clock,
      followers: [late],
      close,
    } = await sharedWith(['late', { skew: { offset: -30_000 } }]);
    try {
      expect(late!.now()).toBe(START - 30_000);
      await clock.advanceAsync(1_000);
      expect(late!.now()).toBe(START - 29_000);
      await expect(
        connectClock('unflake-clock://127.0.0.1:1', { token: 't', skew: { offset: '5' } } as never),
      ).rejects.toThrow(
        new TypeError('connectClock(): `skew.offset` must be a finite number of milliseconds, got "5".'),
      );
    } finally {
      await close();
    }
  });

  test('a follower of protocol version 1 (before skew) is still served, and skewing it is refused, saying why', async () => {
    const clock = new TestClock({ now: START });
    const share = await clock.share();
    const old = rawClient(share.url);
    try {
      old.send(
        `${JSON.stringify({ type: 'hello', v: 1, token: share.env.UNFLAKE_CLOCK_TOKEN, name: 'old', pid: 1 })}\n`,
      );
      await share.waitForFollowers(1);
      if (old.received().length === 0) await once(old.socket, 'data');
      expect(JSON.parse(old.received()[0]!)).toEqual({ type: 'welcome', v: 1, now: START, monotonic: 0 });
      await expect(share.skew('old', { offset: 1 })).rejects.toThrow(
        'SharedClock.skew(): follower "old" (pid 1) speaks protocol version 1, which has no skew (version 2 added it); run the same unflake version in it as in the test.',
      );
      expect(old.received()).toHaveLength(1);
    } finally {
      old.socket.destroy();
      await share.close();
    }
  });
});
