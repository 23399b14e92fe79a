/**
 * The attempt span's exception event is bounded (issue 21 item 1): whatever a test throws, `exception.message` is the
 * message itself up to 2 000 characters, else its first 1 999 and `…`, never a broken surrogate pair; the status
 * message is its first line, at most 200; the stack at most 4 000. Generated inputs (fast-check) against a reference
 * model of the cut. Vitest and Jest.
 */
import fc from 'fast-check';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { trace } from '@opentelemetry/api';
import { beginTestSpan, endTestSpan, MAX_EXCEPTION_MESSAGE } from '../../src/otel/testSpan.ts';
import type { TestState } from '../../src/runner/testState.ts';

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
trace.setGlobalTracerProvider(provider);
afterAll(() => trace.disable());

const RUNS = 200;

/** The reference cut: at most `max` UTF-16 units, the last one `…` when cut, a surrogate pair kept whole or dropped. */
function model(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

const wellFormed = (text: string): boolean => (text as string & { isWellFormed(): boolean }).isWellFormed();

let next = 0;
function attempt(thrown: unknown): { message: unknown; status: string | undefined; stack: unknown } {
  const name = `exceptionCap attempt ${next++}`;
  const state = { id: next, runner: 'vitest', name, values: new Map() } as unknown as TestState;
  beginTestSpan(state);
  endTestSpan(state, { failed: true, error: thrown });
  const span = exporter.getFinishedSpans().find((s) => s.name === name)!;
  exporter.reset();
  const event = span.events.find((e) => e.name === 'exception');
  return {
    message: event?.attributes?.['exception.message'],
    status: span.status.message,
    stack: event?.attributes?.['exception.stacktrace'],
  };
}

// Lengths around the cap matter most; full Unicode puts surrogate pairs on the cut.
const messages = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 3_000 }),
  fc.string({ unit: 'binary', minLength: 1_990, maxLength: 2_010 }),
  fc
    .tuple(fc.string({ minLength: 1_998, maxLength: 1_999 }), fc.constantFrom('😀', '𝄞', 'a'))
    .map(([head, tail]) => head + tail.repeat(3)),
);

describe('the exception event of a failed attempt', () => {
  test('exception.message is the message cut by the model, always within 2 000 and well-formed', () => {
    fc.assert(
      fc.property(messages, (text) => {
        const { message } = attempt(new Error(text));
        expect(message).toBe(model(text, MAX_EXCEPTION_MESSAGE));
        expect((message as string).length).toBeLessThanOrEqual(MAX_EXCEPTION_MESSAGE);
        if (wellFormed(text)) expect(wellFormed(message as string)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  test('the status message is the cut message’s first line, at most 200; the stack at most 4 000', () => {
    fc.assert(
      fc.property(messages, fc.string({ maxLength: 6_000 }), (text, stack) => {
        const error = new Error(text);
        error.stack = stack;
        const seen = attempt(error);
        const firstLine = model(text, MAX_EXCEPTION_MESSAGE).split('\n')[0]!;
        expect(seen.status).toBe(model(firstLine, 200));
        expect(seen.stack === undefined ? 0 : (seen.stack as string).length).toBeLessThanOrEqual(4_000);
        if (stack.length <= 4_000 && stack !== '') expect(seen.stack).toBe(stack);
      }),
      { numRuns: RUNS },
    );
  });

  test('whatever is thrown (a string, an object with a message, a number) is bounded the same way', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          messages,
          messages.map((message) => ({ message })),
          fc.integer(),
        ),
        (thrown) => {
          const text =
            typeof thrown === 'object' ? (thrown as { message: string }).message : String(thrown as string | number);
          expect(attempt(thrown).message).toBe(model(text, MAX_EXCEPTION_MESSAGE));
        },
      ),
      { numRuns: RUNS },
    );
  });
});
