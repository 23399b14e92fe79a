/**
 * The Postgres history's aggregates against a recount from its raw results (the oracle): what the
 * window reads must be exactly what the filed shards hold, whatever appended, pruned or was killed.
 */
import pg from 'pg';

const KEPT = {
  runs: `SELECT run_id, code::int AS code, n FROM unflake_run_counts WHERE n <> 0 ORDER BY run_id, code`,
  days: `SELECT day, branch, test FROM unflake_test_days ORDER BY day, branch, test`,
};
const RECOUNTED = {
  runs: `SELECT run_id, code, count(*)::int AS n FROM (
           SELECT s.run_id, r.test, max(r.code)::int AS code FROM unflake_shards s JOIN unflake_results r ON r.shard_pk = s.pk
           GROUP BY s.run_id, r.test) c GROUP BY run_id, code ORDER BY run_id, code`,
  // Per branch (E'\x01': none) and on any branch (E'\x02').
  days: `SELECT DISTINCT (s.finished_ms / 86400000)::int AS day, b.branch, r.test
         FROM unflake_shards s JOIN unflake_results r ON r.shard_pk = s.pk
         CROSS JOIN unnest(ARRAY[coalesce(s.branch, E'\\x01'), E'\\x02']) AS b(branch)
         WHERE r.code >= 16 ORDER BY 1, 2, 3`,
};

/** The aggregates as kept and as recounted from the results (equal when the store is right). */
export async function aggregates(url: string): Promise<{ kept: unknown; recounted: unknown }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const read = async (q: typeof KEPT) => ({
      runs: (await client.query(q.runs)).rows,
      days: (await client.query(q.days)).rows,
    });
    return { kept: await read(KEPT), recounted: await read(RECOUNTED) };
  } finally {
    await client.end();
  }
}
