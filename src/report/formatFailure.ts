import { inspect } from 'node:util';
import type { PollSettings } from '../options/normalizeOptions.ts';
import type { PollResult } from '../poll/PollResult.ts';
import { describeEnd, type Goal } from './describeEnd.ts';
import { formatTimeline } from './formatTimeline.ts';
import { userFrames } from '../runner/ownFrames.ts';
import { fingerprintSection } from '../helpers/fingerprint.ts';

/** How values are shown: the runner's own printers inside a matcher, util.inspect elsewhere. */
export interface Printer {
  received(value: unknown): string;
  expected(value: unknown): string;
  /** The runner's diff of expected vs received, or null when it has none to show. */
  diff(expected: unknown, received: unknown): string | null;
}

export const plainPrinter: Printer = {
  received: (value) => inspect(value, { depth: 6, colors: false }),
  expected: (value) => inspect(value, { depth: 6, colors: false }),
  diff: () => null,
};

export interface FailureInput {
  /** First line: the matcher hint, or `eventually(probe, check)`. */
  hint: string;
  goal: Goal;
  result: PollResult;
  settings: PollSettings;
  printer: Printer;
  /** The expected value, when the assertion has one (toEventuallyEqual, …). */
  expected?: { value: unknown; negated: boolean };
  /** What `context` gave, already gathered. */
  context?: { value?: unknown; error?: unknown; timedOut?: boolean };
}

const STACK_LINES = 8;

/** An error's message and the frames that matter: not node internals, not this library. */
export function formatError(error: unknown): string {
  if (!(error instanceof Error)) return `thrown value: ${inspect(error, { depth: 4 })}`;
  const frames = userFrames(error.stack).slice(0, STACK_LINES);
  const head = `${error.name}: ${error.message}`;
  return frames.length ? `${head}\n${frames.join('\n')}` : head;
}

function indent(text: string, by = '  '): string {
  return text.split('\n').map((l) => (l ? by + l : l)).join('\n');
}

function lastObservation(input: FailureInput): string | undefined {
  const { result, printer, expected } = input;
  const { reason } = result;
  if (reason.kind === 'test-ended') return undefined;
  const parts: string[] = [];
  const lastEntry = result.timeline[result.timeline.length - 1];
  const lastWasValue = lastEntry?.kind === 'value';
  if (lastWasValue) {
    const label = reason.kind === 'matched' ? `At attempt ${reason.attempt}` : reason.kind === 'stopped-holding' ? `At attempt ${reason.attempt}` : 'Last value';
    if (expected && !expected.negated && (reason.kind !== 'matched')) {
      const diff = printer.diff(expected.value, result.lastValue);
      parts.push(diff && diff.includes('\n') ? `${label}:\n\n${diff}` : `${label}:\n  Expected: ${printer.expected(expected.value)}\n  Received: ${printer.received(result.lastValue)}`);
    } else if (expected) {
      parts.push(`${label}:\n  Expected: not ${printer.expected(expected.value)}\n  Received:     ${printer.received(result.lastValue)}`);
    } else {
      parts.push(`${label}:\n  ${printer.received(result.lastValue)}`);
    }
    if (result.lastError !== undefined) parts.push(`The check failed with:\n${indent(formatError(result.lastError))}`);
  } else if (result.lastError !== undefined) {
    parts.push(`Last error:\n${indent(formatError(result.lastError))}`);
    if (result.hasValue) {
      // Gomega's lesson (#621): an error at the end hides that the probe did return values before.
      parts.push(`At one point, however, the probe did return a value; the last one was:\n  ${printer.received(result.lastValue)}`);
    }
  }
  return parts.length ? parts.join('\n\n') : undefined;
}

function contextSection(context: FailureInput['context']): string | undefined {
  if (!context) return undefined;
  if (context.timedOut) return 'Context: `context()` did not settle within 500 ms.';
  if (context.error !== undefined) return `Context: \`context()\` threw:\n${indent(formatError(context.error))}`;
  const text = typeof context.value === 'string' ? context.value : inspect(context.value, { depth: 6, colors: false });
  return `Context:\n${indent(text)}`;
}

/** Builds the whole failure message, once, from the poll's data. */
export function formatFailure(input: FailureInput): string {
  const { result, settings } = input;
  const sections = [
    input.hint,
    settings.message?.(),
    describeEnd(result, settings, input.goal),
    lastObservation(input),
    result.timeline.length ? formatTimeline(result.timeline, result.elapsed, result.attempts) : undefined,
    contextSection(input.context),
    fingerprintSection(),
  ];
  return sections.filter((s): s is string => typeof s === 'string' && s !== '').join('\n\n');
}
