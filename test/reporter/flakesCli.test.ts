import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import type { FlakeWindow } from '../../src/flakes/window.ts';
import type { RunReport } from '../../src/flakes/schema.ts';
import { DAY, DISCOUNT, fixtureRun, suite, tenRuns, writeRuns } from './fixtures/history.ts';
import { runCli, type CliResult } from '../support/runCli.ts';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'unflake-flakes-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]): Promise<CliResult> => runCli(args);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => ['testsuite', 'testcase', 'flakyFailure', 'rerunFailure', 'property'].includes(name),
});

describe('unflake flakes report over a fixture history', () => {
  test('a test flaky in 3 of 10 recorded runs is listed with its rate, first and last seen, and its trace', async () => {
    const history = join(dir, 'history');
    writeRuns(history, tenRuns(Date.now()));
    const r = await cli('flakes', 'report', '--history', history, '--budget', '2%');
    expect(r).toMatchObject({ code: 0, err: '' });
    // 4 flaky test runs (3 + 1) of 200: 2.00%, which is not over a budget of 2%.
    expect(r.out).toContain('4 of 200 test runs flaky (2.00%) in 10 runs, within the budget of 2.00%');
    expect(r.out).toMatch(
      new RegExp(
        `30\\.00%  timing\\s+${DISCOUNT}\\n\\s+flaky in 3 of 10 runs · first seen \\d{4}-\\d\\d-\\d\\d, last seen \\d{4}-\\d\\d-\\d\\d \\(flaky for 8 days\\)`,
      ),
    );
    expect(r.out).toContain(
      `Timed out after 1.50 s (timeout: 1500 ms): the condition never held in 14 attempts. · trace trace${'0'.repeat(26)}9`,
    );
    expect(r.out).toContain('first failures: timing 3 · infrastructure 1 · product 0 · unknown 0');

    const json = await cli('flakes', 'report', '--history', history, '--json');
    const stats = JSON.parse(json.out) as FlakeWindow;
    const discount = stats.tests.find((t) => t.id === DISCOUNT)!;
    expect(discount).toMatchObject({
      runs: 10,
      flaky: 3,
      rate: 0.3,
      category: 'timing',
      outcomes: ['passed', 'flaky', 'passed', 'passed', 'flaky', 'passed', 'passed', 'passed', 'flaky', 'passed'],
    });
    expect(discount.evidence?.fingerprint).toEqual({
      trace: `trace${'0'.repeat(26)}9`,
      worker: 'vitest 2',
      namespace: 't-run-w2',
      seed: '42',
      sha: 'abc1234',
    });
    expect(stats).toMatchObject({ totals: { runs: 10, testRuns: 200, flaky: 4, failed: 1 }, stableTests: 17 });
  });

  test('exit 1 over the budget, and over the per-test budget, with the reason on stderr', async () => {
    const history = join(dir, 'history');
    writeRuns(history, tenRuns(Date.now()));
    const over = await cli('flakes', 'report', '--history', history, '--budget', '0.5%');
    expect(over.code).toBe(1);
    expect(over.out).toContain('OVER the budget of 0.50%');
    expect(over.err).toBe('unflake: flake rate 2.00% exceeds the budget of 0.50%.\n');
    const perTest = await cli('flakes', 'report', '--history', history, '--per-test-budget', '20%');
    expect(perTest.code).toBe(1);
    expect(perTest.err).toBe('unflake: 1 test over the per-test budget of 20.00%.\n');
    expect(perTest.out).toContain('OVER the per-test budget');
  });

  test('--window narrows the window: the runs before it no longer count', async () => {
    const history = join(dir, 'history');
    writeRuns(history, tenRuns(Date.now()));
    const stats = JSON.parse(
      (await cli('flakes', 'report', '--history', history, '--window', '3d', '--json')).out,
    ) as FlakeWindow;
    // Runs 8, 9 and 10 are within 3 days: the discount test was flaky in run 9 only.
    expect(stats.totals.runs).toBe(3);
    expect(stats.tests.find((t) => t.id === DISCOUNT)).toMatchObject({ runs: 3, flaky: 1 });
  });

  test('an unreadable history file is reported and skipped, not fatal', async () => {
    const history = join(dir, 'history');
    writeRuns(history, tenRuns(Date.now()).slice(0, 2));
    writeFileSync(join(history, '20200101T000000Z-broken.json'), '{"schema":"unflake-run-report"');
    const r = await cli('flakes', 'report', '--history', history);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^unflake: skipped an unreadable history file: .*20200101T000000Z-broken\.json: not JSON/);
    expect(r.out).toContain('in 2 runs');
  });

  test('bad usage exits 2 with the message and the flakes usage', async () => {
    for (const [args, message] of [
      [['flakes'], 'flakes needs a command'],
      [['flakes', 'purge'], 'unknown flakes command "purge"'],
      [['flakes', 'report', '--budget', 'lots'], '--budget must be a rate such as 0.5% or 0.005, got "lots"'],
      [
        ['flakes', 'report', '--window', 'fortnight'],
        '--window must be a duration such as 1500ms, 90s, 2m, 36h, 14d or 2w',
      ],
      [['flakes', 'report', '--bogus'], "Unknown option '--bogus'"],
      [['flakes', 'report', '--budjet', '1%'], "Unknown option '--budjet'. Did you mean --budget?"],
      [['flakes', 'report', '--history', join(dir, 'none')], `no run reports found in ${join(dir, 'none')}`],
      [['flakes', 'merge'], "merge needs the shards' report files or folders"],
    ] as const) {
      const r = await cli(...args);
      expect({ args, code: r.code, head: r.err.split('\n')[0] }).toEqual({
        args,
        code: 2,
        head: expect.stringContaining(message),
      });
      expect(r.err).toContain('Usage: unflake flakes <merge|report|quarantine>');
    }
  });
});

describe('unflake flakes merge', () => {
  const shard = (index: number, names: string[], flaky: string[]): RunReport =>
    fixtureRun(
      `job-${index}`,
      Date.now() - index * 1000,
      names.map((name) => ({
        file: `test/${name}.test.ts`,
        name,
        status: flaky.includes(name) ? 'flaky' : 'passed',
        failure: 'Error: read ECONNRESET',
      })),
      { shard: { index, count: 2 }, sha: 'c0ffee' },
    );

  test('two shard reports merge into one run with the combined rate; the budget is judged on the whole', async () => {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    writeFileSync(a, JSON.stringify(shard(1, ['a1', 'a2', 'a3', 'a4'], ['a1', 'a2'])));
    writeFileSync(b, JSON.stringify(shard(2, ['b1', 'b2', 'b3', 'b4', 'b5', 'b6'], [])));
    const out = join(dir, 'merged.json');
    const r = await cli('flakes', 'merge', a, b, '-o', out, '--budget', '25%');
    // Shard 1 alone: 50% (over 25%); shard 2 alone: 0%; the whole run: 2 of 10 = 20%, within.
    expect(r).toMatchObject({ code: 0, out: '' });
    expect(r.err).toMatch(
      /^unflake: merged 2 reports \(shards 1\/2, 2\/2\) into run merged-[0-9a-f]{10}: 2 of 10 tests flaky \(20\.00%\), within the budget of 25\.00% → /,
    );
    const merged = JSON.parse(readFileSync(out, 'utf8')) as RunReport;
    expect(merged).toMatchObject({
      totals: { tests: 10, run: 10, flaky: 2 },
      flakeRate: 0.2,
      run: {
        mergedShards: [
          { index: 1, count: 2 },
          { index: 2, count: 2 },
        ],
        sha: 'c0ffee',
      },
    });
    expect((await cli('flakes', 'merge', a, b, '--budget', '10%')).code).toBe(1);
  });

  test('a missing shard and different commits are said', async () => {
    const a = join(dir, 'a.json');
    writeFileSync(a, JSON.stringify(shard(1, ['a1'], [])));
    const r = await cli('flakes', 'merge', a, '-o', join(dir, 'm.json'));
    expect(r.err).toContain('unflake: shard 2/2 missing: the rate covers part of the suite.');
    const folder = join(dir, 'shards');
    mkdirSync(folder);
    writeFileSync(join(folder, '1.json'), JSON.stringify(shard(1, ['a1'], [])));
    writeFileSync(
      join(folder, '2.json'),
      JSON.stringify({ ...shard(2, ['b1'], []), run: { ...shard(2, [], []).run, sha: 'other' } }),
    );
    expect((await cli('flakes', 'merge', folder)).err).toContain(
      'the reports come from different commits (c0ffee, other).',
    );
  });
});

describe('unflake flakes quarantine', () => {
  test('--suggest proposes the tests flaky in the window that no active entry covers; --write adds them', async () => {
    const history = join(dir, 'history');
    writeRuns(history, tenRuns(Date.now()));
    const file = join(dir, 'quarantine.json');
    writeFileSync(
      file,
      JSON.stringify([
        { test: 'test/orders.test.ts > case 3', reason: 'db pool', owner: 'orders', until: '2999-01-01' },
      ]),
    );
    const r = await cli(
      'flakes',
      'quarantine',
      '--suggest',
      '--history',
      history,
      '--quarantine',
      file,
      '--owner',
      'checkout-team',
      '--min-flaky',
      '1',
    );
    expect(r.code).toBe(0);
    const suggested = JSON.parse(r.out) as { test: string; reason: string; owner: string; until: string }[];
    expect(suggested).toHaveLength(1);
    expect(suggested[0]).toMatchObject({
      test: DISCOUNT,
      owner: 'checkout-team',
      until: new Date(Date.now() + 14 * DAY).toISOString().slice(0, 10),
    });
    expect(suggested[0]!.reason).toMatch(
      /^flaky in 3 of 10 runs \(30\.00%\) since \d{4}-\d\d-\d\d; latest first failure \(timing\): Error: expect\(received\)\.toEventuallyEqual\(expected\) — Timed out after 1\.50 s \(timeout: 1500 ms\): the condition never held in 14 attempts\. \(trace trace0+9\)$/,
    );
    await cli(
      'flakes',
      'quarantine',
      '--suggest',
      '--write',
      '--history',
      history,
      '--quarantine',
      file,
      '--min-flaky',
      '1',
    );
    expect((JSON.parse(readFileSync(file, 'utf8')) as { test: string }[]).map((e) => e.test)).toEqual([
      'test/orders.test.ts > case 3',
      DISCOUNT,
    ]);
    expect(readdirSync(dir).filter((n) => n.includes('.tmp'))).toEqual([]);
    const listed = await cli('flakes', 'quarantine', '--quarantine', file);
    expect(listed.out).toMatch(
      /^unflake quarantine .*quarantine\.json: 2 active entries, 0 expired\n {2}active {2}until 2999-01-01 {2}test\/orders\.test\.ts > case 3 {2}\(orders: db pool\)/,
    );
  });

  test('by default a test needs 2 flaky runs to be suggested; a bad quarantine file is a usage error naming the entry', async () => {
    const history = join(dir, 'history');
    writeRuns(history, tenRuns(Date.now()));
    const r = await cli(
      'flakes',
      'quarantine',
      '--suggest',
      '--history',
      history,
      '--quarantine',
      join(dir, 'none.json').replace('none', 'missing'),
    );
    expect(r.code).toBe(2);
    expect(r.err).toContain('missing.json does not exist');
    const none = await cli('flakes', 'quarantine', '--suggest', '--history', history);
    expect((JSON.parse(none.out) as { test: string }[]).map((e) => e.test)).toEqual([DISCOUNT]);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([{ test: 'x', reason: 'y', owner: 'z', until: 'soon' }]));
    const b = await cli('flakes', 'quarantine', '--quarantine', bad);
    expect(b.code).toBe(2);
    expect(b.err).toContain('entry 1: `until` must be a date such as 2026-01-31, got "soon".');
  });
});

describe('JUnit XML from the CLI', () => {
  test('parses, and carries the flaky test as <flakyFailure> with its trace, the failed one as <failure>', async () => {
    const history = join(dir, 'history');
    const runs = tenRuns(Date.now());
    writeRuns(history, runs);
    const run9 = join(dir, 'run9.json');
    writeFileSync(run9, JSON.stringify(runs[8]));
    const xml = join(dir, 'junit.xml');
    expect((await cli('flakes', 'report', run9, '--junit', xml)).code).toBe(0);
    const doc = parser.parse(readFileSync(xml, 'utf8'));
    expect(doc.testsuites).toMatchObject({ tests: '20', failures: '0', skipped: '0' });
    const cases = (doc.testsuites.testsuite as { name: string; testcase: Record<string, unknown>[] }[]).flatMap(
      (s) => s.testcase,
    );
    const discount = cases.find((c) => c.name === 'checkout > applies the discount') as {
      classname: string;
      flakyFailure: { message: string; type: string; stackTrace: string }[];
      properties: { property: { name: string; value: string }[] };
    };
    expect(discount.classname).toBe('test/checkout.test.ts');
    expect(discount.flakyFailure).toHaveLength(1);
    expect(discount.flakyFailure[0]).toMatchObject({
      message:
        'Error: expect(received).toEventuallyEqual(expected) — Timed out after 1.50 s (timeout: 1500 ms): the condition never held in 14 attempts.',
      type: 'Error',
    });
    expect(discount.flakyFailure[0]!.stackTrace).toContain(`Run: trace trace${'0'.repeat(26)}9 · worker vitest 2`);
    expect(discount.properties.property).toContainEqual({ name: 'unflake.trace', value: `trace${'0'.repeat(26)}9` });

    // The newest run when no file is given: run 10, with its failed test.
    await cli('flakes', 'report', '--history', history, '--junit', xml);
    const last = parser.parse(readFileSync(xml, 'utf8'));
    expect(last.testsuites).toMatchObject({ tests: '20', failures: '1' });
    const failed = (last.testsuites.testsuite as { testcase: { name: string; failure?: { message: string } }[] }[])
      .flatMap((s) => s.testcase)
      .find((c) => c.failure);
    expect(failed).toMatchObject({ name: 'case 12', failure: { message: 'AssertionError: expected 41 to be 42' } });
  });

  test('names and messages with markup, quotes and control characters stay well-formed; a quarantined failure is a <failure> (or <skipped> on request)', async () => {
    const odd = 'renders <b>"Tom & Jerry\'s"</b>\u0007 > ok';
    const run = fixtureRun('odd', Date.now(), [
      {
        file: 'test/<odd>.ts',
        name: odd,
        status: 'flaky',
        failure: 'Error: expected "<a>" & \u001b[31mred\u001b[39m\u0000',
      },
      {
        file: 'test/q.ts',
        name: 'quarantined',
        status: 'failed',
        failure: 'Error: nope',
        quarantined: { reason: 'flaky <db>', owner: 'ops', until: '2999-01-01' },
      },
    ]);
    const file = join(dir, 'odd.json');
    writeFileSync(file, JSON.stringify(run));
    const xml = join(dir, 'odd.xml');
    await cli('flakes', 'report', file, '--junit', xml);
    const doc = parser.parse(readFileSync(xml, 'utf8'));
    const cases = (doc.testsuites.testsuite as { testcase: Record<string, any>[] }[]).flatMap((s) => s.testcase);
    expect(cases.find((c) => c.classname === 'test/<odd>.ts')).toMatchObject({
      name: 'renders <b>"Tom & Jerry\'s"</b>\uFFFD > ok',
      flakyFailure: [{ message: 'Error: expected "<a>" & red\uFFFD' }],
    });
    const quarantined = cases.find((c) => c.name === 'quarantined')!;
    expect(quarantined).toMatchObject({ file: 'test/q.ts', failure: { message: 'Error: nope' } });
    expect(quarantined.properties.property).toContainEqual({
      name: 'quarantined',
      value: 'until 2999-01-01 (ops): flaky <db>',
    });
    expect(doc.testsuites).toMatchObject({ failures: '1', skipped: '0' });
    await cli('flakes', 'report', file, '--junit', xml, '--junit-quarantined', 'skipped');
    const skipped = parser.parse(readFileSync(xml, 'utf8'));
    const asSkipped = (skipped.testsuites.testsuite as { testcase: Record<string, any>[] }[])
      .flatMap((s) => s.testcase)
      .find((c) => c.name === 'quarantined')!;
    expect(asSkipped.skipped).toMatchObject({
      message: 'quarantined until 2999-01-01 (ops: flaky <db>); failed: Error: nope',
    });
    expect(skipped.testsuites).toMatchObject({ failures: '0', skipped: '1' });
  });
});

describe('the history folder', () => {
  test('one file per run, written atomically (no temporary file left), pruned by age', async () => {
    const { pruneHistory, readHistory } = await import('../../src/flakes/history.ts');
    const history = join(dir, 'history');
    const now = Date.now();
    const paths = writeRuns(history, [...tenRuns(now), ...tenRuns(now)]);
    // Twenty writes, many in the same second and with the same run ids: twenty distinct files.
    expect(new Set(paths).size).toBe(20);
    expect(readdirSync(history).filter((n) => n.startsWith('.'))).toEqual([]);
    expect(readHistory(history)).toMatchObject({ reports: expect.any(Array), unreadable: [] });
    expect(pruneHistory(history, now - 5 * DAY)).toBe(10); // runs 1-5 of both sets finished more than 5 days ago
    expect(
      readHistory(history)
        .reports.map((r) => r.run.id)
        .sort(),
    ).toEqual(['run10', 'run10', 'run6', 'run6', 'run7', 'run7', 'run8', 'run8', 'run9', 'run9']);
  });

  test('the shards of one run id in the history count as one run', async () => {
    const history = join(dir, 'history');
    const now = Date.now();
    writeRuns(history, [
      fixtureRun('r1', now - 1000, suite().slice(0, 10), { shard: { index: 1, count: 2 } }),
      fixtureRun('r1', now, suite().slice(10), { shard: { index: 2, count: 2 } }),
    ]);
    const stats = JSON.parse((await cli('flakes', 'report', '--history', history, '--json')).out) as FlakeWindow;
    expect(stats.totals).toMatchObject({ runs: 1, testRuns: 20 });
  });
});
