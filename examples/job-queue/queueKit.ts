/**
 * A BullMQ queue, its worker and its events on the Redis the examples start (examples/redis-replica/redisPair.ts),
 * one set per test: names unique to the test (so parallel files and reruns never share a queue), everything
 * closed and the queue's keys removed when the test ends (onCleanup), last opened first.
 */
import { Queue, QueueEvents, Worker, type Processor, type WorkerOptions } from 'bullmq';
import { onCleanup, testNamespace } from 'unflake';

export interface Connection {
  host: string;
  port: number;
}

/** BullMQ's workers block on Redis: their connections must retry forever (maxRetriesPerRequest: null). */
const connectionOf = (c: Connection) => ({ host: c.host, port: c.port, maxRetriesPerRequest: null });

export function openQueue<D = unknown, R = unknown>(redis: Connection, name: string): Queue<D, R> {
  const queue = new Queue<D, R>(testNamespace(name).id, { connection: connectionOf(redis) });
  onCleanup(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
  });
  return queue;
}

export function openWorker<D = unknown, R = unknown>(
  redis: Connection,
  queue: Queue<D, R>,
  processor: Processor<D, R>,
  options: Omit<WorkerOptions, 'connection'> = {},
): Worker<D, R> {
  const worker = new Worker<D, R>(queue.name, processor, { connection: connectionOf(redis), ...options });
  // A worker's errors (a lost connection, a failed lock renewal) are evidence, not crashes of the test process.
  worker.on('error', () => {});
  onCleanup(() => worker.close(true));
  return worker;
}

export async function openEvents(redis: Connection, queue: Queue): Promise<QueueEvents> {
  // From the stream's start, not from '$' ("from now"): the queue is the test's own, and an event written
  // before the reader's first XREAD must not be missed.
  const events = new QueueEvents(queue.name, { connection: connectionOf(redis), lastEventId: '0' });
  onCleanup(() => events.close());
  await events.waitUntilReady();
  return events;
}
