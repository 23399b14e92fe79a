/**
 * Each test attempt's span ids, carried from the test worker to the flake reporter (issue 21 item 4), so the run
 * exported over OTLP links every test result to all of its attempts' spans, passing ones included. Published only
 * when an attempt span was started (a tracer provider is registered) and sampled: without OpenTelemetry nothing is
 * written. Each runner's own per-test channel:
 * - Vitest: the task's `meta` (Vitest sends it with the task's result; the reporter reads `testCase.meta()`).
 * - Playwright: an annotation on the attempt's `testInfo.annotations`, handed over by unflake/playwright's fixture
 *   (the reporter reads `result.annotations` per attempt).
 * - Jest: no channel from a test to the reporters exists (`testResults[i]` carries only Jest's own fields), so the
 *   reporter names a run-scoped folder in `UNFLAKE_ATTEMPT_SPANS` before the workers start; a worker appends one
 *   NDJSON line per attempt to its test file's file there (one file runs in one worker at a time), created on the
 *   first line; the reporter reads and deletes each file's file as the file's result arrives, and the folder at the
 *   end of the run.
 */
import { crypto, fs, path } from '../runtime/builtins.ts';
import { jestTestPath } from '../adapters/jest.ts';
import type { AttemptSpan } from '../flakes/schema.ts';
import type { TestState } from '../runner/testState.ts';

export type { AttemptSpan } from '../flakes/schema.ts';

/** Vitest's `task.meta` key. */
export const META_KEY = 'unflakeAttemptSpans';
/** Playwright's annotation type; its description is `trace <id> span <id>`. */
export const ANNOTATION = 'unflake.attempt-span';
/** The Jest reporter's run-scoped folder, inherited by its workers. */
export const FOLDER_VARIABLE = 'UNFLAKE_ATTEMPT_SPANS';
/** More attempts than this of one test are not carried (a retry setting that high is a loop, not a retry). */
export const MAX_ATTEMPT_SPANS = 32;

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

/** Whether `value` is one attempt's ids, well formed. */
export function isAttemptSpan(value: unknown): value is AttemptSpan {
  const v = value as Partial<AttemptSpan> | null;
  return (
    !!v &&
    Number.isInteger(v.attempt) &&
    v.attempt! >= 0 &&
    typeof v.traceId === 'string' &&
    TRACE_ID.test(v.traceId) &&
    typeof v.spanId === 'string' &&
    SPAN_ID.test(v.spanId)
  );
}

/**
 * The attempts' ids a test record keeps: well formed, one per attempt index below `attempts` (the last one told
 * wins), in attempt order. Bounded by the attempts made.
 */
export function boundAttemptSpans(spans: readonly unknown[] | undefined, attempts: number): AttemptSpan[] {
  const byAttempt = new Map<number, AttemptSpan>();
  for (const span of spans ?? [])
    if (isAttemptSpan(span) && span.attempt < Math.min(attempts, MAX_ATTEMPT_SPANS))
      byAttempt.set(span.attempt, { attempt: span.attempt, traceId: span.traceId, spanId: span.spanId });
  return [...byAttempt.values()].sort((a, b) => a.attempt - b.attempt);
}

/** One of Playwright's test annotations (`testInfo.annotations`, `result.annotations`). */
export interface AttemptAnnotation {
  type: string;
  description?: string;
}

/** The Jest folder's file for one test file. */
export function jestSpansFile(folder: string, testFile: string): string {
  return path().join(folder, `${crypto().createHash('sha256').update(testFile).digest('hex').slice(0, 20)}.ndjson`);
}

function publishVitest(task: unknown, span: AttemptSpan): void {
  const meta = (task as { meta?: Record<string, unknown> } | undefined)?.meta;
  if (!meta || typeof meta !== 'object') return;
  const list = Array.isArray(meta[META_KEY]) ? (meta[META_KEY] as AttemptSpan[]) : (meta[META_KEY] = []);
  if (list.length < MAX_ATTEMPT_SPANS) list.push(span);
}

function publishJest(state: TestState, span: AttemptSpan): void {
  const folder = process.env[FOLDER_VARIABLE];
  const testFile = jestTestPath();
  if (!folder || !testFile || !state.name) return;
  fs().mkdirSync(folder, { recursive: true });
  fs().appendFileSync(jestSpansFile(folder, testFile), `${JSON.stringify({ test: state.name, ...span })}\n`);
}

/**
 * Tells the runner's reporter the attempt's span ids, through the runner's own channel; never throws.
 * `annotations`: Playwright's `testInfo.annotations` (its fixture has them; nothing else does).
 */
export function publishAttemptSpan(state: TestState, span: AttemptSpan, annotations?: AttemptAnnotation[]): void {
  try {
    if (state.runner === 'vitest') publishVitest(state.task, span);
    else if (state.runner === 'playwright')
      annotations?.push({ type: ANNOTATION, description: `trace ${span.traceId} span ${span.spanId}` });
    else if (state.runner === 'jest') publishJest(state, span);
  } catch {
    /* the link is a convenience: a runner without the channel must not fail the test */
  }
}

/** The attempts a Vitest `testCase.meta()` carries. */
export function attemptSpansOfMeta(meta: unknown): unknown[] {
  const list = (meta as Record<string, unknown> | undefined)?.[META_KEY];
  return Array.isArray(list) ? list : [];
}

/** The attempt a Playwright result's annotations carry (`retry`: the result's retry index). */
export function attemptSpanOfAnnotations(
  annotations: readonly AttemptAnnotation[] | undefined,
  retry: number,
): AttemptSpan | undefined {
  for (const annotation of annotations ?? []) {
    if (annotation.type !== ANNOTATION) continue;
    const match = /^trace ([0-9a-f]{32}) span ([0-9a-f]{16})$/.exec(annotation.description ?? '');
    if (match) return { attempt: retry, traceId: match[1]!, spanId: match[2]! };
  }
  return undefined;
}

/**
 * The attempts the Jest workers wrote for one test file, by test id, the file's file deleted once read. A line that
 * does not parse is skipped.
 */
export function takeJestAttemptSpans(folder: string, testFile: string): Map<string, unknown[]> {
  const byTest = new Map<string, unknown[]>();
  const file = jestSpansFile(folder, testFile);
  let text: string;
  try {
    text = fs().readFileSync(file, 'utf8');
  } catch {
    return byTest;
  }
  fs().rmSync(file, { force: true });
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const { test, ...span } = JSON.parse(line) as { test?: unknown };
      if (typeof test === 'string') byTest.set(test, [...(byTest.get(test) ?? []), span]);
    } catch {
      /* a torn line: that attempt goes without its link */
    }
  }
  return byTest;
}
