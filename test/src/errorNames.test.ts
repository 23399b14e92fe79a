/**
 * Rule: every error class a user can import has `name` equal to its class name, so `error.name` in a
 * log or a catch (`e.name === 'RetryAfterError'`) names the class the docs and `instanceof` use.
 * Enforced over every export of the public entry points, not a hand-kept list: a new error class is
 * checked the day it is exported.
 */
import * as clockEntry from '../../clock/index.ts';
import * as faultsEntry from '../../src/faults/index.ts';
import * as mainEntry from '../../src/index.ts';
import * as matchersEntry from '../../matchers/index.ts';

// A subclass's implicit constructor has length 0, so every class gets more arguments than any needs.
type ErrorClass = new (...args: unknown[]) => Error;

/** Stands for any constructor argument: a string, a number (0), an object with any property, a list. */
const anything: unknown = new Proxy(function anything() {}, {
  get: (_, key) =>
    key === Symbol.toPrimitive
      ? (hint: string) => (hint === 'number' ? 0 : 'anything')
      : key === Symbol.iterator
        ? [][Symbol.iterator]
        : anything,
});

function errorClassesOf(entries: Record<string, Record<string, unknown>>): [string, ErrorClass][] {
  const found: [string, ErrorClass][] = [];
  for (const [entry, exports] of Object.entries(entries)) {
    for (const [exported, value] of Object.entries(exports)) {
      if (typeof value === 'function' && value.prototype instanceof Error)
        found.push([`${entry}: ${exported}`, value as ErrorClass]);
    }
  }
  return found;
}

const classes = errorClassesOf({
  unflake: mainEntry,
  'unflake/clock': clockEntry,
  'unflake/faults': faultsEntry,
  'unflake/matchers': matchersEntry,
});

describe('error names', () => {
  test('the public entry points export error classes (the rule is not checked on an empty list)', () => {
    const names = classes.map(([, c]) => c.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'StopError',
        'RetryAfterError',
        'SettledError',
        'EventuallyError',
        'ConsistentlyError',
        'ReadinessError',
        'FollowerLostError',
      ]),
    );
  });

  test.each(classes)('%s: an instance is named after its class', (_, ErrorClass) => {
    const error = new ErrorClass(...Array.from({ length: 6 }, () => anything));
    expect(error.name).toBe(ErrorClass.name);
    expect(error).toBeInstanceOf(ErrorClass);
  });

  test('the name shows where users see it: String(error), the first line of its stack', () => {
    const error = new mainEntry.RetryAfterError(10, 'HTTP 503');
    expect(String(error)).toBe('RetryAfterError: retry after 10 ms: HTTP 503');
    expect(error.stack?.split('\n')[0]).toBe('RetryAfterError: retry after 10 ms: HTTP 503');
    expect(String(new mainEntry.SettledError('archived'))).toBe('SettledError: archived');
  });
});
