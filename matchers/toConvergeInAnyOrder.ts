import { checkConvergence, type ConvergenceSite } from '../src/delivery/checkConvergence.ts';
import { assertHandler, normalizeConvergence, type ConvergenceOptions } from '../src/delivery/options.ts';
import { formatConvergence } from '../src/report/formatDelivery.ts';
import {
  deliveryPrinterOf,
  equalsOf,
  handlerNameOf,
  openDeliverySession,
  trackDelivery,
} from './deliveryMatcherSupport.ts';
import type { MatcherContextLike, MatcherResult } from './runPollMatcher.ts';

/**
 * Delivers the events in many orders (with redeliveries unless `duplicates: false`), each from a
 * fresh `reset()`, and passes when every order ends in the state in-order, once-only delivery gives.
 * A failure is shrunk to a minimal deviation from the canonical order, with a replay option. Ends
 * before the test's deadline with its own message; a check stopped early never passes.
 */
export function toConvergeInAnyOrder(
  this: MatcherContextLike,
  received: unknown,
  events: unknown,
  options: ConvergenceOptions,
): Promise<MatcherResult> {
  const where = `${this.isNot ? '.not' : ''}.toConvergeInAnyOrder()`;
  return trackDelivery(this, where, matchConvergence(this, where, received, events, options));
}

async function matchConvergence(
  context: MatcherContextLike,
  where: string,
  received: unknown,
  events: unknown,
  options: ConvergenceOptions,
): Promise<MatcherResult> {
  assertHandler(where, received);
  const settings = normalizeConvergence(where, events, options);
  const session = openDeliverySession<ConvergenceSite>(context, settings.deliveryTimeout);
  let result;
  try {
    result = await checkConvergence(
      received,
      settings.events,
      { ...settings, equals: equalsOf(context), where },
      session,
    );
  } finally {
    session.close();
  }
  const hint = context.utils.matcherHint('toConvergeInAnyOrder', 'handler', 'events', {
    isNot: context.isNot ?? false,
    promise: context.promise ?? '',
    secondArgument: 'options',
  });
  if (result.verdict === 'converged') {
    return {
      pass: true,
      message: () =>
        `${hint}\n\nExpected some delivery order to diverge, but all ${result.runs} explored order(s) converged${result.seed === undefined ? '' : ` (seed ${result.seed})`}.`,
    };
  }
  const message = `${hint}\n\n${formatConvergence(result, settings.events, handlerNameOf(received), deliveryPrinterOf(context))}`;
  // A handler that throws or hangs, or a check stopped early, fails both the matcher and `.not`: neither was shown.
  return { pass: result.verdict === 'diverged' ? false : context.isNot === true, message: () => message };
}
