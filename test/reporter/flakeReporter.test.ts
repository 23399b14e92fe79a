import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifyFailure, FlakeCollector, formatSummary, validateOptions, type FlakeReport } from '../../reporter/core.ts';
import { runner } from '../support/runner.ts';
import { jestArgs, runNode, vitestArgs } from '../helpers/childProcess.ts';

describe('classifyFailure', () => {
  test.each([
    ['expect(received).toEventuallyEqual(expected)\n\nTimed out after 1.50 s (timeout: 1500 ms): the condition never held in 14 attempts.', 'timing'],
    ["expect(received).toEventuallyBe(expected)\n\nStopped after 4.75 s, 250 ms before the test's own 5000 ms timeout", 'timing'],
    ['Error: Test timed out in 5000ms.', 'timing'],
    ['thrown: "Exceeded timeout of 5000 ms for a test.', 'timing'],
    ['Error: connect ECONNREFUSED 127.0.0.1:5432', 'infrastructure'],
    ['Error: read ECONNRESET', 'infrastructure'],
    ['Error: getaddrinfo ENOTFOUND orders', 'infrastructure'],
    ['Error: getaddrinfo EAI_AGAIN orders', 'infrastructure'],
    ['ReadinessError: waitForReady(http://orders/health) timed out after 60.0 s', 'infrastructure'],
    ['expect(received).toEventuallyEqual(expected)\n\nTimed out after 2.00 s\n\nLast error:\n  Error: connect ECONNREFUSED 10.0.0.1:80', 'infrastructure'],
    ['AssertionError: expected 41 to be 42 // Object.is equality', 'product'],
    ['Error: expect(received).toBe(expected) // Object.is equality\n\nExpected: 42\nReceived: 41', 'product'],
    ['expect(handler).toBeIdempotent(event)\n\nhandler "apply" is not idempotent', 'product'],
    ['TypeError: Cannot read properties of undefined', 'unknown'],
  ])('%s → %s', (message, category) => {
    expect(classifyFailure(message)).toBe(category);
  });
});

describe('the flake collector', () => {
  test('rate = flaky / tests run; skipped tests do not count; over budget only when strictly above', () => {
    const c = new FlakeCollector('vitest', { budget: 0.25 });
    c.record({ name: 'a', file: 'f', state: 'passed', failures: ['Error: read ECONNRESET'], attempts: 2 });
    for (const name of ['b', 'c', 'd']) c.record({ name, file: 'f', state: 'passed', failures: [], attempts: 1 });
    c.record({ name: 's', file: 'f', state: 'skipped', failures: [], attempts: 1 });
    const report = c.report();
    expect(report).toMatchObject({ totals: { run: 4, passed: 4, failed: 0, flaky: 1, skipped: 1 }, flakeRate: 0.25, overBudget: false, byCategory: { infrastructure: 1 } });
    expect(formatSummary(report, '/tmp/r.json')).toBe(
      ['unflake flake report: 1 of 4 tests flaky (25.00%), within the budget of 25.00%', '  first failures: timing 0 · infrastructure 1 · product 0 · unknown 0', '  infrastructure f > a  (passed on attempt 2)', '                 Error: read ECONNRESET', '  report: /tmp/r.json'].join('\n'),
    );
  });

  test('a retried pass without the failed attempt\'s message still counts as flaky, as unknown', () => {
    const c = new FlakeCollector('jest', {});
    c.record({ name: 'a', file: 'f', state: 'passed', failures: [], attempts: 2 });
    expect(c.report()).toMatchObject({ totals: { flaky: 1 }, flaky: [{ category: 'unknown', attempts: 2, firstFailure: expect.stringContaining('logErrorsBeforeRetry: true') }] });
  });

  test('bad options are TypeErrors', () => {
    expect(() => validateOptions('r', { budget: 5 })).toThrow(/`budget` must be a rate between 0 and 1/);
    expect(() => validateOptions('r', { budgt: 0.1 })).toThrow(/unknown option `budgt`/);
  });
});

describe(`the ${runner.name} flake reporter on a suite with deliberately flaky tests`, () => {
  const run = (env: Record<string, string>) =>
    runner.name === 'vitest' ? runNode(vitestArgs('test/reporter/fixtures/vitest.flaky.config.ts'), env) : runNode(jestArgs('test/reporter/fixtures/jest.flaky.config.js'), env);

  test('records the tests that passed on retry, classifies the first failure, and fails the run over budget', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unflake-flake-'));
    try {
      const within = await run({ FLAKE_OUT: join(dir, 'within.json'), FLAKE_BUDGET: '0.5' });
      expect({ code: within.code, output: within.code === 0 ? '' : within.stdout + within.stderr }).toEqual({ code: 0, output: '' });
      const report = JSON.parse(readFileSync(join(dir, 'within.json'), 'utf8')) as FlakeReport;
      expect(report).toMatchObject({ runner: runner.name, budget: 0.5, totals: { run: 10, passed: 10, failed: 0, flaky: 4 }, flakeRate: 0.4, overBudget: false, byCategory: { timing: 1, infrastructure: 1, product: 1, unknown: 1 } });
      expect(report.runId).toMatch(/^[a-z0-9]+$/);
      const byName = Object.fromEntries(report.flaky.map((f) => [f.name.replace(/^.*?(timing|infrastructure|product|unknown):.*$/, '$1'), f]));
      expect(byName.timing).toMatchObject({ category: 'timing', attempts: 2 });
      expect(byName.timing?.firstFailure).toMatch(/Timed out after \d+ ms \(timeout: 30 ms\): the condition never held/);
      expect(byName.infrastructure?.firstFailure).toContain('connect ECONNREFUSED 127.0.0.1:9092');
      expect(byName.product?.category).toBe('product');
      expect(byName.unknown?.firstFailure).toContain('something odd');
      expect(within.stdout + within.stderr).toContain('unflake flake report: 4 of 10 tests flaky (40.00%), within the budget of 50.00%');

      const over = await run({ FLAKE_OUT: join(dir, 'over.json'), FLAKE_BUDGET: '0.005' });
      expect(over.code).toBe(1);
      expect(over.stdout + over.stderr).toContain('unflake: flake rate 40.00% (4 of 10) exceeds the budget of 0.50%; see the flake report.');
      expect((JSON.parse(readFileSync(join(dir, 'over.json'), 'utf8')) as FlakeReport).overBudget).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
