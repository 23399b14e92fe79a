import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentWorker, runId, workerNamespace } from '../../src/helpers/workerNamespace.ts';
import { runner } from '../support/runner.ts';
import { jestArgs, runNode, vitestArgs } from './childProcess.ts';

const SAFE = /^[a-z][a-z0-9-]*$/;

describe('workerNamespace', () => {
  test('is [a-z0-9-], starts with a letter, at most 40 characters, and stable within the worker', () => {
    const ns = workerNamespace('orders');
    expect(ns.id).toMatch(SAFE);
    expect(ns.id.length).toBeLessThanOrEqual(40);
    expect(ns.id).toBe(`orders-${runId()}-w${currentWorker().index}`);
    expect(workerNamespace('orders').id).toBe(ns.id);
    expect(String(ns)).toBe(ns.id);
    expect(ns.worker.source).toBe(runner.name);
  });

  test('sanitises any prefix: lower case, other characters become "-", a leading digit gets a letter, long ones are cut', () => {
    expect(workerNamespace('My_Service.v2').id).toMatch(/^my-service-v2-[a-z0-9]+-w\d+$/);
    expect(workerNamespace('42').id).toMatch(/^t-42-/);
    expect(workerNamespace('').id).toMatch(/^t-/);
    const long = workerNamespace('x'.repeat(100));
    expect(long.id.length).toBeLessThanOrEqual(40);
    expect(long.id).toMatch(new RegExp(`^x+-${runId()}-w\\d+$`));
  });

  test('name() and sqlName()', () => {
    const ns = workerNamespace('it');
    expect(ns.name('Order Events')).toBe(`${ns.id}-order-events`);
    expect(ns.sqlName()).toBe(ns.id.replace(/-/g, '_'));
    expect(ns.sqlName('read model')).toBe(`${ns.id}-read-model`.replace(/-/g, '_'));
    expect(() => ns.name('%%%')).toThrow(/`suffix` must be a non-empty string with at least one letter or digit/);
    expect(() => ns.name('y'.repeat(60))).toThrow(/names are at most 63/);
    expect(() => workerNamespace(3 as never)).toThrow(TypeError);
  });

  test('UNFLAKE_RUN_ID from the environment wins (sanitised)', () => {
    const saved = process.env.UNFLAKE_RUN_ID;
    try {
      process.env.UNFLAKE_RUN_ID = 'Pipeline#4711';
      expect(workerNamespace('it').id).toBe(`it-pipeline-4711-w${currentWorker().index}`);
    } finally {
      process.env.UNFLAKE_RUN_ID = saved;
    }
  });
});

describe(`workerNamespace across parallel ${runner.name} workers`, () => {
  test('distinct across workers, the same in every file of one worker, one run id for the run', async () => {
    const out = mkdtempSync(join(tmpdir(), 'unflake-ns-'));
    try {
      const { code, stdout, stderr } =
        runner.name === 'vitest'
          ? await runNode(vitestArgs('test/helpers/fixtures/vitest.ns.config.ts'), { NS_OUT: out })
          : await runNode(jestArgs('test/helpers/fixtures/jest.ns.config.js'), { NS_OUT: out });
      expect({ code, output: code === 0 ? '' : stdout + stderr }).toEqual({ code: 0, output: '' });
      const records = readdirSync(out)
        .filter((f) => /^[a-d]\.json$/.test(f))
        .map(
          (f) =>
            JSON.parse(readFileSync(join(out, f), 'utf8')) as {
              file: string;
              id: string;
              again: string;
              runId: string;
              worker: { source: string; index: number };
              pid: number;
            },
        );
      expect(records.map((r) => r.file).sort()).toEqual(['a', 'b', 'c', 'd']);
      const byWorker = new Map<number, Set<string>>();
      for (const r of records) {
        expect(r.id).toMatch(SAFE);
        expect(r.again).toBe(r.id);
        expect(r.worker.source).toBe(runner.name);
        byWorker.set(r.worker.index, (byWorker.get(r.worker.index) ?? new Set()).add(r.id));
      }
      expect(byWorker.size).toBe(2); // two workers really ran
      for (const ids of byWorker.values()) expect(ids.size).toBe(1); // stable within a worker, across its files
      const ids = [...byWorker.values()].map((s) => [...s][0]);
      expect(new Set(ids).size).toBe(2); // distinct across workers
      // The reporter created the run id in the main process before the workers started; they inherited it.
      expect(new Set(records.map((r) => r.runId)).size).toBe(1);
      expect(JSON.parse(readFileSync(join(out, 'flake-report.json'), 'utf8')).run.id).toBe(records[0]!.runId);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 90_000);
});
