import type { PollResult, TimelineEntry } from '../poll/PollResult.ts';
import { describeEnd, type Goal } from './describeEnd.ts';
import { formatTimeline } from './formatTimeline.ts';
import {
  boundPair,
  boundValue,
  capText,
  describeThrown,
  formatCount,
  MESSAGE_CAP,
  safeInspect,
  SECTION_CAP,
  VALUE_LIMITS,
} from './boundValue.ts';
import { formatError } from './formatError.ts';
import { formatContext, type GatheredContext } from './gatherContext.ts';
import { formatEvidence } from '../otel/evidence.ts';

export { formatError };

/** How values are shown: the runner's own printers inside a matcher, util.inspect elsewhere. */
export interface Printer {
  received(value: unknown): string;
  expected(value: unknown): string;
  /** The runner's diff of expected vs received, or null when it has none to show. */
  diff(expected: unknown, received: unknown): string | null;
}

/** For values already bounded: util.inspect's own array and string cuts would hide the markers. */
export const BOUNDED_INSPECT = {
  depth: 6,
  colors: false,
  maxArrayLength: Number.POSITIVE_INFINITY,
  maxStringLength: Number.POSITIVE_INFINITY,
} as const;

export const plainPrinter: Printer = {
  received: (value) => safeInspect(value, BOUNDED_INSPECT),
  expected: (value) => safeInspect(value, BOUNDED_INSPECT),
  diff: () => null,
};

export interface FailureInput {
  /** First line: the matcher hint, or `eventually(probe, check)`. */
  hint: string;
  goal: Goal;
  result: PollResult;
  printer: Printer;
  /** The `message` option: a description shown first. */
  message?: (() => string) | undefined;
  /** The expected value, when the assertion has one (toEventuallyEqual, …). */
  expected?: { value: unknown; negated: boolean };
  /** What `context` gave, already gathered. */
  context?: GatheredContext | undefined;
}

function indent(text: string, by = '  '): string {
  return text
    .split('\n')
    .map((l) => (l ? by + l : l))
    .join('\n');
}

/** A runner printer's output for an already bounded value; if the printer throws, util.inspect's. */
function print(show: (value: unknown) => string, value: unknown): string {
  try {
    const text = show(value);
    return typeof text === 'string' ? capText(text, SECTION_CAP, 'value') : safeInspect(value, BOUNDED_INSPECT);
  } catch (error) {
    return `${capText(safeInspect(value, BOUNDED_INSPECT), SECTION_CAP, 'value')} (the runner's printer threw ${describeThrown(error)})`;
  }
}

function printDiff(printer: Printer, expected: unknown, received: unknown): string | null {
  try {
    const diff = printer.diff(expected, received);
    return typeof diff === 'string' ? capText(diff, SECTION_CAP, 'diff') : null;
  } catch {
    return null; // the Expected/Received lines are shown instead
  }
}

/** Said under a value that was cut, since a runner's diff may show only the changed lines, not the marker. */
const CUT_NOTE = `(Cut for printing, "…" marks where: ${formatCount(VALUE_LIMITS.items)} items per array, Map or Set, ${formatCount(VALUE_LIMITS.keys)} keys per object, ${formatCount(VALUE_LIMITS.chars)} characters per string, around where the two sides first differ.)`;

/** The value against what was expected: the runner's diff when it has one, else both values. */
function valueAgainstExpected(
  input: FailureInput,
  label: string,
  value: unknown,
  negated = input.expected?.negated === true,
): string {
  const { printer, expected } = input;
  if (!expected) {
    const shown = boundValue(value);
    return `${label}:\n  ${print(printer.received, shown)}${shown === value ? '' : `\n  ${CUT_NOTE}`}`;
  }
  // Bounded as a pair: both sides are cut at the same places, around where they first differ.
  const [want, got] = boundPair(expected.value, value);
  const note = want === expected.value && got === value ? '' : `\n\n${CUT_NOTE}`;
  if (negated)
    return `${label}:\n  Expected: not ${print(printer.expected, want)}\n  Received:     ${print(printer.received, got)}${note}`;
  const diff = printDiff(printer, want, got);
  const body =
    diff && diff.includes('\n')
      ? `${label}:\n\n${diff}`
      : `${label}:\n  Expected: ${print(printer.expected, want)}\n  Received: ${print(printer.received, got)}`;
  return body + note;
}

function lastValueEntry(timeline: readonly TimelineEntry[]): TimelineEntry | undefined {
  for (let i = timeline.length - 1; i >= 0; i--) if (timeline[i]!.kind === 'value') return timeline[i];
  return undefined;
}

/** Why the check did not accept the last value the probe returned: what it threw, or that it returned false. */
function rejection(input: FailureInput, entry: TimelineEntry | undefined): string | undefined {
  const { result } = input;
  if (entry?.held) return 'The check accepted that value; the attempts after it threw.';
  if (result.lastValueError !== undefined)
    return `The check rejected it by throwing:\n${indent(formatError(result.lastValueError))}`;
  return input.expected
    ? 'The check rejected it: it did not match the expected value.'
    : 'The check rejected it: the check returned false.';
}

/** The timeline without the attempt abandoned at the deadline: the headline is about completed attempts. */
function completed(result: PollResult): readonly TimelineEntry[] {
  const abandoned = result.abandonedAtEnd;
  const last = result.timeline[result.timeline.length - 1];
  if (!abandoned || last?.kind !== 'unsettled' || last.lastAttempt !== abandoned.attempt || last.count !== 1)
    return result.timeline;
  return result.timeline.slice(0, -1);
}

/** The footnote for an attempt abandoned at the deadline, when there is a completed attempt to headline. */
function abandonedNote(result: PollResult, headlined: boolean): string | undefined {
  const abandoned = result.abandonedAtEnd;
  if (!abandoned || !headlined) return undefined;
  return `(Attempt ${abandoned.attempt} was still running at the deadline and was abandoned, its signal aborted; the above is the last attempt that completed.)`;
}

function lastObservation(input: FailureInput): string | undefined {
  const { result } = input;
  const { reason } = result;
  if (reason.kind === 'test-ended') return undefined;
  const timeline = completed(result);
  const lastEntry = timeline[timeline.length - 1];
  if (lastEntry?.kind === 'value') {
    const label =
      reason.kind === 'matched' || reason.kind === 'stopped-holding' ? `At attempt ${reason.attempt}` : 'Last value';
    const parts = [
      valueAgainstExpected(
        input,
        label,
        result.lastValue,
        input.expected?.negated === true || reason.kind === 'matched',
      ),
    ];
    if (result.lastError !== undefined) parts.push(`The check failed with:\n${indent(formatError(result.lastError))}`);
    return joinWith(parts, abandonedNote(result, true));
  }
  const lastError = lastEntry || result.lastError !== undefined ? result.lastError : result.abandonedAtEnd?.error;
  if (!lastEntry && lastError === undefined) return undefined;
  const parts = [`Last error:\n${indent(formatError(lastError))}`];
  if (result.hasValue) {
    // Gomega's lesson (#621): an error at the end hides that the probe did return values before.
    const entry = lastValueEntry(timeline);
    const which = entry ? ` (attempt ${entry.lastAttempt})` : '';
    parts.push(
      valueAgainstExpected(
        input,
        `At one point, however, the probe did return a value; the last one${which} was`,
        result.lastValue,
      ),
    );
    const why = rejection(input, entry);
    if (why) parts.push(why);
  }
  return joinWith(parts, abandonedNote(result, lastEntry !== undefined));
}

function joinWith(parts: string[], note: string | undefined): string {
  return (note ? [...parts, note] : parts).join('\n\n');
}

/** The user's `message` option; if it throws or returns no string, that is said, and the report goes on. */
function userMessage(message: (() => unknown) | undefined): string | undefined {
  if (!message) return undefined;
  try {
    const text = message();
    if (typeof text === 'string') return text;
    if (
      text !== null &&
      (typeof text === 'object' || typeof text === 'function') &&
      typeof (text as { then?: unknown }).then === 'function'
    ) {
      return '`message()` returned a Promise; it must return the text itself, synchronously.';
    }
    return `\`message()\` returned ${describeThrown(text)} instead of a string.`;
  } catch (error) {
    return `\`message()\` threw, so the description is missing:\n${indent(formatError(error))}`;
  }
}

/** One section, capped; a section that cannot be built says so instead of hiding the failure. */
function section(name: string, build: () => string | undefined): string | undefined {
  try {
    const text = build();
    return typeof text === 'string' && text !== '' ? capText(text, SECTION_CAP, name) : undefined;
  } catch (error) {
    return `[the ${name} part of this report could not be built: ${describeThrown(error)}]`;
  }
}

/** Builds the whole failure message, once, from the poll's data. Bounded whatever the values' size. */
export function formatFailure(input: FailureInput): string {
  const { result } = input;
  const sections = [
    section('hint', () => input.hint),
    section('message', () => userMessage(input.message)),
    section('ending', () => describeEnd(result, input.goal)),
    section('last observation', () => lastObservation(input)),
    section('timeline', () =>
      result.timeline.length
        ? formatTimeline(result.timeline, result.elapsed, result.attempts, result.droppedEntries ?? 0)
        : undefined,
    ),
    section('context', () => formatContext(input.context)),
    section('evidence', () => formatEvidence(result)),
    section('run', () => result.fingerprint),
  ];
  return capText(sections.filter((s): s is string => s !== undefined).join('\n\n'), MESSAGE_CAP, 'message');
}
