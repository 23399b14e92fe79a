/**
 * The one-line summary of a failure, wherever a report names an error inside a sentence ("the probe
 * threw (…)") or keeps one line per test (a forgotten `await`'s failure): the first non-blank line of
 * an error's message, or of a thrown non-Error printed as a string, at most {@link FIRST_LINE_CHARS}.
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
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
