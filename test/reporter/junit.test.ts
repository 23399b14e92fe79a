/** JUnit XML that upload services read right (issue 22 item 4). */
import { XMLParser } from 'fast-xml-parser';
import fc from 'fast-check';
import { attemptFailure } from '../../src/flakes/evidence.ts';
import { titlesOf, toJUnit } from '../../src/flakes/junit.ts';
import { testNameOf } from '../../src/runner/testId.ts';
import { fixtureRun } from './fixtures/history.ts';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
});
const casesOf = (xml: string): Record<string, any>[] =>
  (parser.parse(xml).testsuites.testsuite as { testcase: Record<string, any>[] }[]).flatMap((s) => s.testcase);

describe('JUnit XML', () => {
  test('the titles come back from any report name, whatever the titles hold (> and \\ included)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom('a', ' ', '>', '\\', 'b') }), { minLength: 1, maxLength: 4 }),
        (titles) => {
          expect(titlesOf(testNameOf(titles))).toEqual(titles);
        },
      ),
      { numRuns: 500 },
    );
  });

  test("classname and name as Vitest's JUnit reporter and jest-junit write them by default; file on every case", () => {
    const tests = [
      {
        file: 'test/orders.test.ts',
        name: testNameOf(['orders', 'sync > fast', 'retries']),
        status: 'passed' as const,
      },
    ];
    const vitest = casesOf(toJUnit({ ...fixtureRun('v', Date.now(), tests), runner: 'vitest' }))[0];
    expect(vitest).toMatchObject({
      classname: 'test/orders.test.ts',
      name: 'orders > sync > fast > retries',
      file: 'test/orders.test.ts',
    });
    const jest = casesOf(toJUnit({ ...fixtureRun('j', Date.now(), tests), runner: 'jest' }))[0];
    expect(jest).toMatchObject({
      classname: 'orders sync > fast retries',
      name: 'orders sync > fast retries',
      file: 'test/orders.test.ts',
    });
  });

  test('the failure body holds the stack frames, bounded to 15 of at most 300 characters', () => {
    const frames = Array.from(
      { length: 40 },
      (_, i) => `    at frame${i} (test/a.test.ts:${i}:1)${'x'.repeat(i === 0 ? 400 : 0)}`,
    );
    const failure = attemptFailure(['AssertionError: expected 41 to be 42', ...frames].join('\n'));
    const run = fixtureRun('s', Date.now(), [{ file: 'test/a.test.ts', name: 'a', status: 'failed' }]);
    run.tests[0]!.failures = [failure];
    const body = String(casesOf(toJUnit(run))[0]!.failure['#text']);
    expect(body).toContain('at frame14 (test/a.test.ts:14:1)');
    expect(body).not.toContain('frame15');
    expect(body.split('\n').every((l) => l.length <= 300)).toBe(true);
  });

  test('a file that failed outside any test is an <error>, counted in errors', () => {
    const run = fixtureRun('e', Date.now(), [{ file: 'test/ok.test.ts', name: 'ok', status: 'passed' }]);
    run.suiteErrors = [
      {
        file: 'test/broken.test.ts',
        message: "SyntaxError: Unexpected token '}'",
        stack: 'at test/broken.test.ts:3:1',
      },
    ];
    const doc = parser.parse(toJUnit(run));
    expect(doc.testsuites).toMatchObject({ tests: '2', errors: '1', failures: '0' });
    const broken = (doc.testsuites.testsuite as Record<string, any>[]).find((s) => s.name === 'test/broken.test.ts')!;
    expect(broken).toMatchObject({ errors: '1', tests: '1' });
    expect(broken.testcase[0].error).toMatchObject({
      message: "SyntaxError: Unexpected token '}'",
      type: 'SyntaxError',
    });
  });
});
