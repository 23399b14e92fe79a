/** Failure messages of the delivery-semantics matchers, in the events' own words, built once from the result. */
import type { IdempotenceResult } from '../delivery/checkIdempotence.ts';
import type { ConvergenceResult } from '../delivery/checkConvergence.ts';
import { formatSchedule, type Delivery } from '../delivery/deliveryPlan.ts';
import { describeEvent } from '../delivery/describeEvent.ts';
import { formatError } from './formatFailure.ts';
import { inspect } from 'node:util';
import { withFingerprint } from '../helpers/fingerprint.ts';

export interface DeliveryPrinter {
  diff(expected: unknown, received: unknown, labels: { expected: string; received: string }): string | null;
  value(value: unknown): string;
}

const label = (events: readonly unknown[], index: number): string => `e${index + 1} ${describeEvent(events[index])}`;
const callText = (call: unknown): string => inspect(call, { depth: 4, breakLength: Number.POSITIVE_INFINITY, compact: true });

function stateDiff(printer: DeliveryPrinter, expected: unknown, received: unknown, labels: { expected: string; received: string }): string {
  return printer.diff(expected, received, labels) ?? `  ${labels.expected}: ${printer.value(expected)}\n  ${labels.received}: ${printer.value(received)}`;
}

export function formatIdempotence(result: Exclude<IdempotenceResult, { verdict: 'idempotent' }>, events: readonly unknown[], handlerName: string, printer: DeliveryPrinter, mode: string): string {
  return withFingerprint(idempotenceBody(result, events, handlerName, printer, mode));
}

function idempotenceBody(result: Exclude<IdempotenceResult, { verdict: 'idempotent' }>, events: readonly unknown[], handlerName: string, printer: DeliveryPrinter, mode: string): string {
  const earlier = result.eventIndex === 0 ? 'no earlier event' : result.eventIndex === 1 ? 'delivering e1 once' : `delivering e1…e${result.eventIndex} once each`;
  const where = events.length > 1 ? ` (after ${earlier})` : '';
  const event = label(events, result.eventIndex);
  switch (result.verdict) {
    case 'diverged': {
      const what = [result.stateChanged ? 'changed the state' : '', result.extraEffects.length ? `called ${result.extraEffects.reduce((n, e) => n + e.calls.length, 0)} effect(s) again` : ''].filter(Boolean).join(' and ');
      const parts = [`${handlerName} is not idempotent: redelivering ${event}${where} ${what} (delivery #${result.delivery}, ${mode}).`];
      if (result.stateChanged) parts.push(`State after the first delivery → after delivery #${result.delivery}:\n\n${stateDiff(printer, result.before, result.after, { expected: 'After delivery #1', received: `After delivery #${result.delivery}` })}`);
      if (result.extraEffects.length) {
        parts.push(`Extra side effects on redelivery (expected none):\n${result.extraEffects.map((e) => e.calls.map((call) => `  + ${e.name}(${Array.isArray(call) ? call.map(callText).join(', ') : callText(call)})`).join('\n')).join('\n')}`);
      }
      return parts.join('\n\n');
    }
    case 'nondeterministic':
      return [
        `${handlerName} is nondeterministic, so idempotence cannot be judged: the same first delivery of ${event}${where} on a fresh state (after reset) gave two different states.`,
        stateDiff(printer, result.first, result.second, { expected: 'First run', received: 'Second run' }),
        'Hint: generate ids and timestamps deterministically (inject a Clock, seed the id generator), or list the varying paths in `ignore`.',
      ].join('\n\n');
    case 'threw':
      return [
        `${handlerName} threw on delivery #${result.delivery} of ${event}${where}; that is reported as a failure of its own, not as divergence:`,
        formatError(result.error)
          .split('\n')
          .map((l) => `  ${l}`)
          .join('\n'),
        result.delivery > 1 ? 'Hint: a handler that rejects a duplicate by throwing gets it redelivered again and again; acknowledge the duplicate instead.' : '',
      ]
        .filter(Boolean)
        .join('\n\n');
  }
}

function orderLine(events: readonly unknown[], order: readonly Delivery[]): string {
  const originals = order.filter((d) => !d.duplicate).map((d) => d.index);
  return order
    .map((d) => {
      const base = `e${d.index + 1}${d.duplicate ? '*' : ''} ${describeEvent(events[d.index])}`;
      if (d.duplicate) return `${base} [redelivered]`;
      const late = originals.indexOf(d.index) - d.index;
      return late > 0 ? `${base} [${late} late]` : base;
    })
    .join(' · ');
}

export function formatConvergence(result: Exclude<ConvergenceResult, { verdict: 'converged' }>, events: readonly unknown[], handlerName: string, printer: DeliveryPrinter): string {
  return withFingerprint(convergenceBody(result, events, handlerName, printer), { seed: result.seed });
}

function convergenceBody(result: Exclude<ConvergenceResult, { verdict: 'converged' }>, events: readonly unknown[], handlerName: string, printer: DeliveryPrinter): string {
  const canonical = events.map((_, index) => ({ index, duplicate: false }));
  const orders = `  canonical  ${orderLine(events, canonical)}\n  failing    ${orderLine(events, result.order)}`;
  const replay = `Replay exactly this order: { schedule: '${formatSchedule(result.order)}' }${result.seed !== undefined && !('replayed' in result && result.replayed) ? `   or the whole run: { seed: ${result.seed} }` : ''}`;
  if (result.verdict === 'threw') {
    return [
      `${handlerName} threw on delivery ${result.delivery + 1} (${label(events, result.order[result.delivery]!.index)}${result.order[result.delivery]!.duplicate ? ', a redelivery' : ''}) of ${result.canonical ? 'the canonical order itself' : 'a reordered run'}; that is reported as a failure of its own, not as divergence:`,
      formatError(result.error)
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n'),
      result.canonical ? '' : orders,
      result.canonical ? '' : replay,
    ]
      .filter(Boolean)
      .join('\n\n');
  }
  const deviations = result.order.filter((d) => d.duplicate).length + events.filter((_, i) => result.order.filter((d) => !d.duplicate).findIndex((d) => d.index === i) > i).length;
  const how = result.replayed
    ? 'the replayed schedule diverged from in-order, once-only delivery.'
    : `run ${result.run} of ${result.runs} (seed ${result.seed}) diverged; shrunk${result.shrinks ? ` ${result.shrinks}×` : ''} to a 1-minimal deviation from the canonical order (${deviations} event${deviations === 1 ? '' : 's'} moved or redelivered).`;
  return [
    `${handlerName}'s final state depends on delivery order: ${how}`,
    orders,
    `State after canonical delivery (in order, once) → after the failing order:\n\n${stateDiff(printer, result.expected, result.received, { expected: 'Canonical', received: 'Failing order' })}`,
    replay,
  ].join('\n\n');
}
