/**
 * The Postgres history's tables and queries. A shard row per (run id, shard), unique, so appending one
 * twice is a no-op; a result row per test of it, one byte-like `code` per result (windowFold.ts's cell
 * code: status << 3 | quarantined << 2 | category; 16 and up ran, 24 and up flaky or failed).
 *
 * Schema 2 keeps two aggregates, maintained in the transaction that files a shard (so a shard filed
 * twice or by a killed writer never counts twice or half), which the window reads instead of every
 * result (postgresWindow.ts):
 * - `unflake_run_counts`: per run id, how many cells (tests of the run: the worst record of its shards)
 *   have each code;
 * - `unflake_test_days`: per UTC day, branch and test, that the test ran that day on that branch; and
 *   (since schema 4) per day and test on any branch (branch key E'\x02'), so a window over every
 *   branch reads tests × days rows however many branches ran.
 * Schema 3 keeps what JUnit of the newest run needs (postgresLatest.ts): each result's time, attempts
 * and every failed attempt (as json: in order, as reported), and each shard's suite errors.
 * Strings compare with COLLATE "C" (code points), as JavaScript compares them.
 */

export const SCHEMA_VERSION = 4;

/** Milliseconds in a UTC day: the aggregates' day is `floor(finished_ms / DAY_MS)`. */
export const DAY_MS = 86_400_000;

/** The key of a run without a branch in `unflake_test_days` (git forbids control characters in ref names). */
export const NO_BRANCH = '\u0001';

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

  // 2: the aggregates (filled from the results already there by migrate(), under its lock), the index
  // the listed tests' cells are read by, and one of the flaky or failed results only.
  `CREATE TABLE IF NOT EXISTS unflake_run_counts (
     run_id text COLLATE "C" NOT NULL, code smallint NOT NULL, n integer NOT NULL, PRIMARY KEY (run_id, code));
   CREATE TABLE IF NOT EXISTS unflake_test_days (
     day integer NOT NULL, branch text COLLATE "C" NOT NULL, test integer NOT NULL, PRIMARY KEY (day, branch, test));
   DROP INDEX IF EXISTS unflake_results_test;
   CREATE INDEX IF NOT EXISTS unflake_results_by_test ON unflake_results (test, shard_pk) INCLUDE (code);
   CREATE INDEX IF NOT EXISTS unflake_results_bad ON unflake_results (test, shard_pk) INCLUDE (code) WHERE code >= 24;`,
  // 3: what JUnit of a run needs (results filed before have none: their JUnit shows no time, one failure).
  // `failures` is json, not jsonb: a fingerprint's fields keep their order (jsonb sorts object keys).
  `ALTER TABLE unflake_results ADD COLUMN IF NOT EXISTS duration_ms integer, ADD COLUMN IF NOT EXISTS attempts smallint,
     ADD COLUMN IF NOT EXISTS failures json;
   ALTER TABLE unflake_shards ADD COLUMN IF NOT EXISTS suite_errors jsonb;`,
  // 4: the tests that ran each day on any branch (a window over every branch no longer reads one row per branch).
  `INSERT INTO unflake_test_days (day, branch, test)
   SELECT DISTINCT day, E'\\x02', test FROM unflake_test_days ORDER BY 1, 3 ON CONFLICT DO NOTHING;`,
];

/**
 * A shard just filed ($1 its pk, $2 its run id) into its run's counts: each of its tests whose cell it
 * makes worse moves from the old code (if another shard of the run had the test) to the new one. The
 * caller holds the run's advisory lock, so two shards of one run never count against the same old cells.
 */
export const RUN_DELTA_SQL = `
  WITH fresh AS (SELECT test, code FROM unflake_results WHERE shard_pk = $1),
  prior AS (SELECT r.test, max(r.code) AS code FROM unflake_shards s JOIN unflake_results r ON r.shard_pk = s.pk
            WHERE s.run_id = $2 AND s.pk <> $1 AND r.test IN (SELECT test FROM fresh) GROUP BY r.test),
  delta AS (SELECT fresh.code, 1 AS d FROM fresh LEFT JOIN prior USING (test) WHERE prior.code IS NULL OR fresh.code > prior.code
            UNION ALL SELECT prior.code, -1 FROM fresh JOIN prior USING (test) WHERE fresh.code > prior.code)
  INSERT INTO unflake_run_counts (run_id, code, n) SELECT $2, code, sum(d)::int FROM delta GROUP BY code
  ON CONFLICT (run_id, code) DO UPDATE SET n = unflake_run_counts.n + excluded.n`;

/**
 * The tests that ran in a shard just filed ($1), on its day ($2), for its branch key ($3) and for any
 * branch; in (branch, test) order, the same for every writer, so concurrent writers never deadlock.
 */
export const DAY_INSERT_SQL = `
  INSERT INTO unflake_test_days (day, branch, test)
  SELECT $2, b.branch, r.test FROM unflake_results r CROSS JOIN unnest(ARRAY[$3::text, E'\\x02']) AS b(branch)
  WHERE r.shard_pk = $1 AND r.code >= 16 ORDER BY 2, 3 ON CONFLICT DO NOTHING`;

/** Recounts the runs $1 (text[]) from their results: after a prune, a migration or a bulk load. */
export const RECOUNT_RUNS_SQL = [
  `DELETE FROM unflake_run_counts WHERE run_id = ANY($1::text[])`,
  `INSERT INTO unflake_run_counts (run_id, code, n)
   SELECT run_id, code, count(*)::int FROM (
     SELECT s.run_id, r.test, max(r.code) AS code FROM unflake_shards s JOIN unflake_results r ON r.shard_pk = s.pk
     WHERE s.run_id = ANY($1::text[]) GROUP BY s.run_id, r.test) c
   GROUP BY run_id, code ORDER BY run_id, code ON CONFLICT (run_id, code) DO UPDATE SET n = excluded.n`,
];

/** Recounts the days $1 (int[]) from their results. */
export const RECOUNT_DAYS_SQL = [
  `DELETE FROM unflake_test_days WHERE day = ANY($1::int[])`,
  `INSERT INTO unflake_test_days (day, branch, test)
   SELECT DISTINCT (s.finished_ms / ${DAY_MS})::int, b.branch, r.test
   FROM unflake_shards s JOIN unflake_results r ON r.shard_pk = s.pk
   CROSS JOIN unnest(ARRAY[coalesce(s.branch, E'\\x01'), E'\\x02']) AS b(branch)
   WHERE s.finished_ms >= $2 AND s.finished_ms < $3 AND (s.finished_ms / ${DAY_MS})::int = ANY($1::int[]) AND r.code >= 16
   ORDER BY 1, 2, 3 ON CONFLICT DO NOTHING`,
];

/** The shards a window reads: $1 from, $2 to (ms), $3 branch or null. */
export const WINDOW_SHARDS_SQL = `
  SELECT pk, run_id, shard, finished_at, finished_ms::float8 AS ms, sha, branch
  FROM unflake_shards WHERE finished_ms BETWEEN $1 AND $2 AND ($3::text IS NULL OR branch = $3)`;

/** Of the runs $4 (text[]), those with a shard outside the window: their counts come from their results. */
export const PARTIAL_RUNS_SQL = `
  SELECT DISTINCT run_id FROM unflake_shards
  WHERE run_id = ANY($4::text[]) AND NOT (finished_ms BETWEEN $1 AND $2 AND ($3::text IS NULL OR branch = $3))`;

/** The days (from $4 to $5, ms) with a shard of the window's branch outside the window: cut by its edge. */
export const PARTIAL_DAYS_SQL = `
  SELECT DISTINCT (finished_ms / ${DAY_MS})::int AS day FROM unflake_shards
  WHERE finished_ms >= $4 AND finished_ms < $5 AND (finished_ms < $1 OR finished_ms > $2) AND ($3::text IS NULL OR branch = $3)`;

/** The counted codes of the whole runs $1 (text[]). */
export const RUN_COUNTS_SQL = `SELECT run_id, code::int AS code, n FROM unflake_run_counts WHERE run_id = ANY($1::text[]) AND n <> 0`;

/** The same, counted from the results of the shards $1 (bigint[]: the partial runs' shards in the window). */
export const RAW_RUN_COUNTS_SQL = `
  SELECT run_id, code, count(*)::int AS n FROM (
    SELECT s.run_id, r.test, max(r.code)::int AS code FROM unflake_results r JOIN unflake_shards s ON s.pk = r.shard_pk
    WHERE r.shard_pk = ANY($1::bigint[]) GROUP BY s.run_id, r.test) c
  GROUP BY run_id, code`;

/**
 * How many tests ran in the window: those of its whole days ($1 int[], branch $2, or any) from the aggregate,
 * plus the tests not among them that ran in a shard $3 (bigint[]) of a day cut by the window's edge.
 */
export const RAN_SQL = `
  WITH whole AS (SELECT DISTINCT test FROM unflake_test_days WHERE day = ANY($1::int[]) AND branch = coalesce($2::text, E'\\x02'))
  SELECT (SELECT count(*) FROM whole)::int + (
    SELECT count(*) FROM unflake_tests t WHERE cardinality($3::bigint[]) > 0 AND NOT EXISTS (SELECT 1 FROM whole WHERE whole.test = t.id)
      AND EXISTS (SELECT 1 FROM unflake_results r WHERE r.test = t.id AND r.shard_pk = ANY($3::bigint[]) AND r.code >= 16))::int AS ran`;

/** The tests flaky or failed in a shard $1 (bigint[]) of the window (an index of those results only: a few per run). */
export const LISTED_SQL = `SELECT DISTINCT test FROM unflake_results WHERE shard_pk = ANY($1::bigint[]) AND code >= 24 ORDER BY test`;

/** The listed tests' ($3 int[]) results in the window's shards $1 (bigint[]), each with its shard's index in $1 ($2 int[]). */
export const LISTED_CELLS_SQL = `
  SELECT r.test, array_agg(p.idx) AS idx, array_agg(r.code::int) AS codes
  FROM unflake_results r JOIN unnest($1::bigint[], $2::int[]) AS p(pk, idx) ON p.pk = r.shard_pk
  WHERE r.test = ANY($3::int[]) GROUP BY r.test`;

/** Per listed test ($2 int[]): its id, file, name, first and last retried-flaky record in all history on branch $1 (or all). */
export const LISTED_DETAILS_SQL = `
  WITH seen AS (SELECT r.test, min(s.finished_at) AS first_seen, max(s.finished_at) AS last_seen
                FROM unflake_results r JOIN unflake_shards s ON s.pk = r.shard_pk
                WHERE r.test = ANY($2::int[]) AND r.code >= 24 AND r.code < 32 AND ($1::text IS NULL OR s.branch = $1) GROUP BY r.test)
  SELECT t.id AS test, t.test_id, t.file, t.name, seen.first_seen, seen.last_seen
  FROM unflake_tests t LEFT JOIN seen ON seen.test = t.id WHERE t.id = ANY($2::int[])`;

/** The quarantine mark and first failure of the records ($1 shard pks, $2 tests, pairwise): one primary key lookup each. */
export const RECORDS_SQL = `
  SELECT r.shard_pk::text AS pk, r.test, r.quarantined, coalesce(r.failures -> 0, r.failure::json) AS failure
  FROM unnest($1::bigint[], $2::int[]) AS k(pk, test) JOIN unflake_results r ON r.shard_pk = k.pk AND r.test = k.test`;
