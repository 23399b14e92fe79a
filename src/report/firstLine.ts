/**
 * The one-line summary of a failure, wherever a report names an error inside a sentence ("the probe
 * threw (…)") or keeps one line per test (a forgotten `await`'s failure): the first non-blank line of
 * an error's message, or of a thrown non-Error printed as a string, at most {@link FIRST_LINE_CHARS}.
 * Beside it, the two cuts every report shares: `clip` (a text to at most n characters) and `firstLines`
 * (a text to its first n lines).
 */

/** Characters kept of a first line; longer lines end in `…`. */
export const FIRST_LINE_CHARS = 200;

/**
 * The first non-blank line of `thrown`'s message (its `String()` if it is not an Error), cut at `max`
 * characters. With `afterHint`, `thrown` is a matcher's failure message and its first paragraph, the
 * `expect(received).toX(expected)` hint, is skipped: what is left starts with why it failed.
 * Never throws: a value whose message cannot be read is "an error that could not be printed".
 */
export function firstLine(thrown: unknown, options: { afterHint?: boolean; max?: number } = {}): string {
  const max = options.max ?? FIRST_LINE_CHARS;
  let text: string;
  try {
    text = thrown instanceof Error ? String(thrown.message) : String(thrown);
  } catch {
    return 'an error that could not be printed';
  }
  if (options.afterHint) {
    const end = text.indexOf('\n\n');
    if (end !== -1) text = text.slice(end + 2);
  }
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > max ? `${sliceWhole(line, max)}…` : line;
}

/** `text` in at most `max` characters: when cut, the last of them is `…`. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${sliceWhole(text, max - 1)}…` : text;
}

/** The first `end` UTF-16 units, one fewer when the cut would split a surrogate pair: half of one is not text. */
function sliceWhole(text: string, end: number): string {
  const last = text.charCodeAt(end - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? end - 1 : end);
}

export interface FirstLinesOptions {
  /** Lines left out before counting (stack frames, say). */
  skip?: (line: string) => boolean;
  /** Each line kept is clipped to this many characters. */
  lineChars?: number;
  /** Put on a line of its own after the last one kept when later lines were cut; `''` for nothing. Default `…`. */
  more?: string;
}

/** The first `count` lines of `text` (all of it for an infinite count), joined by `\n`. */
export function firstLines(text: string, count: number, options: FirstLinesOptions = {}): string {
  const { skip, lineChars, more = '…' } = options;
  if (!Number.isFinite(count) && !skip && lineChars === undefined) return text;
  // Without `skip`, split no further than needed: a message can be megabytes long.
  let lines = skip ? text.split('\n').filter((line) => !skip(line)) : text.split('\n', count + 1);
  const cut = lines.length > count;
  if (cut) lines = lines.slice(0, count);
  if (lineChars !== undefined) lines = lines.map((line) => clip(line, lineChars));
  return cut && more ? `${lines.join('\n')}\n${more}` : lines.join('\n');
}
