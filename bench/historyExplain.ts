/**
 * Where the Postgres window's time goes (not a test; run by hand on Node 24):
 *   node bench/historyExplain.ts 10000 100 [since-days]
 * Bulk-loads an embedded Postgres as historyScale.ts does (PG_KEEP=dir reuses a loaded one, with the
 * same BENCH_NOW), then computes the window (the last 14 days, or `since-days`) with every query the
 * store sends run first under EXPLAIN ANALYZE: its time and its slow plan nodes.
 */
import pg from 'pg';
import type { PoolClient } from 'pg';
import { readWindow } from '../src/flakes/postgresWindow.ts';
import { PostgresStore } from '../src/flakes/postgresStore.ts';
import { startPostgres } from '../test/flakes/pgServer.ts';
import { bulkLoad } from './historyLoad.ts';

const [tests = 10_000, runs = 100, sinceDays = 14] = process.argv.slice(2).map(Number);
const now = Number(process.env.BENCH_NOW ?? Date.now());
const keep = process.env.PG_KEEP;
const server = await startPostgres(keep ? { dataDir: keep } : {});
await (await PostgresStore.open(server.url)).close();
const client = new pg.Client({ connectionString: server.url });
await client.connect();
const loaded = Number((await client.query('SELECT count(*) AS n FROM unflake_shards')).rows[0].n);
if (loaded < runs) await bulkLoad(server.url, { from: loaded, to: runs, runs, tests, now, uniform: false });

const explained = {
  query: async (sql: string, params: unknown[]) => {
    const t = performance.now();
    const plan = await client.query(`EXPLAIN (ANALYZE, BUFFERS OFF) ${sql}`, params);
    const lines = plan.rows.map((r: Record<string, string>) => r['QUERY PLAN'] ?? '');
    console.log(`--- ${Math.round(performance.now() - t)} ms: ${sql.trim().split('\n')[0]!.slice(0, 110)}`);
    console.log(lines.filter((l) => /actual time=\d+\.\d+\.\.(\d{3,})/.test(l) || /Execution/.test(l)).join('\n'));
    return client.query(sql, params);
  },
} as unknown as PoolClient;
const t = performance.now();
const { runs: windowRuns, listed } = await readWindow(explained, now - sinceDays * 86_400_000, now, null);
console.log(
  `window: ${windowRuns.length} runs, ${listed.size} listed, ${Math.round(performance.now() - t)} ms (twice each query)`,
);
await client.end();
await server.stop();
