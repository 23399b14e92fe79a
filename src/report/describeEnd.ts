import type { Broken, EndReason, PollResult } from '../poll/PollResult.ts';
import { formatDuration as ms } from './formatDuration.ts';
import { util } from '../runtime/builtins.ts';
import { describeThrown } from './boundValue.ts';
import { firstLine } from './firstLine.ts';

import type { Goal } from '../poll/goal.ts';

export type { Goal };

const attemptsText = (n: number): string => `${n} attempt${n === 1 ? '' : 's'}`;

function windowSentence(reason: Extract<EndReason, { kind: 'timeout' }>, elapsed: number, virtual: boolean): string {
  const clock = virtual ? ' of virtual time' : '';
  if (reason.limit === 'test') {
    return `Stopped after ${ms(elapsed)}${clock}, ${reason.margin} ms before the test's own ${reason.testTimeout} ms timeout (its \`${reason.windowName}\` of ${reason.window} ms would have run past it)`;
  }
  return `Timed out after ${ms(elapsed)}${clock} (${reason.windowName}: ${reason.window} ms)`;
}

/**
 * Why a wait ended, as the predicate of a sentence whose subject names the wait: "waitForReady(url)
 * timed out after 2.00 s (timeout: 2000 ms)". For reports that say the rest (what was seen) themselves.
 */
export function describeEndClause(reason: EndReason, elapsed: number, virtual = false): string {
  const after = `after ${ms(elapsed)}`;
  switch (reason.kind) {
    case 'timeout': {
      const sentence = windowSentence(reason, elapsed, virtual);
      return `${sentence[0]!.toLowerCase()}${sentence.slice(1)}`;
    }
    case 'aborted':
      return `was aborted ${after}${reason.reason === undefined ? '' : `: ${firstLine(reason.reason)}`}`;
    case 'test-ended':
      return `was stopped ${after}: its test ended while it was still waiting (a forgotten await?)`;
    default:
      return `ended ${after} (${reason.kind})`;
  }
}

/** What broke an "always" window's watch, as the end of a sentence. */
function brokenBy(broken: Broken): string {
  switch (broken.by) {
    case 'retry-after':
      return `the probe asked to retry after ${broken.ms} ms (retryAfter: ${firstLine(broken.error)})`;
    case 'probe-error':
      return `the probe threw (${firstLine(broken.error)})`;
    case 'check-error':
      return `the check threw an error that is not an assertion (${firstLine(broken.error)})`;
    case 'unsettled':
      return `the attempt did not settle (${firstLine(broken.error)})`;
  }
}

/** Virtual time: how much real time the poll watched as well (the `realFloor` option). */
function realTimeNote(result: PollResult): string {
  if (!result.virtual || result.realElapsed === undefined) return '';
  return ` It watched ${ms(result.realElapsed)} of real time (realFloor: ${result.realFloor ?? 0} ms).`;
}

/** One sentence: why the poll stopped, after how long, after how many attempts, and what that means. */
export function describeEnd(result: PollResult, goal: Goal): string {
  return describeReason(result, goal) + realTimeNote(result);
}

function describeReason(result: PollResult, goal: Goal): string {
  const { reason, elapsed, attempts } = result;
  const after = `after ${ms(elapsed)}`;
  switch (reason.kind) {
    case 'passed':
      return goal === 'never'
        ? `It never held in ${attemptsText(attempts)} over ${ms(elapsed)}.`
        : `It held ${after} (${attemptsText(attempts)}).`;
    case 'timeout':
      return timeoutSentence(reason, result, goal);
    case 'max-attempts':
      return goal === 'eventually-fails'
        ? `Gave up after ${attemptsText(attempts)} (maxAttempts: ${reason.maxAttempts}) in ${ms(elapsed)}: the condition held on every one.`
        : `Gave up after ${attemptsText(attempts)} (maxAttempts: ${reason.maxAttempts}) in ${ms(elapsed)}: the condition never held.`;
    case 'stopped':
      return `Stopped by stop() at attempt ${attempts} ${after}: ${reason.reason}`;
    case 'fail-when':
      return `Failed fast at attempt ${attempts} ${after}: failWhen said "${reason.reason}".`;
    case 'misuse':
      return `Failed at attempt ${attempts} ${after}: unflake's API was misused inside the probe or check (${firstLine(reason.error)}). This is a mistake in the test, so it is not retried.`;
    case 'settled':
      return `It was settled at attempt ${reason.attempt} ${after}: ${reason.reason}`;
    case 'callback-threw':
      return `Failed at attempt ${reason.attempt} ${after}: the \`${reason.callback}\` callback threw (${firstLine(reason.error)}). Its errors are reported, never taken as "not yet".`;
    case 'no-value':
      return noValueSentence(reason, result, goal);
    case 'not-ignorable':
      return `Failed at attempt ${attempts} ${after}: the probe threw an error that \`ignore\` does not accept as "not yet".`;
    case 'aborted':
      return `Aborted by the signal at attempt ${attempts} ${after}${reason.reason === undefined ? '.' : `: ${util().types.isNativeError(reason.reason) ? firstLine(reason.reason) : describeThrown(reason.reason)}`}`;
    case 'test-ended':
      return `The test ended while it was still running ${after}: it was stopped, and a stopped poll is never a pass.`;
    case 'matched':
      return `It matched at attempt ${reason.attempt} ${after}, but it must never match within ${result.window} ms (\`${result.windowName}\`).`;
    case 'stopped-holding':
      if (reason.broken) {
        return `It stopped holding at attempt ${reason.attempt} ${after}, because the watch broke: ${brokenBy(reason.broken)}, so that attempt saw no value, and it had to hold at every attempt for ${result.window} ms (\`for\`). \`ignore\` can name the errors a window may skip.`;
      }
      return `It stopped holding at attempt ${reason.attempt} ${after}; it had to hold for ${result.window} ms (\`for\`).`;
    case 'settled-unseen':
      return `settled() at attempt ${reason.attempt} ${after}, before any value was seen and checked (${reason.reason}): nothing was watched, so it cannot pass.`;
    case 'not-before-unseen': {
      const last =
        reason.lastMiss === undefined
          ? 'no attempt before it returned a value the check rejected'
          : `the last attempt that saw it not hold ended at ${ms(reason.lastMiss)}`;
      return `It held at ${ms(reason.at)}, after \`notBefore\` (${reason.notBefore} ms), but no attempt could see the state just before ${reason.notBefore} ms (${last}), so holding too early cannot be ruled out.`;
    }
    case 'held-before-from':
      return `The window ended ${after} (${result.windowName}: ${result.window} ms) and no hold counted: the condition held at attempt ${reason.attempt}, but never after an attempt saw the starting state (\`from\`: ${reason.from}), so the change was not seen; the state may have held before the system did anything.`;
    case 'too-early':
      // One decimal below a second, so a rounded 19.6 ms never reads as '20 ms, before 20 ms'.
      return `It held too early: at ${reason.at < 1000 ? `${reason.at.toFixed(1)} ms` : ms(reason.at)}, before \`notBefore\` (${reason.notBefore} ms). Too early is a bug too.`;
    case 'unstable':
      return unstableSentence(reason, after);
  }
}

function timeoutSentence(reason: Extract<EndReason, { kind: 'timeout' }>, result: PollResult, goal: Goal): string {
  const { elapsed, attempts } = result;
  const head = windowSentence(reason, elapsed, result.virtual);
  if (goal === 'eventually') return `${head}: the condition never held in ${attemptsText(attempts)}.`;
  if (goal === 'eventually-fails')
    return `${head}: the condition held on every one of ${attemptsText(attempts)}, but it was expected to fail at some attempt.`;
  return `${head}: it was not watched for the whole window, so it cannot pass (${attemptsText(attempts)} so far, none ${goal === 'never' ? 'matched' : 'failed'}).`;
}

function noValueSentence(reason: Extract<EndReason, { kind: 'no-value' }>, result: PollResult, goal: Goal): string {
  const after = `after ${ms(result.elapsed)}`;
  const attempts = result.attempts;
  if (reason.unjudged === true) {
    return `The window ended ${after} (${reason.windowName}: ${reason.window} ms) and no value was judged: over ${attemptsText(attempts)} the probe threw, did not settle, or returned a value on which the check threw an error that is not an assertion (only \`false\` or a failed expect()/assert is a "no"), so nothing was ${goal === 'never' ? 'checked against' : 'seen to hold'} and it cannot pass.`;
  }
  return `The window ended ${after} (${reason.windowName}: ${reason.window} ms) and the probe never returned a value: every one of ${attemptsText(attempts)} threw or did not settle, so nothing was ${goal === 'never' ? 'checked against' : 'seen to hold'} and it cannot pass.`;
}

function unstableSentence(reason: Extract<EndReason, { kind: 'unstable' }>, after: string): string {
  const needs = [
    reason.stableFor > 0 ? `${reason.stableFor} ms (stableFor)` : '',
    reason.passes > 1 ? `${reason.passes} attempts in a row (passes)` : '',
  ]
    .filter(Boolean)
    .join(' and ');
  return `It held for only ${ms(reason.heldFor)} (${attemptsText(reason.heldPasses)} in a row) when the window ended ${after}; it had to hold for ${needs}.`;
}
