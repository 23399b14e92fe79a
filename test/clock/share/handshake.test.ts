/**
 * Handshake slots and the follower limit of a shared clock, over real loopback sockets: sockets that
 * never say hello cannot lock real followers out, and a refused follower is told why.
 */
import { once } from 'node:events';
import { connectClock, TestClock, type FollowerClock, type SharedClock } from '../../../clock/index.ts';
import { eventually } from '../../../src/eventually.ts';
import { pendingRealTimers } from '../../../src/time/realTime.ts';
import { rawClient } from './helpers.ts';

type Raw = ReturnType<typeof rawClient>;

const errorsOf = (client: Raw): string[] =>
  client
    .received()
    .map((line) => JSON.parse(line) as { type: string; message?: string })
    .filter((f) => f.type === 'error')
    .map((f) => f.message!);

/** `count` connected raw sockets; with `hello`, each has been welcomed as a follower. */
async function openRaw(share: SharedClock, count: number, hello = false): Promise<Raw[]> {
  const clients = Array.from({ length: count }, () => rawClient(share.url));
  await Promise.all(clients.map((c) => once(c.socket, 'connect')));
  if (!hello) return clients;
  const token = share.env.UNFLAKE_CLOCK_TOKEN;
  await Promise.all(
    clients.map(async (c, i) => {
      const welcomed = once(c.socket, 'data');
      c.send(`${JSON.stringify({ type: 'hello', v: 1, token, name: `raw-${i}`, pid: 1 })}\n`);
      await welcomed;
    }),
  );
  return clients;
}

async function closeAll(clients: Raw[], followers: FollowerClock[], share: SharedClock | undefined): Promise<void> {
  for (const c of clients) c.socket.destroy();
  await Promise.all([...clients.map((c) => c.closed), ...followers.map((f) => f.close())]);
  await share?.close();
}

describe('shared clock: handshake slots', () => {
  test('150 idle sockets that never say hello do not lock out a real follower; the oldest are closed with the reason', async () => {
    const clock = new TestClock();
    const share = await clock.share();
    const idle: Raw[] = [];
    const followers: FollowerClock[] = [];
    try {
      // More than the 64 handshake slots; the leader accepts them in connection order.
      idle.push(...(await openRaw(share, 150)));
      const follower = await connectClock(share.url, {
        name: 'real',
        token: share.env.UNFLAKE_CLOCK_TOKEN,
        timeout: 5_000,
      });
      followers.push(follower);
      expect(share.followers.map((f) => f.name)).toEqual(['real']);
      let fired = 0;
      follower.setTimeout(() => fired++, 10);
      await clock.waitForTimers(1);
      await clock.advanceAsync(10);
      expect(fired).toBe(1);
      // Every slot was full when the follower came: the sockets that had waited longest made room.
      await Promise.all(idle.slice(0, 87).map((c) => c.closed));
      const evicted =
        'closed without a hello: 64 connections were waiting to say hello (the limit) and this one had waited longest';
      expect(errorsOf(idle[0]!)).toEqual([evicted]);
      expect(errorsOf(idle[86]!)).toEqual([evicted]);
    } finally {
      await closeAll(idle, followers, share);
    }
  });

  test('a socket that never says hello is closed after the handshake deadline (2 s by default), with the reason', async () => {
    const clock = new TestClock();
    const share = await clock.share();
    const idle: Raw[] = [];
    try {
      idle.push(...(await openRaw(share, 1)));
      await idle[0]!.closed;
      expect(errorsOf(idle[0]!)).toEqual(['no hello within 2000 ms']);
    } finally {
      await closeAll(idle, [], share);
    }
  });

  test('a follower past the limit is refused, and connectClock says why and what the limit is', async () => {
    const clock = new TestClock();
    const share = await clock.share();
    const attached: Raw[] = [];
    const followers: FollowerClock[] = [];
    try {
      attached.push(...(await openRaw(share, 64, true)));
      expect(share.followers).toHaveLength(64);
      const token = share.env.UNFLAKE_CLOCK_TOKEN;
      const refused = connectClock(share.url, { name: 'one-too-many', token });
      await expect(refused).rejects.toThrow(
        new Error(
          `connectClock(): the shared clock at ${share.url} refused this follower: 64 followers are already attached (the limit, maxFollowers 64); close one first, or share the clock with a higher maxFollowers`,
        ),
      );
      // Only attached followers count: once one leaves, the next is welcomed.
      attached[0]!.socket.destroy();
      await eventually(
        () => share.followers.length,
        (n) => n === 63,
        { timeout: 5_000, interval: 5 },
      );
      followers.push(await connectClock(share.url, { name: 'next', token }));
      expect(share.followers.map((f) => f.name)).toContain('next');
    } finally {
      await closeAll(attached, followers, share);
    }
  });

  test('maxFollowers must be a whole number >= 1', async () => {
    const clock = new TestClock();
    for (const bad of [0, -1, 1.5, '2', Number.NaN]) {
      await expect(clock.share({ maxFollowers: bad as number })).rejects.toThrow(
        new TypeError(`TestClock.share(): \`maxFollowers\` must be a whole number >= 1, got ${String(bad)}.`),
      );
    }
  });

  test('maxFollowers sets the limit', async () => {
    const clock = new TestClock();
    const share = await clock.share({ maxFollowers: 1 });
    const followers: FollowerClock[] = [];
    try {
      const token = share.env.UNFLAKE_CLOCK_TOKEN;
      followers.push(await connectClock(share.url, { name: 'only', token }));
      await expect(connectClock(share.url, { name: 'second', token })).rejects.toThrow(
        /refused this follower: 1 follower is already attached \(the limit, maxFollowers 1\)/,
      );
    } finally {
      await closeAll([], followers, share);
    }
  });
});

describe('shared clock: waitForFollowers', () => {
  test('times out naming the followers attached so far, and leaves no real timer behind', async () => {
    const clock = new TestClock();
    const share = await clock.share();
    const followers: FollowerClock[] = [];
    try {
      followers.push(await connectClock(share.url, { name: 'first', token: share.env.UNFLAKE_CLOCK_TOKEN }));
      await share.waitForFollowers(1);
      const timers = pendingRealTimers();
      await expect(share.waitForFollowers(2, { timeout: 30 })).rejects.toThrow(
        /^SharedClock\.waitForFollowers\(2\): 1 follower\(s\) attached after 30 ms of real time: "first" \(pid \d+\)\. Did the child get the share's env/,
      );
      expect(pendingRealTimers()).toBe(timers);
    } finally {
      await closeAll([], followers, share);
    }
  });

  test("a wait ends with the signal's reason (its timer cleared), or with the share's close", async () => {
    const clock = new TestClock();
    const share = await clock.share();
    const controller = new AbortController();
    const timers = pendingRealTimers();
    const aborted = share.waitForFollowers(1, { timeout: 5_000, signal: controller.signal });
    controller.abort(new Error('gave up'));
    await expect(aborted).rejects.toThrow('gave up');
    expect(pendingRealTimers()).toBe(timers);
    const closing = share.waitForFollowers(1, { timeout: 5_000 });
    await share.close();
    await expect(closing).rejects.toThrow('SharedClock.waitForFollowers(): the shared clock was closed.');
    await expect(share.waitForFollowers(1)).rejects.toThrow('the shared clock is closed');
  });

  test('a bad count or timeout is a TypeError naming it', async () => {
    const share = await new TestClock().share();
    try {
      await expect(share.waitForFollowers(0)).rejects.toThrow(
        new TypeError('SharedClock.waitForFollowers(): `count` must be a whole number >= 1, got 0.'),
      );
      await expect(share.waitForFollowers(1, { timeout: -1 })).rejects.toThrow(
        /^SharedClock\.waitForFollowers\(\): `timeout` must be a finite number of milliseconds >= 0, got -1\.$/,
      );
    } finally {
      await share.close();
    }
  });
});
