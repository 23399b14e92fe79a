import type { DeliveryPrinter } from '../src/report/formatDelivery.ts';
import type { MatcherContextLike } from './runPollMatcher.ts';

export function handlerNameOf(handler: unknown): string {
  const name = (handler as { name?: string }).name;
  return name && name !== 'anonymous' ? `handler "${name}"` : 'the handler';
}

export function deliveryPrinterOf(context: MatcherContextLike): DeliveryPrinter {
  return {
    diff: (expected, received, labels) => context.utils.diff(expected, received, { aAnnotation: labels.expected, bAnnotation: labels.received }) ?? null,
    value: (value) => context.utils.printReceived(value),
  };
}
