/**
 * waitForReady's failure report: why the wait ended (the clause of describeEnd.ts), what the last
 * response said (its reasons, a stale build first), the attempts as a run-length list of distinct
 * observations (drawn as formatTimeline.ts draws the engine's), the last body and the run
 * fingerprint. It reads only the report it is handed; every section and the message are bounded.
 */
import type { ReadinessAttempt } from '../helpers/readinessAttempt.ts';
import type { HealthCheck, NotReadyReason } from '../helpers/health.ts';
import type { Backoff, Interval } from '../options/types.ts';
import type { EndReason } from '../poll/PollResult.ts';
import { SUMMARY_CHARS } from '../poll/timeline.ts';
import { boundValue, capText, MESSAGE_CAP, safeInspect, SECTION_CAP } from './boundValue.ts';
import { describeEndClause } from './describeEnd.ts';
import { formatDuration } from './formatDuration.ts';

export interface ReadinessReport {
  /** The URL, or `probe`. */
  label: string;
  reason: EndReason;
  elapsed: number;
  attempts: readonly ReadinessAttempt[];
  interval: Interval;
  /** An attempt was still waiting for its response when the wait ended. */
  inFlightAtEnd: boolean;
  /** The `Run: …` line, when the wait ran inside a test. */
  fingerprint?: string | undefined;
}

const BODY_LINES = 30;
const BODY_CHARS = 2_000;
/** Names listed in one reason ("failing: a DOWN, b DOWN, …"); the "Failing checks" section lists them all. */
const LISTED = 20;
/** Rows of the attempts list kept at its start and end when there are more than HEAD + TAIL + 1. */
const HEAD = 8;
const TAIL = 11;

function listed(items: readonly string[]): string {
  return items.length <= LISTED
    ? items.join(', ')
    : `${items.slice(0, LISTED).join(', ')} (+${items.length - LISTED} more)`;
}

function describeReason(reason: NotReadyReason): string {
  switch (reason.kind) {
    case 'unreachable':
      return `unreachable (${reason.error})`;
    case 'http-status':
      return `HTTP ${reason.status}`;
    case 'status-not-ok':
      return `status ${reason.status}`;
    case 'checks-failing':
      return `failing: ${listed(reason.checks.map((c) => `${c.name} ${c.status}`))}`;
    case 'checks-missing':
      return `missing check${reason.names.length === 1 ? '' : 's'}: ${listed(reason.names)}`;
    case 'stale-build':
      return `stale build ${reason.found} ≠ expected ${reason.expected}`;
    case 'no-build':
      return `no build id (expected ${reason.expected}${reason.problem ? `; ${reason.problem}` : ''})`;
    case 'probe-error':
      return `probe threw: ${reason.error}`;
  }
}

function headline(reason: NotReadyReason): string {
  switch (reason.kind) {
    case 'stale-build':
      return `Stale build: the service reports ${reason.found} (${reason.source}), expected ${reason.expected}. An old version is still serving (a stale preview or container?).`;
    case 'no-build':
      return `No build id in the response, expected ${reason.expected} (${reason.problem ?? reason.lookedAt}).`;
    case 'unreachable':
      return `Unreachable: ${reason.error}. Nothing answered on the last attempt.`;
    default:
      return `Not ready: ${describeReason(reason)}.`;
  }
}

/** One attempt as one row's text: what it saw, not when. */
function observed(a: ReadinessAttempt): string {
  if (a.ready) return 'ready';
  const parts: string[] = [];
  if (a.httpStatus !== undefined) parts.push(String(a.httpStatus));
  if (a.health?.rawStatus !== undefined) parts.push(`status ${a.health.rawStatus}`);
  for (const reason of a.reasons)
    if (reason.kind !== 'http-status' && reason.kind !== 'status-not-ok') parts.push(describeReason(reason));
  if (a.build !== undefined && !a.reasons.some((r) => r.kind === 'stale-build')) parts.push(`build ${a.build}`);
  if (a.retryAfter) parts.push(`retry after ${formatDuration(a.retryAfter.ms)} (Retry-After: ${a.retryAfter.header})`);
  if (a.alsoTried?.length) parts.push(`(also tried ${a.alsoTried.join('; ')})`);
  const text = parts.join('  ').replace(/\r?\n/g, '\\n');
  return text.length <= SUMMARY_CHARS ? text : `${text.slice(0, SUMMARY_CHARS - 1)}…`;
}

interface Row {
  first: ReadinessAttempt;
  last: ReadinessAttempt;
  count: number;
  text: string;
}

/** Consecutive attempts that saw the same thing, as one row. */
function rowsOf(attempts: readonly ReadinessAttempt[]): Row[] {
  const rows: Row[] = [];
  for (const a of attempts) {
    const text = observed(a);
    const previous = rows[rows.length - 1];
    if (previous && previous.text === text) {
      previous.last = a;
      previous.count++;
    } else rows.push({ first: a, last: a, count: 1, text });
  }
  return rows;
}

/** As formatTimeline's lines: first seen at, attempts, what, repeat count; the last row says for how long it has not changed. */
function rowLine(row: Row, isLast: boolean, elapsed: number): string {
  const at = formatDuration(row.first.at).padStart(8);
  const range = (row.count === 1 ? `#${row.first.attempt}` : `#${row.first.attempt}-${row.last.attempt}`).padEnd(8);
  const repeat = row.count > 1 ? `  ×${row.count}` : '';
  const unchanged = isLast ? `${repeat ? ',' : ' '} unchanged for ${formatDuration(elapsed - row.first.at)}` : '';
  return `  ${at}  ${range}  ${row.text}${repeat}${unchanged}`;
}

function attemptsSection(attempts: readonly ReadinessAttempt[], elapsed: number): string {
  const rows = rowsOf(attempts);
  const lines = rows.map((row, i) => rowLine(row, i === rows.length - 1, elapsed));
  const shown =
    lines.length > HEAD + TAIL + 1
      ? [
          ...lines.slice(0, HEAD),
          `  … ${lines.length - HEAD - TAIL} more distinct observations …`,
          ...lines.slice(-TAIL),
        ]
      : lines;
  return `Attempts (${attempts.length}):\n${shown.join('\n')}`;
}

function bodySection(a: ReadinessAttempt): string {
  const text = a.body!;
  let shown = text;
  try {
    shown = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    /* not JSON: as it came */
  }
  let out = shown.split('\n').slice(0, BODY_LINES).join('\n');
  if (out.length > BODY_CHARS) out = out.slice(0, BODY_CHARS);
  const cut = a.bodyTruncated || out.length < shown.length;
  const excerpt = `${out
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n')}${cut ? `\n  … (truncated; ${text.length}${a.bodyTruncated ? '+' : ''} characters in all)` : ''}`;
  return `Last body (attempt #${a.attempt}, HTTP ${a.httpStatus}):\n${excerpt}`;
}

function backoffText(interval: Interval): string {
  if (typeof interval === 'number') return `every ${interval} ms`;
  if (Array.isArray(interval)) return `pauses ${interval.join(', ')} ms`;
  const b = interval as Backoff;
  return `backoff ${b.initial} ms ×${b.factor ?? 2} → ${b.max ?? '∞'} ms${b.jitter ? ` ±${Math.round(b.jitter * 100)}%` : ''}`;
}

const isBuildReason = (r: NotReadyReason): boolean => r.kind === 'stale-build' || r.kind === 'no-build';

function checkLine(c: HealthCheck): string {
  const details =
    c.details === undefined
      ? ''
      : `  ${safeInspect(boundValue(c.details), { depth: 4, breakLength: Number.POSITIVE_INFINITY, compact: true })}`;
  return `  ${c.name}: ${c.status}${details}`;
}

/** What the last attempt said: its reasons (a stale build, the likeliest to mislead, first), its response, its failing checks. */
function lastAttemptSections(last: ReadinessAttempt): string[] {
  const sections = [
    [...last.reasons]
      .sort((a, b) => Number(isBuildReason(b)) - Number(isBuildReason(a)))
      .map(headline)
      .join('\n'),
  ];
  if (last.httpStatus !== undefined) {
    const lines = [
      `Last response (attempt #${last.attempt}, ${last.address ?? 'probe'}): HTTP ${last.httpStatus}${last.health?.rawStatus !== undefined ? `, status ${last.health.rawStatus}` : ''}`,
    ];
    if (last.health?.checks.length)
      lines.push(`  checks  ${last.health.checks.map((c) => `${c.name}: ${c.status}`).join(' · ')}`);
    if (last.health?.builds.length)
      lines.push(`  build   ${last.health.builds.map((b) => `${b.value} (${b.source})`).join(', ')}`);
    sections.push(lines.join('\n'));
  }
  const failing = last.reasons.flatMap((r) => (r.kind === 'checks-failing' ? r.checks : []));
  if (failing.length) sections.push(`Failing checks:\n${failing.map(checkLine).join('\n')}`);
  return sections;
}

export function formatReadiness(report: ReadinessReport): string {
  const { attempts } = report;
  const n = attempts.length;
  const sections = [
    `waitForReady(${report.label}) ${describeEndClause(report.reason, report.elapsed)}: never ready in ${n} attempt${n === 1 ? '' : 's'} (${backoffText(report.interval)}).`,
  ];
  const last = attempts[n - 1];
  if (last) sections.push(...lastAttemptSections(last));
  if (report.inFlightAtEnd)
    sections.push(
      `Attempt #${n + 1} was still waiting for a response at the deadline (attemptTimeout gives each response up to its own limit).`,
    );
  if (n) sections.push(attemptsSection(attempts, report.elapsed));
  const withBody = [...attempts].reverse().find((a) => a.body !== undefined && a.body !== '');
  if (withBody) sections.push(bodySection(withBody));
  if (report.fingerprint) sections.push(report.fingerprint);
  return capText(sections.map((section) => capText(section, SECTION_CAP, 'section')).join('\n\n'), MESSAGE_CAP);
}
