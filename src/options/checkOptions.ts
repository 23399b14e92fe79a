/**
 * The one options checker: every function that takes an options object checks it here, so "must be an
 * object" and "unknown option … Did you mean …?" read the same everywhere. Imports only checkMs.ts:
 * `unflake/clock` uses it too and must stay light.
 */
import { argumentError, describeValue } from './checkMs.ts';

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(
        above + 1,
        row[j - 1]! + 1,
        diagonal + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1),
      );
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** The known name closest to a misspelt one, if any is close enough to be what was meant. */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

/** For a key that is known somewhere else: the sentence that says where it belongs instead. */
export type MisplacedHint = (key: string) => string | undefined;

/** The unknown-option error, with a suggestion and the list of what is known. */
export function unknownOption(where: string, key: string, known: readonly string[]): TypeError {
  const suggestion = closest(key, known);
  return argumentError(
    where,
    `unknown option \`${key}\`${suggestion ? `. Did you mean \`${suggestion}\`?` : '.'} Known options: ${known.map((k) => `\`${k}\``).join(', ')}.`,
  );
}

/**
 * `value` as an options record (undefined is `{}`), or a TypeError naming `where`: not an object, or a
 * key outside `known` (with "Did you mean", or the `misplaced` hint for keys that belong elsewhere).
 */
export function checkOptions(
  where: string,
  value: unknown,
  known: readonly string[],
  misplaced?: MisplacedHint,
): Record<string, unknown> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw argumentError(where, `options must be an object, got ${describeValue(value)}.`);
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const hint = misplaced?.(key);
    throw hint ? argumentError(where, hint) : unknownOption(where, key, known);
  }
  return value as Record<string, unknown>;
}
