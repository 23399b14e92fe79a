/**
 * One test id (SPEC 0b): `<file> > <describe> > … > <test>`. Two different title paths never share an
 * id (the oracle: the title paths themselves), and both reporters key tests by it, so Jest's
 * space-joined full names no longer collide.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { JestFlakeReporter } from '../../reporter/jest.ts';
import { playwrightTitles, type PlaywrightSuite, type PlaywrightTest } from '../../reporter/playwright.ts';
import { VitestFlakeReporter } from '../../reporter/vitest.ts';
import { Quarantine, withoutProject } from '../../src/flakes/quarantine.ts';
import { ID_SEPARATOR, testIdOf, testNameOf, vitestTaskId } from '../../src/runner/testId.ts';
import type { RunReport } from '../../src/flakes/schema.ts';
import { readFileSync } from 'node:fs';

const RUNS = 2_000;
// Titles drawn from characters that make collisions likely: separators, spaces, escapes.
const title = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '>', '\\', '\u0000'), maxLength: 6 });
const path = fc.array(title, { minLength: 1, maxLength: 4 });

/** Splits a name back into titles: the reference reading of an id's name part. */
function titlesOfName(name: string): string[] {
  const titles: string[] = [];
  let current = '';
  for (let i = 0; i < name.length; i++) {
    if (name[i] === '\\') current += name[++i] ?? '';
    else if (name.startsWith(ID_SEPARATOR, i)) {
      titles.push(current);
      current = '';
      i += ID_SEPARATOR.length - 1;
    } else current += name[i];
  }
  return [...titles, current];
}

describe('test ids', () => {
  test(`two title paths share a name only when they are the same path (${RUNS} generated pairs, and the name reads back)`, () => {
    fc.assert(
      fc.property(path, path, (a, b) => {
        expect(testNameOf(a) === testNameOf(b)).toBe(JSON.stringify(a) === JSON.stringify(b));
        expect(titlesOfName(testNameOf(a))).toEqual(a);
      }),
      { numRuns: RUNS },
    );
  });

  test('ordinary titles read as written; the file is relative, with /', () => {
    expect(testIdOf(join(process.cwd(), 'test', 'orders.test.ts'), ['orders sync', 'retries'])).toBe(
      'test/orders.test.ts > orders sync > retries',
    );
    expect(testNameOf(['orders', 'sync retries'])).toBe('orders > sync retries');
    expect(testNameOf(['a > b', 'c'])).toBe('a \\> b > c');
  });

  test("a Vitest task's id: its suites up to the file, then its own name", () => {
    const file = { name: 'test/orders.test.ts', filepath: join(process.cwd(), 'test', 'orders.test.ts') };
    const suite = { name: 'orders', suite: file, file };
    expect(vitestTaskId({ name: 'sync retries', suite, file })).toBe('test/orders.test.ts > orders > sync retries');
    expect(vitestTaskId({ name: 'top', suite: file, file })).toBe('test/orders.test.ts > top');
    expect(vitestTaskId({})).toBeUndefined();
  });
});

describe('the reporters key tests by the id, not by the runner’s full name', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'unflake-ids-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const quarantine = () => {
    const file = join(dir, 'q.json');
    writeFileSync(
      file,
      JSON.stringify([
        { test: 'orders > sync retries', reason: 'r', owner: 'o', until: '2999-01-01' },
        { test: 'gone > test', reason: 'r', owner: 'o', until: '2999-01-01' },
      ]),
    );
    return file;
  };
  const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as RunReport;

  test('Jest: "orders sync" > "retries" and "orders" > "sync retries" (one Jest full name) are two tests; only one is quarantined', () => {
    const out = join(dir, 'report.json');
    const reporter = new JestFlakeReporter({ rootDir: dir }, { quarantine: quarantine(), outputFile: out });
    const failed = { status: 'failed', failureMessages: ['Error: Timed out after 50 ms'] };
    reporter.onTestResult(undefined, {
      testFilePath: join(dir, 'test', 'orders.test.js'),
      testResults: [
        { ...failed, fullName: 'orders sync retries', ancestorTitles: ['orders sync'], title: 'retries' },
        { ...failed, fullName: 'orders sync retries', ancestorTitles: ['orders'], title: 'sync retries' },
      ],
    });
    const results = { numFailedTests: 2 };
    reporter.onRunComplete(undefined, results);
    const report = read(out);
    expect(report.tests.map((t) => [`${t.file} > ${t.name}`, t.quarantined !== undefined])).toEqual([
      ['test/orders.test.js > orders sync > retries', false],
      ['test/orders.test.js > orders > sync retries', true],
    ]);
    // The real failure still fails the run.
    expect(results.numFailedTests).toBe(2);
    expect(report.unmatchedQuarantine?.map((e) => e.test)).toEqual(['gone > test']);
  });

  test('Vitest: the id is built from the title path (a `>` in a title escaped), not from its unescaped full name', () => {
    const out = join(dir, 'report.json');
    const reporter = new VitestFlakeReporter({ quarantine: quarantine(), outputFile: out });
    reporter.onInit({ config: { root: dir }, logger: { log: () => {} } });
    const module = { type: 'module', moduleId: join(dir, 'test', 'a.test.ts') };
    const suite = { type: 'suite', name: 'a > b', parent: module };
    reporter.onTestCaseResult({
      fullName: 'a > b > c',
      name: 'c',
      parent: suite,
      module,
      result: () => ({ state: 'passed' }),
      diagnostic: () => ({ retryCount: 0, flaky: false }),
    });
    reporter.onTestRunEnd();
    expect(read(out).tests.map((t) => `${t.file} > ${t.name}`)).toEqual(['test/a.test.ts > a \\> b > c']);
  });
});

describe('Playwright projects in the id (reporter/playwright.ts)', () => {
  /** A Playwright test as the reporter sees it: root > project > file > describes > test. */
  function pwTest(project: string, describes: string[], title: string): PlaywrightTest {
    let parent: PlaywrightSuite = { type: 'project', title: project, parent: { type: 'root', title: '' } };
    parent = { type: 'file', title: 'a.spec.ts', parent };
    for (const d of describes) parent = { type: 'describe', title: d, parent };
    return { title, parent, location: { file: 'a.spec.ts' }, results: [], outcome: () => 'expected' };
  }

  test('two projects: two ids; one project (named or not): the id it always had', () => {
    fc.assert(
      fc.property(
        fc.array(title, { maxLength: 2 }),
        title,
        fc.constantFrom('chromium', 'a b', ''),
        (describes, t, p) => {
          const one = testNameOf(playwrightTitles(pwTest(p, describes, t), 1));
          expect(one).toBe(testNameOf([...describes, t]));
          const name = (q: string): string => testNameOf(playwrightTitles(pwTest(q, describes, t), 2));
          const [a, b] = [name(p || 'x'), name(`${p}2`)];
          expect(a).not.toBe(b);
          // The prefix is the one Playwright's JUnit reporter writes with includeProjectInTestName; the
          // quarantine reads it back off.
          expect(a.startsWith(`[${p || 'x'}] `)).toBe(true);
          expect(withoutProject(a, p || 'x')).toBe(one);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('a quarantine entry without a project applies in every project; one with a project, there alone', () => {
    const q = new Quarantine([
      { test: 'a.spec.ts > all > t', reason: 'r', owner: 'o', until: '2999-01-01' },
      { test: 'a.spec.ts > [mobile] only > t', reason: 'r', owner: 'o', until: '2999-01-01' },
    ]);
    const match = (name: string, project?: string) => q.match({ file: 'a.spec.ts', name, project })?.test;
    expect(match('[desktop] all > t', 'desktop')).toBe('a.spec.ts > all > t');
    expect(match('[mobile] all > t', 'mobile')).toBe('a.spec.ts > all > t');
    expect(match('[mobile] only > t', 'mobile')).toBe('a.spec.ts > [mobile] only > t');
    expect(match('[desktop] only > t', 'desktop')).toBeUndefined();
  });

  test('a bracketed title that is not a Playwright project is its own name: an entry for the rest does not cover it', () => {
    const q = new Quarantine([{ test: 'a.test.ts > all > t', reason: 'r', owner: 'o', until: '2999-01-01' }]);
    // Vitest or Jest: no project told, so `[api] ` is part of the title.
    expect(q.match({ file: 'a.test.ts', name: '[api] all > t' })).toBeUndefined();
    // Playwright, another project than the one in brackets: the brackets are the title's own too.
    expect(q.match({ file: 'a.test.ts', name: '[api] all > t', project: 'chromium' })).toBeUndefined();
    expect(q.match({ file: 'a.test.ts', name: '[chromium] all > t', project: 'chromium' })?.test).toBe(
      'a.test.ts > all > t',
    );
  });
});
