/**
 * A unit test of eventually consistent logic, deterministic and instant: the relay takes a Clock,
 * the test passes a TestClock and moves time itself. (This is the README's "Controlling time" example.)
 */
import { OutboxRelay, type OutboxMessage } from '../../examples/outbox/outboxRelay.ts';
import { TestClock } from '../../clock/index.ts';

function setUp(options: { brokerDownFor?: number } = {}) {
  const clock = new TestClock({ now: Date.UTC(2026, 10, 22, 9, 0) });
  const rows = new Map<string, OutboxMessage & { publishedAt?: number }>();
  const outbox = {
    pending: () => [...rows.values()].filter((row) => row.publishedAt === undefined),
    markPublished: (id: string, at: number) => void (rows.get(id)!.publishedAt = at),
  };
  const received: string[] = [];
  const attemptsAt: number[] = [];
  const downUntil = clock.now() + (options.brokerDownFor ?? 0);
  const publish = async (message: OutboxMessage): Promise<void> => {
    attemptsAt.push(clock.now() - Date.UTC(2026, 10, 22, 9, 0));
    if (clock.now() < downUntil) throw new Error('ECONNREFUSED broker:9092');
    received.push(message.id);
  };
  const add = (id: string) => rows.set(id, { id, topic: 'orders', payload: { id } });
  const relay = new OutboxRelay({ clock, outbox, publish });
  return { clock, relay, add, rows, received, attemptsAt };
}

describe('OutboxRelay (a Clock-injected unit under test)', () => {
  test('publishes pending messages, in order, on its next poll', async () => {
    const { clock, relay, add, received } = setUp();
    add('order-1');
    add('order-2');
    relay.start();
    await clock.advanceAsync(999);
    expect(received).toEqual([]);
    await clock.advanceAsync(1);
    expect(received).toEqual(['order-1', 'order-2']);
    relay.stop();
  });

  test('backs off 1 s, 2 s, 4 s … while the broker is down, then catches up', async () => {
    const { clock, relay, add, received, attemptsAt, rows } = setUp({ brokerDownFor: 10_000 });
    add('order-1');
    add('order-2');
    relay.start();

    // Virtual time: every pause of the poll advances the TestClock. A minute costs milliseconds.
    await expect(() => received).toEventuallyEqual(['order-1', 'order-2'], { clock, timeout: 60_000 });

    expect(attemptsAt).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 16_000]);
    expect(rows.get('order-2')?.publishedAt).toBe(Date.UTC(2026, 10, 22, 9, 0, 16));
    relay.stop();
  });

  test('stays caught up: nothing is published twice over the next minute', async () => {
    const { clock, relay, add, received } = setUp();
    add('order-1');
    relay.start();
    await expect(() => received).toEventuallyEqual(['order-1'], { clock });
    await expect(() => received).toConsistentlyEqual(['order-1'], { clock, for: 60_000 });
    relay.stop();
  });

  test('stop() leaves no timer behind', async () => {
    const { clock, relay } = setUp();
    relay.start();
    await clock.waitForTimers(1);
    relay.stop();
    expect(clock.pending).toBe(0);
  });
});
