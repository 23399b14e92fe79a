/**
 * Shards into one run: the reports of `vitest --shard i/n` or `jest --shard=i/n` jobs become one
 * report whose rate and budget are judged on the whole suite. What does not add up (a shard missing,
 * the same shard twice, different commits) is said, not hidden.
 */
import { createHash } from 'node:crypto';
import { summarize, testId, type RunReport, type ShardRef, type TestRecord, type TestStatus } from './schema.ts';

const WORSE: Record<TestStatus, number> = { skipped: 0, passed: 1, flaky: 2, failed: 3 };

function combine(a: TestRecord, b: TestRecord): TestRecord {
  const failures = [...(a.failures ?? []), ...(b.failures ?? [])];
  // b's attempts come after a's: their indexes are shifted by a's attempts, so each stays one attempt.
  const offset = a.attempts ?? 1;
  const attemptSpans = [
    ...(a.attemptSpans ?? []),
    ...(b.attemptSpans ?? []).map((span) => ({ ...span, attempt: span.attempt + offset })),
  ];
  return {
    ...a,
    status: WORSE[b.status] > WORSE[a.status] ? b.status : a.status,
    durationMs: (a.durationMs ?? 0) + (b.durationMs ?? 0),
    attempts: offset + (b.attempts ?? 1),
    ...(failures.length ? { failures } : {}),
    ...(attemptSpans.length ? { attemptSpans } : {}),
  };
}

const shardsOf = (r: RunReport): ShardRef[] => r.run.mergedShards ?? (r.run.shard ? [r.run.shard] : []);

function shardWarnings(shards: ShardRef[]): string[] {
  const warnings: string[] = [];
  const counts = new Set(shards.map((s) => s.count));
  if (counts.size > 1) warnings.push(`the shards disagree on the shard count (${[...counts].join(', ')}).`);
  const seen = new Set<string>();
  for (const s of shards) {
    const key = `${s.index}/${s.count}`;
    if (seen.has(key)) warnings.push(`shard ${key} appears twice.`);
    seen.add(key);
  }
  if (counts.size === 1) {
    const count = [...counts][0]!;
    const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(`${i}/${count}`));
    if (missing.length)
      warnings.push(
        `shard${missing.length === 1 ? '' : 's'} ${missing.map((i) => `${i}/${count}`).join(', ')} missing: the rate covers part of the suite.`,
      );
  }
  return warnings;
}

/** The value all reports share, or undefined (with a warning when they disagree). */
function common(reports: readonly RunReport[], key: 'sha' | 'branch' | 'job', warnings: string[]): string | undefined {
  const values = [...new Set(reports.map((r) => r.run[key]).filter((v): v is string => v !== undefined))];
  if (values.length > 1 && key === 'sha')
    warnings.push(`the reports come from different commits (${values.slice(0, 5).join(', ')}).`);
  return values.length === 1 ? values[0] : undefined;
}

function mergedId(reports: readonly RunReport[]): string {
  const ids = [...new Set(reports.map((r) => r.run.id))].sort();
  if (ids.length === 1) return ids[0]!;
  return `merged-${createHash('sha256').update(ids.join('\n')).digest('hex').slice(0, 10)}`;
}

/**
 * The reports of one run's shards (`--shard i/n` jobs) as one report, its totals and rate judged on the
 * whole suite. `warnings` says what does not add up (a shard missing, the same shard twice, different commits).
 */
export function mergeReports(reports: readonly RunReport[]): {
  /** The merged run report. */
  report: RunReport;
  /** One line per inconsistency found; empty when the shards add up. */
  warnings: string[];
} {
  if (reports.length === 0) throw new TypeError('mergeReports: `reports` must hold at least one run report.');
  const warnings: string[] = [];
  const shards = reports.flatMap(shardsOf).sort((a, b) => a.count - b.count || a.index - b.index);
  if (shards.length) warnings.push(...shardWarnings(shards));
  const byId = new Map<string, TestRecord>();
  let duplicates = 0;
  for (const t of reports.flatMap((r) => r.tests)) {
    const id = testId(t);
    const seen = byId.get(id);
    if (seen) duplicates++;
    byId.set(id, seen ? combine(seen, t) : t);
  }
  if (duplicates)
    warnings.push(
      `${duplicates} test${duplicates === 1 ? ' appears' : 's appear'} in more than one report; their outcomes were combined (worst wins).`,
    );
  const tests = [...byId.values()];
  const expired = new Map(reports.flatMap((r) => r.expiredQuarantine ?? []).map((e) => [e.test, e]));
  // Unmatched in the merged run only when no report matched it: one that did lists it in no report's unmatched list.
  const unmatchedIn = (r: RunReport) => new Set((r.unmatchedQuarantine ?? []).map((e) => e.test));
  const unmatched = reports.some((r) => !r.unmatchedQuarantine)
    ? []
    : (reports[0]!.unmatchedQuarantine ?? []).filter((e) => reports.every((r) => unmatchedIn(r).has(e.test)));
  const sha = common(reports, 'sha', warnings);
  const branch = common(reports, 'branch', warnings);
  const job = common(reports, 'job', warnings);
  const report: RunReport = {
    schema: reports[0]!.schema,
    version: reports[0]!.version,
    runner: [...new Set(reports.map((r) => r.runner))].join('+'),
    run: {
      id: mergedId(reports),
      startedAt: reports.map((r) => r.run.startedAt).sort()[0]!,
      finishedAt: reports
        .map((r) => r.run.finishedAt)
        .sort()
        .at(-1)!,
      ...(shards.length ? { mergedShards: shards } : {}),
      ...(sha ? { sha } : {}),
      ...(branch ? { branch } : {}),
      ...(job ? { job } : {}),
    },
    ...summarize(tests),
    ...(expired.size ? { expiredQuarantine: [...expired.values()] } : {}),
    ...(unmatched.length ? { unmatchedQuarantine: unmatched } : {}),
    ...(reports.some((r) => r.suiteErrors?.length) ? { suiteErrors: reports.flatMap((r) => r.suiteErrors ?? []) } : {}),
    tests,
  };
  return { report, warnings };
}

/** History files grouped into runs: the shards of one run (same run id) become one report. */
export function groupRuns(reports: readonly RunReport[]): RunReport[] {
  const groups = new Map<string, RunReport[]>();
  for (const r of reports) {
    const group = groups.get(r.run.id);
    if (group) group.push(r);
    else groups.set(r.run.id, [r]);
  }
  return [...groups.values()]
    .map((group) => (group.length === 1 ? group[0]! : mergeReports(group).report))
    .sort((a, b) => a.run.finishedAt.localeCompare(b.run.finishedAt));
}
