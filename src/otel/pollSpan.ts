/**
 * Each eventual assertion (and waitForReady) as a child span of its test's span (issue 21 item 3): `unflake.poll
 * <name>` with its goal, attempts, elapsed time and end reason, and one event per distinct observation of its
 * timeline (already run-length compressed and bounded; a passing attempt is the span's end, not an event). In a trace view, what the test waited for sits beside what
 * the services did.
 *
 * The cost without a provider is one read of a process-wide count of open test spans (pollSpanFor): no test
 * state lookup, no extra promise.
 */
import {
  activeOtelContext,
  activeOtelSpanWithContext,
  contextWithSpan,
  otelTracer,
  startOtelSpan,
  STATUS_ERROR,
  withOtelContext,
  type OtelSpan,
} from '../adapters/otel.ts';
import { currentTestState } from '../runner/testState.ts';
import type { PollResult } from '../poll/PollResult.ts';
import type { Goal } from '../poll/goal.ts';
import { clip } from '../report/firstLine.ts';
import { liveSpans, testSpanOf } from './testSpan.ts';
import { failureEvidence } from './evidence.ts';

/** A summary's length in an observation event: the timeline's one-line rendering, cut. */
const MAX_SUMMARY = 300;
/** Events per poll span: the timeline's own bound, and a hard cap should that change. */
const MAX_EVENTS = 64;

export interface PollSpan {
  /** Runs the poll inside the span's context: the probe's own spans (an instrumented HTTP call) become its children. */
  run<R>(fn: () => R): R;
  end(result: PollResult<unknown>): void;
  fail(error: unknown): void;
}

/** A span for a poll that starts now, when its test has a span; else undefined (the cheap path). */
export function pollSpanFor(name: string, goal: Goal): PollSpan | undefined {
  if (liveSpans().open === 0) return undefined;
  const testSpan = testSpanOf(currentTestState());
  const tracer = testSpan && !testSpan.ended ? otelTracer() : undefined;
  if (!tracer || !testSpan) return undefined;
  try {
    const attributes = { 'unflake.poll.goal': goal };
    // Inside the user's own span (an active child of the test's), nest under it; else under the test's span.
    const span = activeOtelSpanWithContext()
      ? startOtelSpan(tracer, `unflake.poll ${name}`, attributes)
      : startOtelSpan(tracer, `unflake.poll ${name}`, attributes, testSpan.span);
    const started = Date.now();
    const context = contextWithSpan(activeOtelContext(), span);
    return {
      run: (fn) => withOtelContext(context, fn),
      end: (result) => endPollSpan(span, started, result),
      fail: (error) => failPollSpan(span, error),
    };
  } catch {
    return undefined;
  }
}

function endPollSpan(span: OtelSpan, started: number, result: PollResult<unknown>): void {
  try {
    span.setAttributes({
      'unflake.poll.attempts': result.attempts,
      'unflake.poll.elapsed_ms': result.elapsed,
      'unflake.poll.virtual': result.virtual,
      'unflake.poll.passed': result.passed,
      'unflake.poll.end_reason': result.reason.kind,
      'unflake.poll.window_ms': result.window,
      ...(result.droppedEntries ? { 'unflake.poll.dropped_observations': result.droppedEntries } : {}),
    });
    for (const entry of result.timeline.slice(0, MAX_EVENTS)) {
      const attributes = {
        'unflake.observation.kind': entry.kind,
        'unflake.observation.summary': clip(entry.summary, MAX_SUMMARY),
        'unflake.observation.held': entry.held,
        'unflake.observation.first_attempt': entry.firstAttempt,
        'unflake.observation.last_attempt': entry.lastAttempt,
        'unflake.observation.count': entry.count,
      };
      // Real time: the event sits where it was first seen; a TestClock's ms are not wall-clock time.
      if (result.virtual) span.addEvent('unflake.observation', attributes);
      else span.addEvent('unflake.observation', attributes, started + entry.firstAt);
    }
    if (!result.passed) {
      // What unflake knows besides the timeline: a fake clock left waiting, faults switched on.
      for (const line of failureEvidence(result.reason.kind === 'timeout' && !result.virtual))
        span.addEvent('unflake.evidence', { 'unflake.evidence': clip(line, MAX_SUMMARY) });
      span.setStatus({ code: STATUS_ERROR, message: `unflake.poll ended: ${result.reason.kind}` });
    }
    span.end();
  } catch {
    /* a broken exporter must not break the assertion */
  }
}

function failPollSpan(span: OtelSpan, error: unknown): void {
  try {
    span.setStatus({ code: STATUS_ERROR, message: clip(error instanceof Error ? error.message : String(error), 200) });
    span.end();
  } catch {
    /* as above */
  }
}
