/**
 * Whether an error a check threw is an assertion's "no" (the value was judged and did not hold), as
 * opposed to a bug or a crash in the check (a TypeError reading a missing field), which judged nothing.
 */
import { hasBrand } from '../runtime/brand.ts';

/**
 * Recognised by shape, since each runner has its own class: Vitest's and chai's `AssertionError`,
 * `node:assert`'s (`code: 'ERR_ASSERTION'`), Jest's and Playwright's `expect` errors (`matcherResult`),
 * and a nested unflake poll that failed (an eventual assertion is an assertion too).
 */
export function isAssertionError(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  try {
    const { name, code, matcherResult } = error as { name?: unknown; code?: unknown; matcherResult?: unknown };
    if (typeof name === 'string' && name.startsWith('AssertionError')) return true;
    if (code === 'ERR_ASSERTION') return true;
    if (matcherResult !== null && typeof matcherResult === 'object') return true;
  } catch {
    return false; // a throwing getter: not an assertion we can read
  }
  return hasBrand(error, 'PollError');
}
