import fc from 'fast-check';
import { connectClock, TestClock, type FollowerClock, type SharedClock } from '../../../clock/index.ts';
import { rawClient } from './helpers.ts';

async function withGoodFollower(
  options: Parameters<TestClock['share']>[0] = {},
): Promise<{ clock: TestClock; share: SharedClock; good: FollowerClock; done: () => Promise<void> }> {
  const clock = new TestClock();
  const share = await clock.share(options);
  const good = await connectClock(share.url, { name: 'good', token: share.env.UNFLAKE_CLOCK_TOKEN });
  await share.waitForFollowers(1);
  return {
    clock,
    share,
    good,
    done: async () => {
      await good.close();
      await share.close();
    },
  };
}

/** The good follower still moves with the leader. */
async function stillFollows(clock: TestClock, good: FollowerClock, share: SharedClock): Promise<void> {
  let fired = 0;
  good.setTimeout(() => fired++, 10);
  await clock.waitForTimers(1);
  await clock.advanceAsync(10);
  expect(fired).toBe(1);
  expect(good.monotonic()).toBe(clock.monotonic());
  expect(share.followers.map((f) => f.name)).toEqual(['good']);
}

/** Sends `frames` on a fresh connection and returns what the leader answered before closing it. */
async function exchange(
  share: SharedClock,
  frames: string,
  options: { hello?: boolean; end?: boolean } = {},
): Promise<string[]> {
  const client = rawClient(share.url);
  if (options.hello)
    client.send(
      `${JSON.stringify({ type: 'hello', v: 1, token: share.env.UNFLAKE_CLOCK_TOKEN, name: 'raw', pid: 1 })}\n`,
    );
  client.send(frames);
  if (options.end !== false) client.socket.end();
  await client.closed;
  return client
    .received()
    .map((line) => JSON.parse(line) as { type: string; message?: string })
    .map((f) => (f.type === 'error' ? `error: ${f.message}` : f.type));
}

describe('shared clock: bad connections', () => {
  test('a wrong token, a wrong version or no hello are refused with a clear error; the good follower carries on', async () => {
    const { clock, share, good, done } = await withGoodFollower({ followerTimeout: 300 });
    try {
      const hello = (fields: object): string =>
        `${JSON.stringify({ type: 'hello', v: 1, token: share.env.UNFLAKE_CLOCK_TOKEN, name: 'x', pid: 1, ...fields })}\n`;
      expect(await exchange(share, hello({ token: 'f'.repeat(64) }))).toEqual(['error: wrong token']);
      expect(await exchange(share, hello({ token: '' }))).toEqual(['error: wrong token']);
      expect(await exchange(share, hello({ v: 3 }))).toEqual([
        'error: protocol version 3 is not supported; this leader speaks versions 1 and 2',
      ]);
      expect(await exchange(share, '{"type":"state","pending":0,"nextDue":null}\n')).toEqual([
        'error: expected `hello` first, got `state`',
      ]);
      expect(await exchange(share, '', { end: false })).toEqual(['error: no hello within 300 ms']);
      await expect(connectClock(share.url, { token: 'nope' })).rejects.toThrow(
        /connectClock\(\): the shared clock at unflake-clock:\/\/127\.0\.0\.1:\d+ refused this follower: wrong token/,
      );
      await stillFollows(clock, good, share);
    } finally {
      await done();
    }
  });

  test('malformed, oversized and out-of-order frames close that connection only, with the reason', async () => {
    const { clock, share, good, done } = await withGoodFollower();
    try {
      expect(await exchange(share, 'not json\n', { hello: true })).toEqual([
        'welcome',
        expect.stringMatching(/^error: frame is not JSON \(/),
      ]);
      expect(await exchange(share, '[1,2]\n', { hello: true })).toEqual([
        'welcome',
        'error: frame must be a JSON object, got an array',
      ]);
      expect(await exchange(share, '{"type":"tick"}\n', { hello: true })).toEqual([
        'welcome',
        'error: unknown frame type a string ("tick"); a follower sends hello, state, ack or bye',
      ]);
      expect(await exchange(share, '{"type":"state","pending":-1,"nextDue":null}\n', { hello: true })).toEqual([
        'welcome',
        'error: `state`: `pending` must be an integer >= 0, got number -1',
      ]);
      expect(await exchange(share, '{"type":"state","pending":1,"nextDue":"soon"}\n', { hello: true })).toEqual([
        'welcome',
        'error: `state`: `nextDue` must be monotonic milliseconds or null, got a string ("soon")',
      ]);
      expect(await exchange(share, '{"type":"ack","seq":7,"pending":0,"nextDue":null}\n', { hello: true })).toEqual([
        'welcome',
        'error: `ack` for step #7, but no step is outstanding',
      ]);
      expect(await exchange(share, 'x'.repeat(70_000), { hello: true, end: false })).toEqual([
        'welcome',
        'error: frame exceeds 65536 bytes (at least 70000 bytes without a newline)',
      ]);
      expect(await exchange(share, Buffer.from([0xff, 0xfe, 0x0a]).toString('latin1'), { hello: true })).toEqual([
        'welcome',
        expect.stringMatching(/^error: /),
      ]);
      // Valid frames are fine: this session ends when the client does.
      expect(await exchange(share, `{"type":"state","pending":0,"nextDue":null}\n`.repeat(3), { hello: true })).toEqual(
        ['welcome'],
      );
      await stillFollows(clock, good, share);
    } finally {
      await done();
    }
  });

  test('an ack for the wrong step fails the advance naming that follower; the next advance carries on', async () => {
    const { clock, share, good, done } = await withGoodFollower();
    const client = rawClient(share.url);
    try {
      client.send(
        `${JSON.stringify({ type: 'hello', v: 1, token: share.env.UNFLAKE_CLOCK_TOKEN, name: 'liar', pid: 4242 })}\n`,
      );
      await share.waitForFollowers(2);
      client.socket.on('data', () => {
        const step = client
          .received()
          .map((l) => JSON.parse(l) as { type: string; seq?: number })
          .find((f) => f.type === 'step');
        if (step) client.send(`${JSON.stringify({ type: 'ack', seq: step.seq! + 1, pending: 0, nextDue: null })}\n`);
      });
      await expect(clock.advanceAsync(5)).rejects.toThrow(
        /follower "liar" \(pid 4242\) did not finish step #1 \(to monotonic 5 ms.*\n {2}- follower "liar" \(pid 4242\) broke the protocol: `ack` for step #2, but step #1 is outstanding/,
      );
      await client.closed;
      expect(client.received().at(-1)).toBe(
        JSON.stringify({ type: 'error', message: '`ack` for step #2, but step #1 is outstanding' }),
      );
      await stillFollows(clock, good, share);
    } finally {
      client.socket.destroy();
      await done();
    }
  });

  test('a fuzz of 3000 random frames (seeded) never crashes the leader or disturbs a good follower', async () => {
    const { clock, share, good, done } = await withGoodFollower();
    try {
      const token = share.env.UNFLAKE_CLOCK_TOKEN;
      const types = ['hello', 'state', 'ack', 'bye', 'welcome', 'step', 'set', 'error', 'tick', ''];
      const value = fc.oneof(
        fc.integer(),
        fc.double(),
        fc.string(),
        fc.constant(null),
        fc.boolean(),
        fc.constant(token),
        fc.array(fc.integer(), { maxLength: 3 }),
      );
      const object = fc.record(
        {
          type: fc.constantFrom(...types),
          v: value,
          token: value,
          name: value,
          pid: value,
          seq: value,
          pending: value,
          nextDue: value,
          reason: value,
        },
        { requiredKeys: [] },
      );
      const frame = fc.oneof(
        object.map((o) => `${JSON.stringify(o)}\n`),
        fc.uint8Array({ maxLength: 200 }).map((bytes) => `${Buffer.from(bytes).toString('latin1')}\n`),
        fc.string({ maxLength: 100 }).map((s) => `${s}\n`),
        fc.constant(`${JSON.stringify({ type: 'hello', v: 1, token, name: 'fuzz', pid: 1 })}\n`),
        fc.constant(`${JSON.stringify({ type: 'state', pending: 3, nextDue: 5 })}\n`),
        fc.constant('{"type":"ack","seq":1,'),
      );
      const sessions = fc.sample(fc.tuple(fc.boolean(), fc.array(frame, { minLength: 10, maxLength: 10 })), {
        numRuns: 300,
        seed: 20_300_101,
      });
      let frames = 0;
      let answered = 0;
      for (let i = 0; i < sessions.length; i += 25) {
        await Promise.all(
          sessions.slice(i, i + 25).map(async ([authenticate, list]) => {
            frames += list.length;
            const client = rawClient(share.url);
            if (authenticate) client.send(`${JSON.stringify({ type: 'hello', v: 1, token, name: 'fuzz', pid: 1 })}\n`);
            for (const f of list) client.send(f);
            // A session that stayed valid is ended by the client; the rest the leader closes.
            client.socket.end();
            await client.closed;
            if (client.received().length) answered++;
          }),
        );
      }
      expect(frames).toBe(3_000);
      expect(answered).toBeGreaterThan(250);
      expect(share.followers.map((f) => f.name)).toEqual(['good']);
      await stillFollows(clock, good, share);
    } finally {
      await done();
    }
  });
});
