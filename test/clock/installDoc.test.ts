/**
 * The doc comment of `TestClock.install` (what editors and the API reference show) names every global
 * it fakes by default, and nothing else: it is checked against `DEFAULT_TO_FAKE`, so the two cannot drift.
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_TO_FAKE } from '../../clock/installGlobals.ts';

const source = readFileSync(new URL('../../clock/TestClock.ts', import.meta.url), 'utf8');
const doc = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*install\(/.exec(source)?.[1] ?? '';
// The list of defaults: from "The default" to the sentence after the last name.
const defaults = /The default[\s\S]*?Returns a disposer/.exec(doc)?.[0] ?? '';

const named = [...defaults.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

describe('TestClock.install doc comment', () => {
  test('lists every default of toFake', () => {
    expect(defaults).not.toBe('');
    for (const name of DEFAULT_TO_FAKE) expect(named).toContain(name);
  });

  test('names no global that is not a default (the parts of one, in parentheses, aside)', () => {
    const parts = [
      'DEFAULT_TO_FAKE',
      'performance.now',
      'process.hrtime',
      '.bigint',
      'setTimeout',
      'setInterval',
      'scheduler.wait',
      'setImmediate',
    ];
    const allowed = new Set<string>([...DEFAULT_TO_FAKE, ...parts]);
    expect(named.filter((name) => !allowed.has(name as string))).toEqual([]);
  });
});
