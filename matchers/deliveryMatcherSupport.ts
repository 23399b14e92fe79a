import { openSession, type Session } from '../src/delivery/session.ts';
import { snapshotEquality, valueTesters } from '../src/delivery/snapshot.ts';
import { builtInDefaults, configuredDefaults } from '../src/options/configure.ts';
import type { DeliveryPrinter } from '../src/report/formatDelivery.ts';
import { firstLine } from '../src/report/firstLine.ts';
import { currentTestState, currentTestWindow, startWork } from '../src/runner/testState.ts';
import { keptBack } from '../src/runner/testWindow.ts';
import { trackAwait } from '../src/runner/trackAwait.ts';
import { traceWork } from '../src/otel/workSpan.ts';
import type { MatcherContextLike, MatcherResult } from './runPollMatcher.ts';

export function handlerNameOf(handler: unknown): string {
  const name = (handler as { name?: string }).name;
  return name && name !== 'anonymous' ? `handler "${name}"` : 'the handler';
}

export function deliveryPrinterOf(context: MatcherContextLike): DeliveryPrinter {
  return {
    diff: (expected, received, labels) =>
      context.utils.diff(expected, received, { aAnnotation: labels.expected, bAnnotation: labels.received }) ?? null,
    value: (value) => context.utils.printReceived(value),
  };
}

/** Snapshots compared as values: the runner's `toEqual`, with the user's testers, plus Map/Set contents and bytes (snapshot.ts). */
export function equalsOf(context: MatcherContextLike): (a: unknown, b: unknown) => boolean {
  const testers = [...(context.customTesters ?? []), ...valueTesters(context.utils.iterableEquality)] as never[];
  return snapshotEquality((a, b) => context.equals(a, b, testers));
}

/**
 * The bounds of one delivery check in the running test: its deadline less the margin the message
 * needs, its end, and `deliveryTimeout`.
 */
export function openDeliverySession<S>(context: MatcherContextLike, deliveryTimeout: number | undefined): Session<S> {
  const window = currentTestWindow(context);
  const margin = configuredDefaults().testTimeoutMargin ?? builtInDefaults.testTimeoutMargin;
  return openSession<S>({
    window,
    ended: currentTestState()?.ended,
    // As for polls: the margin scales with a short test timeout (at most a quarter of it).
    margin: window ? keptBack(window, margin) : margin,
    callLimit: deliveryTimeout,
  });
}

/**
 * Registers the check with the running test, so that a forgotten `await` fails that test, whether
 * the check was still running, had passed or had failed when the test ended.
 */
export function trackDelivery(
  context: MatcherContextLike,
  where: string,
  run: Promise<MatcherResult>,
): Promise<MatcherResult> {
  const test = currentTestState();
  if (!test) return run;
  const isNot = context.isNot === true;
  const name = test.name ?? context.currentTestName ?? 'unknown';
  const work = startWork(test, () => `expect(…)${where.replace(/\(\)$/, '(…)')} in test "${name}"`);
  const traced = traceWork(`unflake.delivery ${where}`, run, (result) => ({ passed: result.pass !== isNot }));
  return trackAwait(work, traced, (result) =>
    result.pass !== isNot
      ? { passed: true }
      : { passed: false, failure: firstLine(result.message(), { afterHint: true }) },
  );
}
