/**
 * The Postgres history's tables and queries. A shard row per (run id, shard), unique, so appending one
 * twice is a no-op; a result row per test of it, one byte-like `code` per result (windowFold.ts's cell
 * code). The window's counts are computed here, in SQL, by the rules windowFinish.ts applies in JS.
 * Strings compare with COLLATE "C" (code points), as JavaScript compares them.
 */

export const SCHEMA_VERSION = 1;

/** Each migration takes the schema from its index to the next version. */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS unflake_shards (
     pk bigserial PRIMARY KEY,
     run_id text COLLATE "C" NOT NULL,
     shard text COLLATE "C" NOT NULL,
     finished_at text COLLATE "C" NOT NULL,
     finished_ms bigint NOT NULL,
     started_at text NOT NULL,
     sha text COLLATE "C",
     branch text COLLATE "C",
     job text,
     runner text NOT NULL,
     UNIQUE (run_id, shard));
   CREATE INDEX IF NOT EXISTS unflake_shards_finished ON unflake_shards (finished_ms);
   CREATE TABLE IF NOT EXISTS unflake_tests (id serial PRIMARY KEY, test_id text COLLATE "C" NOT NULL UNIQUE, file text NOT NULL, name text NOT NULL);
   CREATE TABLE IF NOT EXISTS unflake_results (
     shard_pk bigint NOT NULL REFERENCES unflake_shards ON DELETE CASCADE,
     test integer NOT NULL,
     code smallint NOT NULL,
     quarantined jsonb,
     failure jsonb,
     PRIMARY KEY (shard_pk, test));
   CREATE INDEX IF NOT EXISTS unflake_results_test ON unflake_results (test);`,
];

/** The shards a window reads: $1 from, $2 to (ms), $3 branch or null. */
const WINDOW_SHARDS = `SELECT pk, run_id, shard, finished_at, sha FROM unflake_shards WHERE finished_ms BETWEEN $1 AND $2 AND ($3::text IS NULL OR branch = $3)`;

/** Cells (run, test, worst code), each with its run's commit and whether it failed on a commit where another run passed. */
const CELLS = `
  w AS (${WINDOW_SHARDS}),
  runs AS (SELECT run_id, CASE WHEN count(DISTINCT coalesce(sha, E'\\x01')) = 1 THEN max(sha) END AS sha FROM w GROUP BY run_id),
  cells AS (SELECT w.run_id, r.test, max(r.code) AS code FROM unflake_results r JOIN w ON r.shard_pk = w.pk GROUP BY w.run_id, r.test),
  c AS (SELECT cells.run_id, cells.test, cells.code, cells.code >> 3 AS st, (cells.code & 4) <> 0 AS q, cells.code & 3 AS cat, runs.sha
        FROM cells JOIN runs USING (run_id)),
  -- A window over (test, commit), not a join: it stays one sort however many cells there are.
  x AS (SELECT c.*, (c.st = 4 AND c.sha IS NOT NULL AND bool_or(c.st IN (2, 3)) OVER (PARTITION BY c.test, c.sha)) AS across FROM c)`;

/** The window's runs: id, latest finish, the commit and branch all its shards agree on. */
export const RUNS_SQL = `
  WITH w AS (SELECT run_id, finished_at, sha, branch FROM unflake_shards WHERE finished_ms BETWEEN $1 AND $2 AND ($3::text IS NULL OR branch = $3))
  SELECT run_id AS id, max(finished_at) AS "finishedAt",
         CASE WHEN count(DISTINCT coalesce(sha, E'\\x01')) = 1 THEN max(sha) END AS sha,
         CASE WHEN count(DISTINCT coalesce(branch, E'\\x01')) = 1 THEN max(branch) END AS branch
  FROM w GROUP BY run_id`;

/**
 * One pass over the cells: per run (test runs, flaky of either kind, failed; quarantined cells excluded),
 * the quarantined test runs, the categories of the flaky ones, the stable tests and the tests to list.
 */
export const COUNTS_SQL = `WITH ${CELLS},
  per_run AS (SELECT run_id, count(*) FILTER (WHERE st >= 2 AND NOT q)::int AS run,
                     count(*) FILTER (WHERE NOT q AND (st = 3 OR across))::int AS flaky,
                     count(*) FILTER (WHERE NOT q AND st = 4 AND NOT across)::int AS failed
              FROM x GROUP BY run_id),
  per_test AS (SELECT test, bool_or(st >= 2) AS ran, bool_or(st >= 3) AS bad FROM x GROUP BY test)
  SELECT (SELECT coalesce(json_agg(per_run), '[]') FROM per_run) AS per_run,
         (SELECT count(*) FROM x WHERE st >= 2 AND q)::int AS quarantined,
         (SELECT coalesce(json_agg(json_build_array(cat, n)), '[]') FROM
            (SELECT cat, count(*)::int AS n FROM x WHERE NOT q AND (st = 3 OR across) GROUP BY cat) k) AS categories,
         (SELECT count(*) FROM per_test WHERE ran AND NOT bad)::int AS stable,
         (SELECT coalesce(array_agg(test), '{}') FROM per_test WHERE bad) AS listed`;

/** The listed tests' cells, one row per test: the runs' positions and the worst codes. $4: the test ids (integers); $5: the run ids in run order. */
export const LISTED_CELLS_SQL = `
  WITH w AS (${WINDOW_SHARDS}),
  o AS (SELECT id AS run_id, (n - 1)::int AS pos FROM unnest($5::text[]) WITH ORDINALITY AS u(id, n)),
  cells AS (SELECT r.test, w.run_id, max(r.code)::int AS code FROM unflake_results r JOIN w ON r.shard_pk = w.pk WHERE r.test = ANY($4::int[]) GROUP BY r.test, w.run_id)
  SELECT test, array_agg(o.pos) AS pos, array_agg(cells.code) AS codes FROM cells JOIN o USING (run_id) GROUP BY test`;

/**
 * Per listed test: first and last retried-flaky record in all history (branch-filtered), the latest
 * record's quarantine mark and the latest failure in the window, "latest" by (finish, run id, shard).
 */
export const LISTED_DETAILS_SQL = `
  WITH w AS (${WINDOW_SHARDS}),
  seen AS (SELECT r.test, min(s.finished_at) AS first_seen, max(s.finished_at) AS last_seen FROM unflake_results r JOIN unflake_shards s ON s.pk = r.shard_pk
           WHERE r.test = ANY($4::int[]) AND r.code >> 3 = 3 AND ($3::text IS NULL OR s.branch = $3) GROUP BY r.test),
  latest AS (SELECT DISTINCT ON (r.test) r.test, r.quarantined FROM unflake_results r JOIN w ON w.pk = r.shard_pk
             WHERE r.test = ANY($4::int[]) AND r.code >> 3 >= 2 ORDER BY r.test, w.finished_at DESC, w.run_id DESC, w.shard DESC),
  evidence AS (SELECT DISTINCT ON (r.test) r.test, r.failure, w.run_id, w.finished_at, w.sha FROM unflake_results r JOIN w ON w.pk = r.shard_pk
             WHERE r.test = ANY($4::int[]) AND r.code >> 3 >= 3 AND r.failure IS NOT NULL ORDER BY r.test, w.finished_at DESC, w.run_id DESC, w.shard DESC)
  SELECT t.id AS test, t.test_id, t.file, t.name, seen.first_seen, seen.last_seen, latest.quarantined, evidence.failure, evidence.run_id, evidence.finished_at, evidence.sha
  FROM unflake_tests t LEFT JOIN seen ON seen.test = t.id LEFT JOIN latest ON latest.test = t.id LEFT JOIN evidence ON evidence.test = t.id
  WHERE t.id = ANY($4::int[])`;
