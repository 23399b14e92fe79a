/**
 * `unflake/reporter` as a Playwright Test reporter (its Reporter API): an inner Playwright run (no
 * browser) with a test that passes on its retry, one that always fails, and a quarantine; and the same
 * spec in two projects, which is two tests everywhere.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { FolderStore } from '../../src/flakes/folderStore.ts';
import type { RunReport } from '../../src/flakes/schema.ts';
import { runNode } from '../helpers/childProcess.ts';

const CLI = 'node_modules/@playwright/test/cli.js';
const CONFIG = 'test/reporter/fixtures/playwright/playwright.flaky.config.ts';
const PROJECTS = 'test/reporter/fixtures/playwright/playwright.projects.config.ts';
const FILE = 'test/reporter/fixtures/playwright/flaky.spec.ts';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'unflake-pw-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the Playwright flake reporter', () => {
  test('records flaky (passed on the retry) and failed tests with their evidence, files history and JUnit; a failure fails the run', async () => {
    const r = await runNode([CLI, 'test', '--config', CONFIG], {
      FLAKE_FAIL: '1',
      FLAKE_OUT: join(dir, 'r.json'),
      FLAKE_HISTORY: join(dir, 'h'),
      FLAKE_JUNIT: join(dir, 'j.xml'),
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('unflake flake report: 1 of 3 tests flaky (33.33%)');
    const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as RunReport;
    expect(report).toMatchObject({
      runner: 'playwright',
      totals: { tests: 3, run: 3, passed: 1, failed: 1, flaky: 1 },
    });
    expect(report.tests.find((t) => t.name === 'checkout > passes on the retry')).toMatchObject({
      file: FILE,
      status: 'flaky',
      attempts: 2,
      failures: [{ category: 'infrastructure', stack: expect.stringContaining('flaky.spec.ts:7') }],
    });
    const junit = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      isArray: (n) => n === 'testcase',
    }).parse(readFileSync(join(dir, 'j.xml'), 'utf8'));
    // Playwright's own JUnit reporter: classname = the file, name = the titles joined with ' › '.
    expect(junit.testsuites.testsuite.testcase.map((c: Record<string, string>) => [c.classname, c.name])).toEqual([
      [FILE, 'always fails'],
      [FILE, 'checkout › passes on the retry'],
      [FILE, 'checkout › stable'],
    ]);
  }, 90_000);

  test('when the only failure is quarantined, the run passes (onEnd sets the status)', async () => {
    const quarantine = join(dir, 'q.json');
    writeFileSync(
      quarantine,
      JSON.stringify([{ test: `${FILE} > always fails`, reason: 'known', owner: 'qa', until: '2999-01-01' }]),
    );
    const r = await runNode([CLI, 'test', '--config', CONFIG], {
      FLAKE_FAIL: '1',
      FLAKE_OUT: join(dir, 'r.json'),
      FLAKE_QUARANTINE: quarantine,
    });
    expect({ code: r.code, tail: r.code === 0 ? '' : r.stdout.slice(-1500) }).toEqual({ code: 0, tail: '' });
    expect(r.stdout).toContain("the run's only failures are quarantined tests (1): status passed.");
  }, 90_000);

  test('the same test in two projects is two tests: report, history window, JUnit; a quarantine entry without a project covers both', async () => {
    const quarantine = join(dir, 'q.json');
    writeFileSync(
      quarantine,
      JSON.stringify([
        { test: `${FILE} > always fails`, reason: 'known', owner: 'qa', until: '2999-01-01' },
        { test: `${FILE} > [mobile] checkout > stable`, reason: 'mobile only', owner: 'qa', until: '2999-01-01' },
      ]),
    );
    const history = join(dir, 'h');
    const r = await runNode([CLI, 'test', '--config', PROJECTS], {
      FLAKE_FAIL: '1',
      FLAKE_OUT: join(dir, 'r.json'),
      FLAKE_HISTORY: history,
      FLAKE_QUARANTINE: quarantine,
      FLAKE_JUNIT: join(dir, 'j.xml'),
    });
    expect({ code: r.code, tail: r.code === 0 ? '' : r.stdout.slice(-1500) }).toEqual({ code: 0, tail: '' });
    const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as RunReport;
    // Playwright's JUnit reporter with includeProjectInTestName: "[project] " before the titles.
    const names = report.tests.map((t) => [t.name, t.status, t.quarantined?.reason]).sort();
    expect(names).toEqual([
      ['[desktop] always fails', 'failed', 'known'],
      ['[desktop] checkout > passes on the retry', 'flaky', undefined],
      ['[desktop] checkout > stable', 'passed', undefined],
      ['[mobile] always fails', 'failed', 'known'],
      ['[mobile] checkout > passes on the retry', 'flaky', undefined],
      ['[mobile] checkout > stable', 'passed', 'mobile only'],
    ]);
    expect(report.totals).toMatchObject({ tests: 6, flaky: 2, quarantined: 3 });
    const { window } = await new FolderStore(history).window({ since: Date.now() - 3_600_000 });
    const flaky = window.tests.filter((t) => t.flaky).map((t) => t.id);
    expect(flaky.sort()).toEqual([
      `${FILE} > [desktop] checkout > passes on the retry`,
      `${FILE} > [mobile] checkout > passes on the retry`,
    ]);
    const junit = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      isArray: (n) => n === 'testcase',
    }).parse(readFileSync(join(dir, 'j.xml'), 'utf8'));
    expect(junit.testsuites.testsuite.testcase.map((c: Record<string, string>) => c.name).sort()).toEqual([
      '[desktop] always fails',
      '[desktop] checkout › passes on the retry',
      '[desktop] checkout › stable',
      '[mobile] always fails',
      '[mobile] checkout › passes on the retry',
      '[mobile] checkout › stable',
    ]);
  }, 120_000);
});
