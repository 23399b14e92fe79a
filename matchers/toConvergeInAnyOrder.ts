import { checkConvergence } from '../src/delivery/checkConvergence.ts';
import { assertHandler, normalizeConvergence, type ConvergenceOptions } from '../src/delivery/options.ts';
import { formatConvergence } from '../src/report/formatDelivery.ts';
import { deliveryPrinterOf, handlerNameOf } from './deliveryMatcherSupport.ts';
import type { MatcherContextLike, MatcherResult } from './runPollMatcher.ts';

/**
 * Delivers the events in many orders (with redeliveries unless `duplicates: false`), each from a
 * fresh `reset()`, and passes when every order ends in the state in-order, once-only delivery gives.
 * A failure is shrunk to a minimal deviation from the canonical order, with a replay option.
 */
export async function toConvergeInAnyOrder(this: MatcherContextLike, received: unknown, events: unknown, options: ConvergenceOptions): Promise<MatcherResult> {
  const where = `${this.isNot ? '.not' : ''}.toConvergeInAnyOrder()`;
  assertHandler(where, received);
  const settings = normalizeConvergence(where, events, options);
  const result = await checkConvergence(received, settings.events, { ...settings, equals: (a, b) => this.equals(a, b, [...(this.customTesters ?? [])] as never[]) });
  const hint = this.utils.matcherHint('toConvergeInAnyOrder', 'handler', 'events', { isNot: this.isNot ?? false, promise: this.promise ?? '', secondArgument: 'options' });
  if (result.verdict === 'converged') {
    return { pass: true, message: () => `${hint}\n\nExpected some delivery order to diverge, but all ${result.runs} explored order(s) converged${result.seed === undefined ? '' : ` (seed ${result.seed})`}.` };
  }
  const message = `${hint}\n\n${formatConvergence(result, settings.events, handlerNameOf(received), deliveryPrinterOf(this))}`;
  return { pass: result.verdict === 'diverged' ? false : this.isNot === true, message: () => message };
}
