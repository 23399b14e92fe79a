/**
 * The two cuts every report shares (src/report/firstLine.ts): `clip` (a text to at most n characters) and
 * `firstLines` (a text to its first n lines). They replace two copies of each (the fingerprint's, the OTel
 * spans', the failure message's, the flake history's): checked here against reference models on generated text.
 */
import fc from 'fast-check';
import { clip, firstLines } from '../../src/report/firstLine.ts';

/** clip, spelled out: the text when it fits, else its first max - 1 characters and `…`. */
function clipModel(text: string, max: number): string {
  if (text.length <= max) return text;
  return text.slice(0, max - 1) + '…';
}

/** firstLines, spelled out line by line. */
function linesModel(
  text: string,
  count: number,
  skip: (line: string) => boolean = () => false,
  lineChars = Infinity,
  more = '…',
): string {
  const kept: string[] = [];
  let cut = false;
  for (const line of text.split('\n')) {
    if (skip(line)) continue;
    if (kept.length === count) {
      cut = true;
      break;
    }
    kept.push(clipModel(line, lineChars));
  }
  return cut && more !== '' ? `${kept.join('\n')}\n${more}` : kept.join('\n');
}

const piece = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('\n', '\n\n', '    at f (file.ts:1:1)', 'Run: seed 1', ' \n '),
  fc.string({ minLength: 150, maxLength: 400 }),
);
const text = fc.array(piece, { maxLength: 10 }).map((pieces) => pieces.join(''));
const frame = (line: string): boolean => /^\s+at /.test(line) || line.startsWith('Run: ');

describe('clip and firstLines', () => {
  test('clip keeps at most max characters, the text itself when it fits, else a prefix ending in …', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 300 }), (t, max) => {
        const clipped = clip(t, max);
        expect(clipped).toBe(clipModel(t, max));
        expect(clipped.length).toBeLessThanOrEqual(max);
      }),
      { numRuns: 1_000 },
    );
  });

  test('firstLines keeps the first count lines, with … on its own line when more were cut (the failure message)', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 0, max: 12 }), (t, count) => {
        expect(firstLines(t, count)).toBe(linesModel(t, count));
      }),
      { numRuns: 1_000 },
    );
    expect(firstLines('a\nb', Number.POSITIVE_INFINITY)).toBe('a\nb');
  });

  test('firstLines skips lines before counting and clips each one (the flake history)', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 0, max: 12 }), fc.integer({ min: 1, max: 300 }), (t, count, chars) => {
        const options = { skip: frame, lineChars: chars, more: '' };
        expect(firstLines(t, count, options)).toBe(linesModel(t, count, frame, chars, ''));
      }),
      { numRuns: 1_000 },
    );
  });
});
