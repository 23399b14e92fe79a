/**
 * The newest run of a Postgres history as a run report, for `unflake flakes report --junit`: what JUnit
 * needs of each test (status, quarantine mark, every failed attempt, time, attempts) and the suite
 * errors are kept per shard since schema 3; the run's shards are merged as `flakes merge` merges report
 * files. One record per test id and shard (two tests with one title in one shard are filed as one,
 * the worse).
 */
import type { PoolClient } from 'pg';
import { mergeReports } from './merge.ts';
import {
  REPORT_SCHEMA,
  REPORT_VERSION,
  summarize,
  type AttemptFailure,
  type QuarantineMark,
  type RunReport,
  type ShardRef,
  type SuiteError,
  type TestRecord,
} from './schema.ts';
import { STATUS_OF, type ReportRow } from './windowFold.ts';
import { testId } from './schema.ts';

/** What JUnit needs of a test beyond its row (windowFold.ts's reportRows): time, attempts, every failure. */
export interface RecordExtras {
  durationMs: number | null;
  attempts: number | null;
  /** The failed attempts of the record whose first failure the row keeps. */
  failures: AttemptFailure[] | null;
}

/** Per test id of a report: the first record's time and attempts, and the failures of the record reportRows took the first of. */
export function recordExtras(report: RunReport): Map<string, RecordExtras> {
  const extras = new Map<string, RecordExtras>();
  const failed = new Set<string>();
  for (const t of report.tests) {
    const id = testId(t);
    if (!extras.has(id))
      extras.set(id, { durationMs: t.durationMs ?? null, attempts: t.attempts ?? null, failures: null });
    const first = t.failures?.[0];
    if (first && (t.status === 'flaky' || t.status === 'failed') && !failed.has(id)) {
      failed.add(id);
      extras.get(id)!.failures = t.failures!;
    }
  }
  return extras;
}

/** The record of a row and its extras (the inverse of what append files). */
export function recordOf(
  row: Pick<ReportRow, 'file' | 'name' | 'code' | 'quarantined' | 'failure'>,
  extras: RecordExtras,
): TestRecord {
  const failures = extras.failures ?? (row.failure ? [row.failure] : undefined);
  return {
    file: row.file,
    name: row.name,
    status: STATUS_OF[row.code >> 3]!,
    ...(extras.durationMs !== null ? { durationMs: extras.durationMs } : {}),
    ...(extras.attempts !== null ? { attempts: extras.attempts } : {}),
    ...(failures ? { failures } : {}),
    ...(row.quarantined ? { quarantined: row.quarantined } : {}),
  };
}

const NEWEST_SHARDS_SQL = `
  SELECT pk, run_id, shard, started_at, finished_at, sha, branch, job, runner, suite_errors FROM unflake_shards
  WHERE run_id = (SELECT run_id FROM unflake_shards ORDER BY finished_at DESC, run_id DESC LIMIT 1) ORDER BY shard`;

const SHARD_RECORDS_SQL = `
  SELECT t.file, t.name, r.code, r.quarantined, r.failure, r.failures, r.duration_ms, r.attempts
  FROM unflake_results r JOIN unflake_tests t ON t.id = r.test WHERE r.shard_pk = $1 ORDER BY t.test_id`;

interface ShardRow {
  pk: string;
  run_id: string;
  shard: string;
  started_at: string;
  finished_at: string;
  sha: string | null;
  branch: string | null;
  job: string | null;
  runner: string;
  suite_errors: SuiteError[] | null;
}

interface RecordRow {
  file: string;
  name: string;
  code: number;
  quarantined: QuarantineMark | null;
  failure: AttemptFailure | null;
  failures: AttemptFailure[] | null;
  duration_ms: number | null;
  attempts: number | null;
}

const shardRefs = (key: string): ShardRef[] =>
  key
    ? key.split(',').map((s) => {
        const [index, count] = s.split('/').map(Number);
        return { index: index!, count: count! };
      })
    : [];

/** The newest run (by its latest shard's finish, then run id), its shards merged; undefined when the history is empty. */
export async function newestRun(client: PoolClient): Promise<RunReport | undefined> {
  const shards = (await client.query<ShardRow>(NEWEST_SHARDS_SQL)).rows;
  if (!shards.length) return undefined;
  const reports: RunReport[] = [];
  for (const s of shards) {
    const rows = (await client.query<RecordRow>(SHARD_RECORDS_SQL, [s.pk])).rows;
    const tests = rows.map((r) =>
      recordOf(
        {
          file: r.file,
          name: r.name,
          code: r.code,
          quarantined: r.quarantined ?? undefined,
          failure: r.failure ?? undefined,
        },
        { durationMs: r.duration_ms, attempts: r.attempts, failures: r.failures },
      ),
    );
    const refs = shardRefs(s.shard);
    reports.push({
      schema: REPORT_SCHEMA,
      version: REPORT_VERSION,
      runner: s.runner,
      run: {
        id: s.run_id,
        startedAt: s.started_at,
        finishedAt: s.finished_at,
        ...(refs.length === 1 ? { shard: refs[0]! } : refs.length ? { mergedShards: refs } : {}),
        ...(s.sha !== null ? { sha: s.sha } : {}),
        ...(s.branch !== null ? { branch: s.branch } : {}),
        ...(s.job !== null ? { job: s.job } : {}),
      },
      ...summarize(tests),
      ...(s.suite_errors?.length ? { suiteErrors: s.suite_errors } : {}),
      tests,
    });
  }
  return reports.length === 1 ? reports[0] : mergeReports(reports).report;
}
