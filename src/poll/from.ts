/**
 * The `from` option: "it must change first". A wait with `from` counts a hold only after an earlier
 * attempt saw the value in its starting state, so it cannot pass on a state that held before the system
 * did anything (a sleep ported to `toEventuallyEqual(x)` where x was already true).
 *
 * `from` is a check (a function returning true/false, or an asymmetric matcher such as
 * `expect.any(Number)`) or a value, compared with deep strict equality (`util.isDeepStrictEqual`).
 */
import { util } from '../runtime/builtins.ts';
import { usageError } from '../errors.ts';
import { summarize } from './timeline.ts';

const boundSummary = (value: unknown): string => summarize('value', value);

function isAsymmetricMatcher(value: unknown): value is { asymmetricMatch(other: unknown): unknown } {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { asymmetricMatch?: unknown }).asymmetricMatch === 'function'
  );
}

export interface FromRule {
  /** Whether this value is the starting state. Throws a usage error when the check misbehaves. */
  matches(value: unknown): boolean;
  /** One line for the failure message: the value, or `a check (name)`. */
  readonly describe: string;
}

/** The rule for a `from` option that was given (undefined included: "from undefined" is a value too). */
export function fromRule(from: unknown): FromRule {
  if (typeof from === 'function') {
    const check = from as (value: unknown) => unknown;
    return {
      describe: `a check${check.name ? ` (${check.name})` : ''}`,
      matches(value) {
        let verdict: unknown;
        try {
          verdict = check(value);
        } catch (error) {
          throw usageError(
            'from',
            `the check threw (${error instanceof Error ? error.message : String(error)}); it must return true (the starting state) or false.`,
          );
        }
        if (typeof verdict !== 'boolean') {
          throw usageError(
            'from',
            `the check must return true (this is the starting state) or false, synchronously, but returned ${boundSummary(verdict)}.`,
          );
        }
        return verdict;
      },
    };
  }
  if (isAsymmetricMatcher(from))
    return { describe: boundSummary(from), matches: (value) => from.asymmetricMatch(value) === true };
  return { describe: boundSummary(from), matches: (value) => util().isDeepStrictEqual(value, from) };
}
