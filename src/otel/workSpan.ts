/**
 * A child span of the running test's span for other work a test waits on (the delivery matchers: `toBeIdempotent`,
 * `toConvergeInAnyOrder`), from its call to its verdict. Without an open test span: the promise itself, untouched.
 */
import { activeOtelSpanWithContext, otelTracer, startOtelSpan, STATUS_ERROR } from '../adapters/otel.ts';
import { currentTestState } from '../runner/testState.ts';
import { clip } from '../report/firstLine.ts';
import { liveSpans, testSpanOf } from './testSpan.ts';

export interface WorkVerdict {
  passed: boolean;
  /** The failure's first line, for the span's status. */
  message?: string | undefined;
}

/** `run` traced as `name` (e.g. `unflake.delivery toBeIdempotent`) under the test's span; `verdict` reads its result. */
export function traceWork<R>(name: string, run: Promise<R>, verdict: (result: R) => WorkVerdict): Promise<R> {
  if (liveSpans().open === 0) return run;
  const testSpan = testSpanOf(currentTestState());
  const tracer = testSpan && !testSpan.ended ? otelTracer() : undefined;
  if (!tracer || !testSpan) return run;
  const span = activeOtelSpanWithContext()
    ? startOtelSpan(tracer, name, {})
    : startOtelSpan(tracer, name, {}, testSpan.span);
  const end = (passed: boolean, message?: string): void => {
    try {
      span.setAttribute('unflake.passed', passed);
      if (!passed) span.setStatus({ code: STATUS_ERROR, message: clip(message ?? 'failed', 200) });
      span.end();
    } catch {
      /* a broken exporter must not break the matcher */
    }
  };
  return run.then(
    (result) => {
      const { passed, message } = verdict(result);
      end(passed, message);
      return result;
    },
    (error: unknown) => {
      end(false, error instanceof Error ? error.message : String(error));
      throw error;
    },
  );
}
