import { checkIdempotence } from '../src/delivery/checkIdempotence.ts';
import { assertHandler, normalizeIdempotence, type IdempotenceOptions } from '../src/delivery/options.ts';
import { formatIdempotence } from '../src/report/formatDelivery.ts';
import { deliveryPrinterOf, handlerNameOf } from './deliveryMatcherSupport.ts';
import type { MatcherContextLike, MatcherResult } from './runPollMatcher.ts';

/**
 * Delivers the event, snapshots state and effects, redelivers it, and passes when the state equals
 * the first snapshot and no effect was called again. With several events, finds the first whose
 * redelivery diverges. `.not` is the negative control.
 */
export async function toBeIdempotent(this: MatcherContextLike, received: unknown, eventOrEvents: unknown, options?: IdempotenceOptions): Promise<MatcherResult> {
  const where = `${this.isNot ? '.not' : ''}.toBeIdempotent()`;
  assertHandler(where, received);
  const settings = normalizeIdempotence(where, eventOrEvents, options);
  const result = await checkIdempotence(received, settings.events, { ...settings, equals: (a, b) => this.equals(a, b, [...(this.customTesters ?? [])] as never[]) });
  const hint = this.utils.matcherHint('toBeIdempotent', 'handler', 'event', { isNot: this.isNot ?? false, promise: this.promise ?? '', secondArgument: options === undefined ? undefined : 'options' });
  if (result.verdict === 'idempotent') {
    return { pass: true, message: () => `${hint}\n\nExpected ${handlerNameOf(received)} not to be idempotent, but all ${result.times} deliveries of each of ${result.events} event(s) left the state and effects as the first delivery did.` };
  }
  const mode = settings.concurrent ? `${settings.times} concurrent deliveries` : `${settings.times} sequential deliveries`;
  const message = `${hint}\n\n${formatIdempotence(result, settings.events, handlerNameOf(received), deliveryPrinterOf(this), mode)}`;
  // A handler that throws (or is nondeterministic) fails both `toBeIdempotent` and `.not`: neither was shown.
  return { pass: result.verdict === 'diverged' ? false : this.isNot === true, message: () => message };
}
