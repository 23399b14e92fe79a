/** Failure messages of the delivery-semantics matchers, in the events' own words, built once from the result. */
import type { IdempotenceResult } from '../delivery/checkIdempotence.ts';
import type { ConvergenceResult } from '../delivery/checkConvergence.ts';
import type { Delivery } from '../delivery/deliveryPlan.ts';
import { canonicalLine, countDeviations, eventLabel as label, orderLine } from '../delivery/describeOrder.ts';
import { describeConvergenceStop, describeIdempotenceStop, describeShrinkCut } from '../delivery/describeStop.ts';
import { formatSchedule } from '../delivery/schedule.ts';
import { boundPair, boundValue, capText, MESSAGE_CAP, safeInspect, SECTION_CAP, SUMMARY_LIMITS } from './boundValue.ts';
import { formatError } from './formatError.ts';
import { withFingerprint } from '../helpers/fingerprint.ts';

export interface DeliveryPrinter {
  diff(expected: unknown, received: unknown, labels: { expected: string; received: string }): string | null;
  value(value: unknown): string;
}

const callText = (call: unknown): string =>
  safeInspect(boundValue(call, SUMMARY_LIMITS), { depth: 4, breakLength: Number.POSITIVE_INFINITY, compact: true });
/** Extra effect calls listed at most; the rest are counted. */
const EFFECT_CALLS_SHOWN = 20;

// Both states are cut alike before the runner's diff sees them, so a huge state diffs quickly and briefly.
function stateDiff(
  printer: DeliveryPrinter,
  expected: unknown,
  received: unknown,
  labels: { expected: string; received: string },
): string {
  const [a, b] = boundPair(expected, received);
  const text =
    printer.diff(a, b, labels) ??
    `  ${labels.expected}: ${printer.value(a)}\n  ${labels.received}: ${printer.value(b)}`;
  return capText(text, SECTION_CAP, 'state diff');
}

// Only the calls shown are printed, however many there were.
function effectLines(extraEffects: readonly { name: string; calls: readonly unknown[] }[]): string {
  const lines: string[] = [];
  let total = 0;
  for (const e of extraEffects) {
    total += e.calls.length;
    for (const call of e.calls.slice(0, Math.max(0, EFFECT_CALLS_SHOWN - lines.length))) {
      lines.push(
        `  + ${e.name}(${Array.isArray(call) ? call.slice(0, SUMMARY_LIMITS.items).map(callText).join(', ') : callText(call)})`,
      );
    }
  }
  if (total > lines.length) lines.push(`  … and ${total - lines.length} more`);
  return lines.join('\n');
}

const errorBlock = (error: unknown): string =>
  capText(formatError(error), SECTION_CAP, 'error')
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');

export function formatIdempotence(
  result: Exclude<IdempotenceResult, { verdict: 'idempotent' }>,
  events: readonly unknown[],
  handlerName: string,
  printer: DeliveryPrinter,
  mode: string,
): string {
  const body =
    result.verdict === 'stopped'
      ? describeIdempotenceStop(result.stop, result, events, handlerName)
      : idempotenceBody(result, events, handlerName, printer, mode);
  return capText(withFingerprint(body), MESSAGE_CAP);
}

function idempotenceBody(
  result: Exclude<IdempotenceResult, { verdict: 'idempotent' | 'stopped' }>,
  events: readonly unknown[],
  handlerName: string,
  printer: DeliveryPrinter,
  mode: string,
): string {
  const earlier =
    result.eventIndex === 0
      ? 'no earlier event'
      : result.eventIndex === 1
        ? 'delivering e1 once'
        : `delivering e1…e${result.eventIndex} once each`;
  const where = events.length > 1 ? ` (after ${earlier})` : '';
  const event = label(events, result.eventIndex);
  switch (result.verdict) {
    case 'diverged':
      return divergedBody(result, `${event}${where}`, handlerName, printer, mode);
    case 'nondeterministic':
      return [
        `${handlerName} is nondeterministic, so idempotence cannot be judged: the same first delivery of ${event}${where} on a fresh state (after reset) gave two different states.`,
        stateDiff(printer, result.first, result.second, { expected: 'First run', received: 'Second run' }),
        'Hint: generate ids and timestamps deterministically (inject a Clock, seed the id generator), or list the varying paths in `ignore`.',
      ].join('\n\n');
    case 'unchanged':
      return unchangedBody(
        handlerName,
        'idempotent',
        `delivering ${event}${where} once`,
        result.observed,
        printer.value(boundValue(result.state, SUMMARY_LIMITS)),
        'a redelivery that changes nothing',
      );
    case 'threw':
      return [
        `${handlerName} threw on delivery #${result.delivery} of ${event}${where}; that is reported as a failure of its own, not as divergence:`,
        errorBlock(result.error),
        result.delivery > 1
          ? 'Hint: a handler that rejects a duplicate by throwing gets it redelivered again and again; acknowledge the duplicate instead.'
          : '',
      ]
        .filter(Boolean)
        .join('\n\n');
  }
}

/** The handler changed the state or called effects again on a redelivery. */
function divergedBody(
  result: Extract<IdempotenceResult, { verdict: 'diverged' }>,
  redelivered: string,
  handlerName: string,
  printer: DeliveryPrinter,
  mode: string,
): string {
  const what = [
    result.stateChanged ? 'changed the state' : '',
    result.extraEffects.length
      ? `called ${result.extraEffects.reduce((n, e) => n + e.calls.length, 0)} effect(s) again`
      : '',
  ]
    .filter(Boolean)
    .join(' and ');
  const parts = [
    `${handlerName} is not idempotent: redelivering ${redelivered} ${what} (delivery #${result.delivery}, ${mode}).`,
  ];
  if (result.stateChanged)
    parts.push(
      `State after the first delivery → after delivery #${result.delivery}:\n\n${stateDiff(printer, result.before, result.after, { expected: 'After delivery #1', received: `After delivery #${result.delivery}` })}`,
    );
  if (result.extraEffects.length) {
    parts.push(`Extra side effects on redelivery (expected none):\n${effectLines(result.extraEffects)}`);
  }
  return parts.join('\n\n');
}

/** Why a check whose first delivery changed nothing it observes proves nothing, and the way out. */
function unchangedBody(
  handlerName: string,
  claim: string,
  delivery: string,
  observed: { state: boolean; effects: readonly string[] },
  state: string,
  proves: string,
): string {
  const seen = [
    observed.state ? 'left the state it returns as it was' : '',
    observed.effects.length
      ? `called none of the effects (${observed.effects.slice(0, 5).join(', ')}${observed.effects.length > 5 ? ', …' : ''})`
      : '',
  ]
    .filter(Boolean)
    .join(' and ');
  return [
    `${handlerName} was not shown to be ${claim}: nothing observable changed: is \`state()\` reading what the handler writes? ${delivery[0]!.toUpperCase()}${delivery.slice(1)} ${seen}, so ${proves} proves nothing.`,
    observed.state ? `State before and after:\n${state.replace(/^/gm, '  ')}` : '',
    'A copy sees own data properties, not `#private` fields or closures: return plain data from `state()`, or pass `snapshot: (state) => data`. If the delivery is meant to change nothing, pass `allowUnchanged: true`.',
  ]
    .filter(Boolean)
    .join('\n\n');
}

export function formatConvergence(
  result: Exclude<ConvergenceResult, { verdict: 'converged' }>,
  events: readonly unknown[],
  handlerName: string,
  printer: DeliveryPrinter,
): string {
  const body =
    result.verdict === 'stopped'
      ? stoppedBody(result, events, handlerName)
      : result.verdict === 'unchanged'
        ? unchangedBody(
            handlerName,
            'order-independent',
            `delivering all ${events.length} event(s) in order, once each, after reset()`,
            { state: true, effects: [] },
            printer.value(boundValue(result.state, SUMMARY_LIMITS)),
            'every order ending in that same state',
          )
        : convergenceBody(result, events, handlerName, printer);
  return capText(withFingerprint(body, { seed: result.seed }), MESSAGE_CAP);
}

// A call that hung in a reordered run: the order it hung in replays it.
function stoppedBody(
  result: Extract<ConvergenceResult, { verdict: 'stopped' }>,
  events: readonly unknown[],
  handlerName: string,
): string {
  const sentence = describeConvergenceStop(result.stop, result, events, handlerName);
  const { site, reason } = result.stop;
  if (reason.kind !== 'hung' || !site || (site.run.kind !== 'explore' && site.run.kind !== 'shrink')) return sentence;
  return [sentence, `  hung in    ${orderLine(events, site.order)}`, replayLine(site.order, result.seed, false)].join(
    '\n\n',
  );
}

function replayLine(order: readonly Delivery[], seed: number | undefined, replayed: boolean): string {
  return `Replay exactly this order: { schedule: '${formatSchedule(order)}' }${seed !== undefined && !replayed ? `   or the whole run: { seed: ${seed} }` : ''}`;
}

function convergenceBody(
  result: Exclude<ConvergenceResult, { verdict: 'converged' | 'stopped' | 'unchanged' }>,
  events: readonly unknown[],
  handlerName: string,
  printer: DeliveryPrinter,
): string {
  const orders = `  canonical  ${canonicalLine(events)}\n  failing    ${orderLine(events, result.order)}`;
  const replay = replayLine(result.order, result.seed, 'replayed' in result && result.replayed);
  const cut = result.cut ? describeShrinkCut(result.cut, events) : '';
  if (result.verdict === 'threw') {
    const at = result.order[result.delivery]!;
    return [
      `${handlerName} threw on delivery ${result.delivery + 1} (${label(events, at.index)}${at.duplicate ? ', a redelivery' : ''}) of ${result.canonical ? 'the canonical order itself' : 'a reordered run'}; that is reported as a failure of its own, not as divergence:`,
      errorBlock(result.error),
      result.canonical ? '' : orders,
      cut,
      result.canonical ? '' : replay,
    ]
      .filter(Boolean)
      .join('\n\n');
  }
  const deviations = countDeviations(result.order);
  const moved = `${deviations} event${deviations === 1 ? '' : 's'} moved or redelivered`;
  const how = result.replayed
    ? 'the replayed schedule diverged from in-order, once-only delivery.'
    : result.cut
      ? `run ${result.run} of ${result.runs} (seed ${result.seed}) diverged; shrunk${result.shrinks ? ` ${result.shrinks}×` : ''} toward the canonical order until the shrinking was cut short (${moved}).`
      : `run ${result.run} of ${result.runs} (seed ${result.seed}) diverged; shrunk${result.shrinks ? ` ${result.shrinks}×` : ''} to a 1-minimal deviation from the canonical order (${moved}).`;
  return [
    `${handlerName}'s final state depends on delivery order: ${how}`,
    orders,
    cut,
    `State after canonical delivery (in order, once) → after the failing order:\n\n${stateDiff(printer, result.expected, result.received, { expected: 'Canonical', received: 'Failing order' })}`,
    replay,
  ]
    .filter(Boolean)
    .join('\n\n');
}
