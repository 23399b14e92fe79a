/**
 * The reporter's JUnit validated against two published schemas (libxml2 in wasm, xmllint-wasm):
 * Jenkins xUnit's junit-10.xsd (the whole document: a <testsuites> root) and Maven Surefire's
 * surefire-test-report-3.0.xsd (each <testsuite> as its own file, as Surefire writes them). Neither
 * allows three things unflake writes on purpose, so they are named here and taken out before
 * validating, and every error the untouched document raises must be one of them:
 *   - `file` on <testcase>: GitLab, Buildkite and jest-junit (`addFileAttribute`) read the test file there;
 *   - <properties> inside <testcase>: the category, trace, attempts and quarantine (Datadog, Trunk read
 *     per-case properties);
 *   - `skipped` on <testsuites>: Playwright's own JUnit reporter writes it.
 * Surefire's schema also has no `timestamp` on <testsuite> (junit-10 has): taken out for it alone.
 * Inputs: generated reports, and inner Vitest, Jest and Playwright runs (passing, flaky, failing,
 * quarantined as a failure and as skipped, a file that does not load).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { validateXML } from 'xmllint-wasm';
import { toJUnit } from '../../src/flakes/junit.ts';
import { testNameOf } from '../../src/runner/testId.ts';
import { jestArgs, runNode, vitestArgs } from '../helpers/childProcess.ts';
import { fixtureRun, timingFailure } from './fixtures/history.ts';

const FIXTURES = 'test/reporter/fixtures/junitSchema';
const JENKINS = readFileSync(join(FIXTURES, 'jenkins-junit-10.xsd'), 'utf8');
const SUREFIRE = readFileSync(join(FIXTURES, 'surefire-test-report-3.0.xsd'), 'utf8');

/** The errors the pristine schemas raise for unflake's three extensions (and Surefire's missing timestamp). */
const EXTENSION_ERRORS = [
  /Element 'testcase', attribute 'file': The attribute 'file' is not allowed\./,
  /Element 'properties': This element is not expected\./,
  /Element 'testsuites', attribute 'skipped': The attribute 'skipped' is not allowed\./,
  /Element 'testsuite', attribute 'timestamp': The attribute 'timestamp' is not allowed\./,
];

/** The document without unflake's extensions (see the header); each testcase is on one line. */
function standard(xml: string): string {
  return xml
    .replace(/(<testcase\b[^>]*?) file="[^"]*"/g, '$1')
    .replace(/(<testcase\b[^>]*>)<properties>.*?<\/properties>/g, '$1')
    .replace(/(<testsuites\b[^>]*?) skipped="[^"]*"/, '$1');
}

/** Each <testsuite> as a Surefire report file of its own (no `timestamp`: junit-10 has it, Surefire not). */
const surefireFiles = (xml: string): string[] =>
  [...xml.matchAll(/<testsuite [\s\S]*?<\/testsuite>/g)].map(
    (m) => `<?xml version="1.0" encoding="UTF-8"?>\n${m[0].replace(/ timestamp="[^"]*"/, '')}`,
  );

/** Every document against one schema in one xmllint call: the error messages, each naming its document. */
async function errors(docs: readonly string[], schema: string): Promise<string[]> {
  if (!docs.length) return [];
  const result = await validateXML({
    xml: docs.map((contents, i) => ({ fileName: `doc${i}.xml`, contents })),
    schema: [schema],
  });
  return result.errors.map((e) => e.rawMessage);
}

/** Validates JUnit documents: their standard part against both schemas, their extensions as the only other errors. */
async function expectValid(xmls: readonly string[]): Promise<void> {
  expect(await errors(xmls.map(standard), JENKINS)).toEqual([]);
  expect(await errors(xmls.map(standard).flatMap(surefireFiles), SUREFIRE)).toEqual([]);
  const untouched = [...(await errors(xmls, JENKINS)), ...(await errors(xmls.flatMap(surefireFiles), SUREFIRE))];
  // xmllint closes each invalid document with "docN.xml fails to validate": not an error of its own.
  const others = untouched.filter((e) => !/fails to validate$/.test(e) && !EXTENSION_ERRORS.some((x) => x.test(e)));
  expect(others).toEqual([]);
}

const text = fc.string({
  unit: fc.oneof(
    fc.constantFrom('<', '>', '&', '"', "'", ']]>', '\u0000', '\u001b[31m', '\uFFFE', '😀', '\n'),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 30,
});

const reportArb = fc.record({
  runner: fc.constantFrom('vitest', 'jest', 'playwright'),
  quarantined: fc.constantFrom<'failure' | 'skipped' | undefined>(undefined, 'failure', 'skipped'),
  tests: fc.array(
    fc.record({
      file: fc.constantFrom('test/a.test.ts', 'test/b & c.test.ts'),
      titles: fc.array(text, { minLength: 1, maxLength: 3 }),
      status: fc.constantFrom('passed', 'failed', 'flaky', 'skipped') as fc.Arbitrary<
        'passed' | 'failed' | 'flaky' | 'skipped'
      >,
      failure: fc.oneof(text, fc.constant(timingFailure('0af7651916cd43dd8448eb211c80319c'))),
      quarantined: fc.boolean(),
    }),
    { maxLength: 8 },
  ),
  suiteErrors: fc.array(fc.record({ file: fc.constantFrom('test/broken.test.ts', 'test/a.test.ts'), message: text })),
});

describe('JUnit against the Jenkins xUnit and Surefire schemas', () => {
  test('generated reports (any titles, messages, statuses, quarantines, suite errors) validate', async () => {
    const documents = fc.sample(reportArb, { numRuns: 80, seed: 22 }).map((r) => {
      const run = fixtureRun(
        'gen',
        Date.parse('2026-03-20T12:00:00Z'),
        r.tests.map((t) => ({
          file: t.file,
          name: testNameOf(t.titles),
          status: t.status,
          failure: t.failure,
          ...(t.quarantined ? { quarantined: { reason: 'races', owner: 'qa', until: '2099-01-01' } } : {}),
        })),
      );
      run.runner = r.runner;
      if (r.suiteErrors.length) run.suiteErrors = r.suiteErrors;
      return toJUnit(run, r.quarantined ? { quarantined: r.quarantined } : {});
    });
    await expectValid(documents);
  }, 60_000);

  test('an invalid document fails: a testcase without its name, a flakyFailure without its type', async () => {
    const run = fixtureRun('m', Date.now(), [
      { file: 'test/a.test.ts', name: 'flaky one', status: 'flaky', failure: 'Error: connect ECONNREFUSED' },
      { file: 'test/a.test.ts', name: 'stable', status: 'passed' },
    ]);
    const xml = standard(toJUnit(run));
    await expectValid([xml]);
    const noName = xml.replace(' name="stable"', '');
    const noType = xml.replace(/(<flakyFailure [^>]*?) type="[^"]*"/, '$1');
    for (const mutated of [noName, noType]) {
      expect(mutated).not.toBe(xml);
      expect(await errors([mutated], JENKINS)).not.toEqual([]);
      expect(await errors(surefireFiles(mutated), SUREFIRE)).not.toEqual([]);
    }
  }, 30_000);
});

describe('the JUnit of inner runs validates', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'unflake-junit-xsd-'));
    writeFileSync(
      join(dir, 'quarantine.json'),
      JSON.stringify([
        { test: 'always: the payment webhook never arrives', reason: 'races', owner: 'payments', until: '2999-01-01' },
        {
          test: 'test/reporter/fixtures/playwright/flaky.spec.ts > always fails',
          reason: 'r',
          owner: 'o',
          until: '2999-01-01',
        },
      ]),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** One inner run with the quarantine, its JUnit as written (quarantined as a failure, or as skipped). */
  async function junitOf(name: string, args: string[], quarantined: 'failure' | 'skipped', extra = {}) {
    const junit = join(dir, `${name}-${quarantined}.xml`);
    await runNode(args, {
      FLAKE_FAIL: '1',
      FLAKE_OUT: join(dir, `${name}-${quarantined}.json`),
      FLAKE_JUNIT: junit,
      FLAKE_QUARANTINE: join(dir, 'quarantine.json'),
      FLAKE_JUNIT_QUARANTINED: quarantined,
      ...extra,
    });
    return readFileSync(junit, 'utf8');
  }

  const runs: [string, () => string[]][] = [
    ['vitest', () => vitestArgs(`${FIXTURES}/vitest.config.ts`)],
    ['jest', () => jestArgs(`${FIXTURES}/jest.config.js`)],
    [
      'playwright',
      () => ['node_modules/@playwright/test/cli.js', 'test', '--config', `${FIXTURES}/playwright.config.ts`],
    ],
  ];

  test.each(runs)(
    '%s: passing, flaky, failing, quarantined (failure, skipped), a file that does not load',
    async (name, args) => {
      const docs = [await junitOf(name, args(), 'failure'), await junitOf(name, args(), 'skipped')];
      // Playwright runs no test when a spec does not load: that run on its own.
      if (name === 'playwright')
        docs.push(await junitOf('playwright-broken', args(), 'failure', { FLAKE_BROKEN: '1' }));
      const all = docs.join('\n');
      for (const part of [
        '<flakyFailure ',
        '<failure ',
        '<skipped message="quarantined until 2999-01-01',
        '<error ',
        'name="quarantined"',
      ])
        expect(all).toContain(part);
      expect(all).toContain(name === 'playwright' ? 'broken.spec.ts' : 'broken.');
      await expectValid(docs);
    },
    240_000,
  );
});
