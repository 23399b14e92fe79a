import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { classifyFailure, FlakeCollector, validateOptions } from '../../reporter/core.ts';
import { main } from '../../src/cli/cli.ts';
import { attemptFailure, parseFingerprint } from '../../src/flakes/evidence.ts';
import type { RunReport } from '../../src/flakes/schema.ts';
import { runner } from '../support/runner.ts';
import { jestArgs, runNode, vitestArgs } from '../helpers/childProcess.ts';
import { DAY, fixtureRun, writeRuns, type FixtureTest } from './fixtures/history.ts';

describe('classifyFailure', () => {
  test.each([
    [
      'expect(received).toEventuallyEqual(expected)\n\nTimed out after 1.50 s (timeout: 1500 ms): the condition never held in 14 attempts.',
      'timing',
    ],
    [
      "expect(received).toEventuallyBe(expected)\n\nStopped after 4.75 s, 250 ms before the test's own 5000 ms timeout",
      'timing',
    ],
    ['Error: Test timed out in 5000ms.', 'timing'],
    ['thrown: "Exceeded timeout of 5000 ms for a test.', 'timing'],
    ['Error: connect ECONNREFUSED 127.0.0.1:5432', 'infrastructure'],
    ['Error: read ECONNRESET', 'infrastructure'],
    ['Error: getaddrinfo ENOTFOUND orders', 'infrastructure'],
    ['Error: getaddrinfo EAI_AGAIN orders', 'infrastructure'],
    ['ReadinessError: waitForReady(http://orders/health) timed out after 60.0 s', 'infrastructure'],
    [
      'expect(received).toEventuallyEqual(expected)\n\nTimed out after 2.00 s\n\nLast error:\n  Error: connect ECONNREFUSED 10.0.0.1:80',
      'infrastructure',
    ],
    ['AssertionError: expected 41 to be 42 // Object.is equality', 'product'],
    ['Error: expect(received).toBe(expected) // Object.is equality\n\nExpected: 42\nReceived: 41', 'product'],
    ['expect(handler).toBeIdempotent(event)\n\nhandler "apply" is not idempotent', 'product'],
    ['TypeError: Cannot read properties of undefined', 'unknown'],
  ])('%s → %s', (message, category) => {
    expect(classifyFailure(message)).toBe(category);
  });
});

describe('the evidence of a failed attempt', () => {
  const long = [
    'Error: expect(received).toEventuallyEqual(expected)',
    '',
    ...Array.from({ length: 30 }, (_, i) => `timeline line ${i}`),
    '    at Object.<anonymous> (a.test.ts:3:1)',
    '',
    'Run: trace 73c957eaadf8fd5c7a8f7407ad416edf · worker vitest 1 · namespace t-abc-w1 · seed 42 · sha 1a2b3c4 · tenant acme-7',
  ].join('\n');

  test('keeps the first 12 lines, and the Run: line below them as fields (new fields included)', () => {
    const f = attemptFailure(`\u001b[31m${long}\u001b[39m`);
    expect(f.message.split('\n')).toHaveLength(12);
    expect(f.message).not.toContain('\u001b[');
    expect(f.fingerprint).toEqual({
      trace: '73c957eaadf8fd5c7a8f7407ad416edf',
      worker: 'vitest 1',
      namespace: 't-abc-w1',
      seed: '42',
      sha: '1a2b3c4',
      tenant: 'acme-7',
    });
  });

  test('no Run: line, no fingerprint; only the last Run: line counts', () => {
    expect(parseFingerprint('Error: boom')).toBeUndefined();
    expect(parseFingerprint('Last error:\n  Run: trace aaa\n\nRun: trace bbb · worker jest 2')).toEqual({
      trace: 'bbb',
      worker: 'jest 2',
    });
    expect(
      parseFingerprint('Run: trace 4bf9 span 00f0 · worker vitest 3 · namespaces t-a, t-b · UNFLAKE_SEED 7'),
    ).toEqual({
      trace: '4bf9',
      span: '00f0',
      worker: 'vitest 3',
      namespaces: 't-a, t-b',
      UNFLAKE_SEED: '7',
    });
  });
});

describe('the flake collector', () => {
  const collector = (settings: Record<string, unknown> = {}) =>
    new FlakeCollector('vitest', validateOptions('r', settings), 'run1');

  test('rate = flaky / tests run; skipped tests do not count; statuses passed, failed, flaky, skipped', () => {
    const c = collector({ budget: 0.25 });
    c.record({
      name: 'a',
      file: 'f',
      state: 'passed',
      failures: ['Error: read ECONNRESET'],
      attempts: 2,
      durationMs: 12.4,
    });
    for (const name of ['b', 'c']) c.record({ name, file: 'f', state: 'passed', failures: [], attempts: 1 });
    c.record({ name: 'x', file: 'f', state: 'failed', failures: ['Error: one', 'Error: two'], attempts: 2 });
    c.record({ name: 's', file: 'f', state: 'skipped', failures: [], attempts: 1 });
    const report = c.report();
    expect(report).toMatchObject({
      schema: 'unflake-run-report',
      version: 2,
      run: { id: 'run1' },
      totals: { tests: 5, run: 4, passed: 2, failed: 1, flaky: 1, skipped: 1, quarantined: 0 },
      flakeRate: 0.25,
      byCategory: { infrastructure: 1 },
    });
    expect(report.tests.map((t) => t.status)).toEqual(['flaky', 'passed', 'passed', 'failed', 'skipped']);
    expect(report.tests[0]).toEqual({
      file: 'f',
      name: 'a',
      status: 'flaky',
      durationMs: 12,
      attempts: 2,
      failures: [{ message: 'Error: read ECONNRESET', category: 'infrastructure' }],
    });
    expect(report.tests[3]!.failures!.map((f) => f.message)).toEqual(['Error: one', 'Error: two']);
  });

  test("a retried pass without the failed attempt's message still counts as flaky, as unknown", () => {
    const c = new FlakeCollector('jest', validateOptions('r', {}), 'run1');
    c.record({ name: 'a', file: 'f', state: 'passed', failures: [], attempts: 2 });
    expect(c.report()).toMatchObject({
      totals: { flaky: 1 },
      tests: [
        {
          status: 'flaky',
          attempts: 2,
          failures: [{ category: 'unknown', message: expect.stringContaining('logErrorsBeforeRetry: true') }],
        },
      ],
    });
  });

  test('bad options are TypeErrors naming the reporter and the option', () => {
    expect(() => validateOptions('r', { budget: 5 })).toThrow(
      'r: `budget` must be a rate between 0 and 1 or a percentage (0.005 or "0.5%" = 0.5% of tests may be flaky), got 5.',
    );
    expect(() => validateOptions('r', { budgt: 0.1 })).toThrow(/unknown option `budgt`. Did you mean `budget`\?/);
    expect(() => validateOptions('r', { budget: { overal: 0.1 } })).toThrow(
      /r `budget`: unknown option `overal`. Did you mean `overall`\?/,
    );
    expect(() => validateOptions('r', { window: 'fortnight' })).toThrow(
      'r: `window` must be a duration such as 1500ms, 90s, 2m, 36h, 14d or 2w (a bare number is milliseconds), more than 0, got "fortnight".',
    );
    expect(() => validateOptions('r', { history: 3 })).toThrow(
      "r: `history` must be a non-empty path (or true for '.unflake/history'), got 3.",
    );
    expect(() => validateOptions('r', { quarantine: true })).toThrow(/`quarantine` must be a path or false/);
    expect(validateOptions('r', { budget: '0.5%', history: true, junit: true })).toMatchObject({
      budget: 0.005,
      history: '.unflake/history',
      junit: 'junit.xml',
      window: 14 * DAY,
      retention: 28 * DAY,
    });
  });

  test('a quarantine file that is not well-formed stops the reporter at start, naming the entry', () => {
    const dir = mkdtempSync(join(tmpdir(), 'unflake-q-'));
    try {
      writeFileSync(join(dir, 'q.json'), JSON.stringify([{ test: 'a', reason: 'r', owner: '', until: '2030-01-01' }]));
      const c = new FlakeCollector('vitest', validateOptions('r', { quarantine: 'q.json' }), 'run1');
      expect(() => c.start(dir)).toThrow(
        `quarantine file ${join(dir, 'q.json')}, entry 1: \`owner\` must be a non-empty string, got "".`,
      );
      const missing = new FlakeCollector('vitest', validateOptions('r', { quarantine: 'none.json' }), 'run1');
      expect(() => missing.start(dir)).toThrow(`quarantine file ${join(dir, 'none.json')} does not exist.`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const FLAKY_NAMES = [
  'timing: the projection caught up only on the retry',
  'infrastructure: the broker refused the first connection',
  'product: a wrong total on the first attempt',
  'unknown: something odd once',
];
const fixtureFile = (kind: 'flaky' | 'stable'): string => `test/reporter/fixtures/${kind}.${runner.name}-fixture.ts`;
const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => ['testsuite', 'testcase', 'flakyFailure', 'property'].includes(name),
});

/** Nine earlier runs of the fixture suite: the timing test flaky in two of them (days 7 and 4 ago). */
function seedHistory(dir: string): void {
  const runs: RunReport[] = [];
  for (let k = 9; k >= 1; k--) {
    const tests: FixtureTest[] = [
      ...FLAKY_NAMES.map((name): FixtureTest => ({
        file: fixtureFile('flaky'),
        name,
        status: name.startsWith('timing') && (k === 7 || k === 4) ? 'flaky' : 'passed',
        failure: 'Error: Timed out after 30 ms',
      })),
      ...Array.from({ length: 6 }, (_, i): FixtureTest => ({
        file: fixtureFile('stable'),
        name: `stable ${i + 1}`,
        status: 'passed',
      })),
    ];
    runs.push(fixtureRun(`seed${k}`, Date.now() - k * DAY, tests));
  }
  writeRuns(dir, runs);
}

describe(`the ${runner.name} flake reporter on a suite with deliberately flaky tests`, () => {
  const run = (env: Record<string, string>, ...args: string[]) =>
    runner.name === 'vitest'
      ? runNode(vitestArgs('test/reporter/fixtures/vitest.flaky.config.ts', ...args), env)
      : runNode(jestArgs('test/reporter/fixtures/jest.flaky.config.js', ...args), env);
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'unflake-flake-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('with history: a test flaky in 3 of 10 runs is listed with its rate; a failing quarantined test exits 0; JUnit carries the flaky tests', async () => {
    const history = join(dir, 'history');
    seedHistory(history);
    const quarantine = join(dir, 'quarantine.json');
    writeFileSync(
      quarantine,
      JSON.stringify([
        {
          test: 'always: the payment webhook never arrives',
          reason: 'webhook stub races',
          owner: 'payments',
          until: '2999-01-01',
        },
        { test: 'test/old.test.ts > gone', reason: 'old', owner: 'ops', until: '2020-01-01' },
      ]),
    );
    const r = await run({
      FLAKE_OUT: join(dir, 'report.json'),
      FLAKE_BUDGET: '0.1',
      FLAKE_FAIL: '1',
      FLAKE_HISTORY: history,
      FLAKE_QUARANTINE: quarantine,
      FLAKE_JUNIT: join(dir, 'junit.xml'),
    });
    const output = r.stdout + r.stderr;
    expect({ code: r.code, output: r.code === 0 ? '' : output }).toEqual({ code: 0, output: '' });
    expect(output).toContain('unflake flake report: 4 of 10 tests flaky (40.00%)');
    expect(output).toContain(
      `quarantine: 1 test ran under quarantine, 1 failed (quarantined: does not fail the run)\n    failed: ${fixtureFile('flaky')} > always: the payment webhook never arrives (payments, until 2999-01-01)`,
    );
    expect(output).toContain(
      'quarantine entry EXPIRED on 2020-01-01, no longer applied: test/old.test.ts > gone (ops: old)',
    );
    // 9 seeded runs (2 flaky of 90) and this one (4 of 10, the quarantined test not counted).
    expect(output).toMatch(
      /last 14 days \(\d{4}-\d\d-\d\d – \d{4}-\d\d-\d\d, 10 runs\): 6 of 100 test runs flaky \(6\.00%\), within the budget of 10\.00%/,
    );
    expect(output).toMatch(
      new RegExp(
        ` 30\\.00% flaky in 3 of 10 runs, first seen ${new Date(Date.now() - 7 * DAY).toISOString().slice(0, 10)}  ${fixtureFile('flaky')} > timing: the projection`,
      ),
    );
    expect(output).toContain("the run's only failures are quarantined tests (1): exit code 0.");
    expect(readdirSync(history).filter((n) => n.endsWith('.json.gz'))).toHaveLength(10);

    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as RunReport;
    expect(report).toMatchObject({
      runner: runner.name,
      totals: { tests: 11, run: 10, flaky: 4, failed: 0, quarantined: 1 },
      expiredQuarantine: [{ test: 'test/old.test.ts > gone' }],
    });
    const byName = new Map(report.tests.map((t) => [t.name, t]));
    expect(byName.get('always: the payment webhook never arrives')).toMatchObject({
      status: 'failed',
      attempts: 3,
      quarantined: { owner: 'payments', until: '2999-01-01' },
    });
    const timing = byName.get(FLAKY_NAMES[0]!)!;
    expect(timing).toMatchObject({
      status: 'flaky',
      attempts: 2,
      failures: [
        {
          category: 'timing',
          fingerprint: {
            trace: expect.stringMatching(/^[0-9a-f]{32}$/),
            worker: `${runner.name} 1`,
            namespace: expect.stringMatching(/^t-/),
          },
        },
      ],
    });
    expect(timing.failures![0]!.message).toMatch(/Timed out after \d+ ms \(timeout: 30 ms\): the condition never held/);
    expect(byName.get(FLAKY_NAMES[1]!)!.failures![0]!.message).toContain('connect ECONNREFUSED 127.0.0.1:9092');

    const junit = xml.parse(readFileSync(join(dir, 'junit.xml'), 'utf8'));
    // The quarantined failure stays a <failure> (upload services must see it fail), marked by a property.
    expect(junit.testsuites).toMatchObject({ tests: '11', failures: '1', skipped: '0' });
    const cases = (junit.testsuites.testsuite as { testcase: Record<string, any>[] }[]).flatMap((s) => s.testcase);
    const flakyCases = cases.filter((c) => c.flakyFailure);
    expect(flakyCases.map((c) => c.name).sort()).toEqual([...FLAKY_NAMES].sort());
    const timingCase = flakyCases.find((c) => c.name === FLAKY_NAMES[0])!;
    expect(timingCase.flakyFailure[0].stackTrace).toContain(
      `Run: trace ${timing.failures![0]!.fingerprint!.trace} · worker ${runner.name} 1`,
    );
    const quarantined = cases.find((c) => c.name.startsWith('always'))!;
    expect(quarantined.failure.message).toMatch(/^Error: expect\(received\)\.toEventuallyEqual/);
    expect(quarantined.properties.property).toContainEqual({
      name: 'quarantined',
      value: 'until 2999-01-01 (payments): webhook stub races',
    });
    // Every case names its file; classname is what the runner's own JUnit reporter writes (Vitest: the file; jest-junit: the titles).
    for (const c of cases) expect(c.file).toBe(fixtureFile(c.name.startsWith('stable') ? 'stable' : 'flaky'));
    for (const c of cases) expect(c.classname).toBe(runner.name === 'vitest' ? c.file : c.name);
  }, 60_000);

  test('a failing test whose quarantine expired exits 1; so does a run over the budget', async () => {
    const quarantine = join(dir, 'quarantine.json');
    writeFileSync(
      quarantine,
      JSON.stringify([
        { test: 'always: the payment webhook never arrives', reason: 'races', owner: 'payments', until: '2020-01-01' },
      ]),
    );
    const [expired, over] = await Promise.all([
      run({ FLAKE_OUT: join(dir, 'expired.json'), FLAKE_FAIL: '1', FLAKE_QUARANTINE: quarantine }),
      run({ FLAKE_OUT: join(dir, 'over.json'), FLAKE_BUDGET: '0.005' }),
    ]);
    expect(expired.code).toBe(1);
    expect(expired.stdout + expired.stderr).toContain(
      'quarantine entry EXPIRED on 2020-01-01, no longer applied: always: the payment webhook never arrives (payments: races)',
    );
    expect((JSON.parse(readFileSync(join(dir, 'expired.json'), 'utf8')) as RunReport).totals).toMatchObject({
      failed: 1,
      quarantined: 0,
    });
    expect(over.code).toBe(1);
    expect(over.stdout + over.stderr).toContain(
      'unflake flake report: 4 of 10 tests flaky (40.00%), over the budget of 0.50%: FAILING the run',
    );
    expect(over.stdout + over.stderr).toContain(
      'unflake: flake rate 40.00% (4 of 10) exceeds the budget of 0.50%; see the flake report.',
    );
  }, 60_000);

  test('two --shard runs merge into one run with the combined rate', async () => {
    const env = (i: number) => ({ FLAKE_OUT: join(dir, `shard${i}.json`), UNFLAKE_RUN_ID: 'ci-4711' });
    const shards = await Promise.all([run(env(1), '--shard=1/2'), run(env(2), '--shard=2/2')]);
    expect(shards.map((s) => s.code)).toEqual([0, 0]);
    const reports = [1, 2].map((i) => JSON.parse(readFileSync(join(dir, `shard${i}.json`), 'utf8')) as RunReport);
    expect(reports.map((r) => r.run.shard)).toEqual([
      { index: 1, count: 2 },
      { index: 2, count: 2 },
    ]);
    // One shard ran the flaky file (4 of 4), the other the stable one (0 of 6).
    expect(reports.map((r) => r.flakeRate).sort()).toEqual([0, 1]);
    let err = '';
    const code = await main(
      [
        'flakes',
        'merge',
        join(dir, 'shard1.json'),
        join(dir, 'shard2.json'),
        '-o',
        join(dir, 'merged.json'),
        '--budget',
        '50%',
      ],
      {
        out: () => {},
        err: (t) => void (err += t),
      },
    );
    expect({ code, err }).toEqual({
      code: 0,
      err: `unflake: merged 2 reports (shards 1/2, 2/2) into run ci-4711: 4 of 10 tests flaky (40.00%), within the budget of 50.00% → ${join(dir, 'merged.json')}\n`,
    });
    expect(JSON.parse(readFileSync(join(dir, 'merged.json'), 'utf8'))).toMatchObject({
      runner: runner.name,
      run: { id: 'ci-4711', mergedShards: [{ index: 1 }, { index: 2 }] },
      totals: { tests: 10, run: 10, flaky: 4 },
      flakeRate: 0.4,
      byCategory: { timing: 1, infrastructure: 1, product: 1, unknown: 1 },
    });
  }, 60_000);
});
