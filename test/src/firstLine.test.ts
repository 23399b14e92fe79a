/**
 * One "first line of an error" for every report (describeEnd's sentences, a forgotten `await`'s
 * failure, a matcher's one-line summary): checked against a reference model on generated messages.
 */
import fc from 'fast-check';
import { FIRST_LINE_CHARS, firstLine } from '../../src/report/firstLine.ts';

/** The rule, spelled out: the first line with a non-blank character, cut at `max` with an ellipsis. */
function model(text: string, max: number): string {
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    return line.length > max ? `${line.slice(0, max)}…` : line;
  }
  return '';
}

// Blank-looking lines, long lines and paragraph breaks are where the three old helpers disagreed.
const piece = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('\n', '\n\n', '  ', '\t', ' \n '),
  fc.string({ minLength: 150, maxLength: 400 }),
);
const message = fc.array(piece, { maxLength: 8 }).map((pieces) => pieces.join(''));

describe('firstLine', () => {
  test('is the first non-blank line of the message, cut at the limit, for an Error and for a thrown string alike', () => {
    fc.assert(
      fc.property(message, fc.integer({ min: 1, max: 300 }), (text, max) => {
        expect(firstLine(new Error(text), { max })).toBe(model(text, max));
        expect(firstLine(text, { max })).toBe(model(text, max));
      }),
      { numRuns: 2_000 },
    );
  });

  test('afterHint skips the matcher hint paragraph and summarises what follows', () => {
    const hint = fc.string({ maxLength: 60 }).filter((h) => !h.includes('\n\n'));
    fc.assert(
      fc.property(hint, message, (h, body) => {
        expect(firstLine(`${h}\n\n${body}`, { afterHint: true })).toBe(model(body, FIRST_LINE_CHARS));
      }),
      { numRuns: 1_000 },
    );
  });

  test('a message without a hint paragraph is summarised whole', () => {
    expect(firstLine('Timed out after 1.00 s\nmore', { afterHint: true })).toBe('Timed out after 1.00 s');
  });

  test('is bounded by default and never throws, whatever was thrown', () => {
    expect(firstLine(new Error('x'.repeat(5_000)))).toHaveLength(FIRST_LINE_CHARS + 1);
    const hostile = {
      toString() {
        throw new Error('no');
      },
    };
    expect(firstLine(hostile)).toBe('an error that could not be printed');
    expect(firstLine(undefined)).toBe('undefined');
    expect(firstLine(Object.assign(new Error(), { message: 42 }))).toBe('42');
  });
});
