/**
 * `history: 'postgres://…'` end to end: an inner Vitest or Jest run (the reporter) files into a real
 * Postgres, and `unflake flakes report --history URL` (or UNFLAKE_HISTORY) reads the window back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { main } from '../../src/cli/cli.ts';
import type { FlakeWindow } from '../../src/flakes/window.ts';
import { jestArgs, runNode, vitestArgs } from '../helpers/childProcess.ts';
import { runner } from '../support/runner.ts';
import { startPostgres, type TestPostgres } from './pgServer.ts';

let server: TestPostgres;
let dir = '';
beforeAll(async () => {
  server = await startPostgres();
  dir = mkdtempSync(join(tmpdir(), 'unflake-pg-reporter-'));
}, 60_000);
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await server?.stop();
});

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

const inner = (env: Record<string, string>) =>
  runner.name === 'vitest'
    ? runNode(vitestArgs('test/reporter/fixtures/vitest.flaky.config.ts'), env)
    : runNode(jestArgs('test/reporter/fixtures/jest.flaky.config.js'), env);

describe(`the ${runner.name} reporter with a Postgres history`, () => {
  test('two runs on one commit file into Postgres; the CLI reads the window from it (--history and UNFLAKE_HISTORY)', async () => {
    for (const id of ['pipeline-1', 'pipeline-2']) {
      const r = await inner({
        FLAKE_OUT: join(dir, `${id}.json`),
        FLAKE_HISTORY: server.url,
        UNFLAKE_RUN_ID: id,
        UNFLAKE_GIT_SHA: 'c0ffee',
        UNFLAKE_BRANCH: 'main',
      });
      expect(r.stdout + r.stderr).toMatch(
        /history: postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres \(run pipeline-\d\)/,
      );
    }
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    const shards = await client.query(`SELECT run_id, sha, branch FROM unflake_shards ORDER BY run_id`);
    await client.end();
    expect(shards.rows).toEqual([
      { run_id: 'pipeline-1', sha: 'c0ffee', branch: 'main' },
      { run_id: 'pipeline-2', sha: 'c0ffee', branch: 'main' },
    ]);
    const read = await cli('flakes', 'report', '--history', server.url, '--branch', 'main', '--json');
    expect(read.code).toBe(0);
    const window = JSON.parse(read.out) as FlakeWindow;
    expect(window.runs.map((r) => r.id)).toEqual(['pipeline-1', 'pipeline-2']);
    expect(window.totals.flaky).toBeGreaterThan(0);
    const before = process.env.UNFLAKE_HISTORY;
    process.env.UNFLAKE_HISTORY = server.url;
    try {
      const viaEnv = await cli('flakes', 'report', '--branch', 'main', '--json');
      expect(JSON.parse(viaEnv.out)).toEqual({ ...window, to: expect.any(String), from: expect.any(String) });
    } finally {
      if (before === undefined) delete process.env.UNFLAKE_HISTORY;
      else process.env.UNFLAKE_HISTORY = before;
    }
  }, 120_000);

  test('a database that refuses us is a usage error at once (not retried), without the password', async () => {
    const r = await cli('flakes', 'report', '--history', `postgres://me:secret@127.0.0.1:${server.port}/nope`);
    expect(r.code).toBe(2);
    expect(r.err).toContain('cannot open the history database');
    expect(r.err).toContain('role "me" does not exist');
    expect(r.err).not.toContain('secret');
  });

  test('report files given by name with a Postgres history: a usage error saying how to file them first', async () => {
    const file = join(dir, 'pipeline-1.json');
    const r = await cli('flakes', 'report', file, '--history', server.url);
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      'cannot be counted with a postgres history: file them first (unflake flakes merge FILES --history URL)',
    );
    expect((await cli('flakes', 'merge', file, '--history', server.url, '-o', join(dir, 'merged.json'))).code).toBe(0);
  });
});
