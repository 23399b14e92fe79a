/**
 * The consumer process: an OrderProjection in a worker thread, reached only by messages, as a broker
 * consumer would be. Requests: { id, op: 'deliver', event } | { id, op: 'state' } | { id, op: 'reset' }.
 * Each reply carries the side effects (e-mails) the request caused, so the test can record them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { OrderProjection, type OrderEvent, type ProjectionBugs } from './orderProjection.ts';

type Request =
  { id: number; op: 'deliver'; event: OrderEvent } | { id: number; op: 'state' } | { id: number; op: 'reset' };

let effects: unknown[][] = [];
const projection = new OrderProjection(
  { sendShippedEmail: (orderId, carrier) => effects.push([orderId, carrier]) },
  (workerData as { bugs?: ProjectionBugs } | undefined)?.bugs ?? {},
);

parentPort!.on('message', (request: Request) => {
  effects = [];
  try {
    const value =
      request.op === 'deliver'
        ? projection.apply(request.event)
        : request.op === 'state'
          ? projection.state()
          : projection.reset();
    parentPort!.postMessage({ id: request.id, ok: true, value, effects });
  } catch (error) {
    parentPort!.postMessage({ id: request.id, ok: false, error: String((error as Error)?.stack ?? error), effects });
  }
});
