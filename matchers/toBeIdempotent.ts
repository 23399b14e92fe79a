import { checkIdempotence, type IdempotenceSite } from '../src/delivery/checkIdempotence.ts';
import { assertHandler, normalizeIdempotence, type IdempotenceOptions } from '../src/delivery/options.ts';
import { formatIdempotence } from '../src/report/formatDelivery.ts';
import {
  deliveryPrinterOf,
  equalsOf,
  handlerNameOf,
  openDeliverySession,
  trackDelivery,
} from './deliveryMatcherSupport.ts';
import type { MatcherContextLike, MatcherResult } from './runPollMatcher.ts';

/**
 * Delivers the event, snapshots state and effects, redelivers it, and passes when the state equals
 * the first snapshot and no effect was called again. With several events, finds the first whose
 * redelivery diverges. `.not` is the negative control. Ends before the test's deadline with its own
 * message; a check stopped early never passes.
 */
export function toBeIdempotent(
  this: MatcherContextLike,
  received: unknown,
  eventOrEvents: unknown,
  options?: IdempotenceOptions,
): Promise<MatcherResult> {
  const where = `${this.isNot ? '.not' : ''}.toBeIdempotent()`;
  return trackDelivery(this, where, matchIdempotence(this, where, received, eventOrEvents, options));
}

async function matchIdempotence(
  context: MatcherContextLike,
  where: string,
  received: unknown,
  eventOrEvents: unknown,
  options: IdempotenceOptions | undefined,
): Promise<MatcherResult> {
  assertHandler(where, received);
  const settings = normalizeIdempotence(where, eventOrEvents, options);
  const session = openDeliverySession<IdempotenceSite>(context, settings.deliveryTimeout);
  let result;
  try {
    result = await checkIdempotence(
      received,
      settings.events,
      { ...settings, equals: equalsOf(context), where },
      session,
    );
  } finally {
    session.close();
  }
  const hint = context.utils.matcherHint('toBeIdempotent', 'handler', 'event', {
    isNot: context.isNot ?? false,
    promise: context.promise ?? '',
    secondArgument: options === undefined ? undefined : 'options',
  });
  if (result.verdict === 'idempotent') {
    return {
      pass: true,
      message: () =>
        `${hint}\n\nExpected ${handlerNameOf(received)} not to be idempotent, but all ${result.times} deliveries of each of ${result.events} event(s) left the state and effects as the first delivery did.`,
    };
  }
  const mode = settings.concurrent
    ? `${settings.times} concurrent deliveries`
    : `${settings.times} sequential deliveries`;
  const message = `${hint}\n\n${formatIdempotence(result, settings.events, handlerNameOf(received), deliveryPrinterOf(context), mode)}`;
  // A handler that throws, hangs or is nondeterministic, or a check stopped early, fails both `toBeIdempotent` and `.not`: neither was shown.
  return { pass: result.verdict === 'diverged' ? false : context.isNot === true, message: () => message };
}
