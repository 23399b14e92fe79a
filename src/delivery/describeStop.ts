/**
 * Why a delivery check ended early, in the house style of the eventual assertions (describeEnd.ts):
 * which limit, after how long, how far it got, and which call of which event was running.
 */
import { formatDuration as ms } from '../report/formatDuration.ts';
import type { ConvergenceSite, ConvergenceStop, RunName, ShrinkCut } from './checkConvergence.ts';
import type { IdempotenceSite, IdempotenceStop } from './checkIdempotence.ts';
import { eventLabel } from './describeOrder.ts';
import type { StopReason } from './session.ts';

const ordinal = (n: number): string =>
  `${n}${n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th')}`;
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "250 ms before the test's own 5000 ms timeout". */
const beforeTimeout = (reason: Extract<StopReason, { kind: 'deadline' }>): string =>
  `${reason.margin} ms before the test's own ${reason.testTimeout} ms timeout`;

const limitText = (reason: Extract<StopReason, { kind: 'hung' }>): string =>
  reason.byOption
    ? `deliveryTimeout: ${reason.limit} ms`
    : `${reason.limit} ms, the limit for one call outside a test; set \`deliveryTimeout\` to change it`;

function runName(run: RunName): string {
  switch (run.kind) {
    case 'canonical':
      return 'the canonical run (in order, once each)';
    case 'explore':
      return `run ${run.run}`;
    case 'shrink':
      return `shrink candidate ${run.candidate}`;
    case 'replay':
      return 'the replayed schedule';
    case 'confirm':
      return 'the confirming replay';
  }
}

/** "run 38 was delivering e7 Deposited(a7) the 2nd time (delivery 12 of 40)". */
function convergenceSite(site: ConvergenceSite | undefined, inFlight: boolean, events: readonly unknown[]): string {
  if (!site) return 'no call had started';
  const run = runName(site.run);
  if (site.fn !== 'handler') return `${run} was ${inFlight ? 'in' : 'about to call'} ${site.fn}()`;
  const position = site.position!;
  const delivery = site.order[position]!;
  return `${run} was ${inFlight ? 'delivering' : 'about to deliver'} ${eventLabel(events, delivery.index)} the ${ordinal(delivery.duplicate ? 2 : 1)} time (delivery ${position + 1} of ${site.order.length})`;
}

/** "delivery 12 of 40 in run 38 (e7 Deposited(a7), the 2nd time)", "reset() before run 38". */
function convergenceCall(site: ConvergenceSite | undefined, events: readonly unknown[]): string {
  if (!site) return 'a call';
  const run = runName(site.run);
  if (site.fn === 'reset') return `reset() before ${run}`;
  if (site.fn === 'state') return `state() after ${run}`;
  const delivery = site.order[site.position!]!;
  return `delivery ${site.position! + 1} of ${site.order.length} in ${run} (${eventLabel(events, delivery.index)}, the ${ordinal(delivery.duplicate ? 2 : 1)} time)`;
}

const whoHung = (fn: 'handler' | 'reset' | 'state' | undefined, handlerName: string): string =>
  fn === 'reset' || fn === 'state' ? `\`${fn}()\`` : handlerName;

/** One sentence on how far the convergence check got before it stopped. */
export function describeConvergenceStop(
  stop: ConvergenceStop,
  progress: { runsDone: number; runs: number },
  events: readonly unknown[],
  handlerName: string,
): string {
  const got = `${progress.runsDone} of ${plural(progress.runs, 'run')}`;
  const site = convergenceSite(stop.site, stop.inFlight, events);
  const { reason } = stop;
  switch (reason.kind) {
    case 'deadline':
      return `${handlerName} was not shown to converge: stopped after ${got} (${ms(stop.elapsed)}), ${beforeTimeout(reason)}; ${site} when the deadline came. A stopped check is never a pass: lower \`runs\`, give the test more time, or make the handler faster.`;
    case 'test-ended':
      return `The test ended while ${handlerName} was still being checked, after ${got} (${ms(stop.elapsed)}); ${site}. It was stopped, and a stopped check is never a pass.`;
    case 'hung':
      return `${whoHung(stop.site?.fn, handlerName)} did not settle: ${convergenceCall(stop.site, events)} was still running after ${limitText(reason)}. It was abandoned, and nothing was called after it (${got} had finished).`;
  }
}

/** Why shrinking ended early; the counterexample is the smallest found so far. */
export function describeShrinkCut(cut: ShrinkCut, events: readonly unknown[]): string {
  const tail = 'this is the smallest failing order found so far, and it may not be minimal.';
  if (cut.by === 'runs')
    return `Shrinking stopped after ${plural(cut.limit, 'candidate order')} (maxShrinks: ${cut.limit}): ${tail}`;
  if (cut.by === 'time')
    return `Shrinking stopped after ${ms(cut.limit)} (shrinkTimeout, by default a quarter of the time left, at most 2 s): ${tail}`;
  const { reason } = cut.stop;
  const site = convergenceSite(cut.stop.site, cut.stop.inFlight, events);
  if (reason.kind === 'deadline') return `Shrinking stopped ${beforeTimeout(reason)} (${site}): ${tail}`;
  if (reason.kind === 'test-ended') return `Shrinking stopped when the test ended (${site}): ${tail}`;
  return `Shrinking stopped: ${convergenceCall(cut.stop.site, events)} was still running after ${limitText(reason)}, so it was abandoned and nothing was called after it; the order above is the smallest failing order found so far, and it may not be minimal.`;
}

/** "delivery #2 of e1 PaymentCaptured(evt-1)", "the replay of e2 … (restoring the history before e4)". */
function idempotenceSite(site: IdempotenceSite | undefined, events: readonly unknown[]): string {
  if (!site) return 'no call';
  const checking = eventLabel(events, site.eventIndex);
  if (site.fn === 'reset') return `reset() before checking ${checking}`;
  if (site.fn === 'state') return `state() while checking ${checking}`;
  if (site.delivered !== undefined && site.delivered !== site.eventIndex) {
    return `the replay of ${eventLabel(events, site.delivered)} (restoring the history before e${site.eventIndex + 1})`;
  }
  return `delivery #${site.delivery ?? 1} of ${checking}`;
}

/** One sentence on how far the idempotence check got before it stopped. */
export function describeIdempotenceStop(
  stop: IdempotenceStop,
  progress: { checked: number; events: number },
  events: readonly unknown[],
  handlerName: string,
): string {
  const got = `${progress.checked} of ${plural(progress.events, 'event')} checked`;
  const site = idempotenceSite(stop.site, events);
  const when = stop.inFlight ? `${site} was still running` : `${site} was next`;
  const { reason } = stop;
  switch (reason.kind) {
    case 'deadline':
      return `${handlerName} was not shown to be idempotent: stopped after ${ms(stop.elapsed)}, ${beforeTimeout(reason)} (${got}); ${when} when the deadline came. A stopped check is never a pass: check fewer events in one test, give the test more time, or make the handler faster.`;
    case 'test-ended':
      return `The test ended while ${handlerName} was still being checked, after ${ms(stop.elapsed)} (${got}); ${when}. It was stopped, and a stopped check is never a pass.`;
    case 'hung':
      return `${whoHung(stop.site?.fn, handlerName)} did not settle: ${site} was still running after ${limitText(reason)}. It was abandoned, and nothing was called after it (${got}).`;
  }
}
