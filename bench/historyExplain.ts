/**
 * Where the Postgres window's time goes (not a test; run by hand on Node 24):
 *   node bench/historyExplain.ts 10000 100
 * Fills an embedded Postgres like historyScale.ts, then prints EXPLAIN ANALYZE of each window query.
 */
import pg from 'pg';
import { COUNTS_SQL, LISTED_CELLS_SQL, LISTED_DETAILS_SQL, RUNS_SQL } from '../src/flakes/postgresSql.ts';
import { PostgresStore } from '../src/flakes/postgresStore.ts';
import { startPostgres } from '../test/flakes/pgServer.ts';
import { REPORT_SCHEMA, REPORT_VERSION, summarize, type TestRecord } from '../src/flakes/schema.ts';
import { attemptFailure } from '../src/flakes/evidence.ts';

const [tests = 10_000, runs = 100] = process.argv.slice(2).map(Number);
const server = await startPostgres();
const store = await PostgresStore.open(server.url);
let seed = 42;
const random = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
const now = Date.now();
for (let i = 0; i < runs; i++) {
  const records: TestRecord[] = Array.from({ length: tests }, (_, t) => {
    const r = random();
    const status = r < 0.005 ? 'flaky' : r < 0.006 ? 'failed' : 'passed';
    return {
      file: `test/m${t % 400}.test.ts`,
      name: `case ${t}`,
      status,
      ...(status === 'passed' ? {} : { failures: [attemptFailure('Error: Timed out after 1 s')] }),
    };
  });
  const at = new Date(now - 86_400_000 + i * 1000).toISOString();
  await store.append({
    schema: REPORT_SCHEMA,
    version: REPORT_VERSION,
    runner: 'vitest',
    run: { id: `r${i}`, startedAt: at, finishedAt: at, sha: `s${i >> 2}` },
    ...summarize(records),
    tests: records,
  });
}
await store.close();
const client = new pg.Client({ connectionString: server.url });
await client.connect();
await client.query('ANALYZE');
await client.query(`SET work_mem = '256MB'`);
const params = [now - 14 * 86_400_000, now, null];
const listed = (await client.query<{ listed: number[] }>(COUNTS_SQL, params)).rows[0]!.listed;
const order = (await client.query<{ id: string }>(RUNS_SQL, params)).rows.map((r) => r.id);
for (const [name, sql, p] of [
  ['runs', RUNS_SQL, params],
  ['counts', COUNTS_SQL, params],
  ['listed cells', LISTED_CELLS_SQL, [...params, listed, order]],
  ['listed details', LISTED_DETAILS_SQL, [...params, listed]],
] as const) {
  const t = performance.now();
  const plan = await client.query(`EXPLAIN (ANALYZE, BUFFERS OFF) ${sql}`, p as unknown[]);
  console.log(`--- ${name}: ${Math.round(performance.now() - t)} ms`);
  console.log(
    plan.rows
      .map((r: Record<string, string>) => r['QUERY PLAN'] ?? '')
      .filter((l) => /actual time=\d+\.\d+\.\.(\d{3,})/.test(l) || /Execution/.test(l))
      .join('\n'),
  );
}
await client.end();
await server.stop();
