/**
 * The history folder: one gzipped run report per run (or shard), written to a temporary name and
 * renamed into place, so concurrent writers (parallel CI jobs, shards) never see or leave half a
 * file, and folders from several jobs can simply be copied together. Old files are pruned by age.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describeValue } from '../options/checkMs.ts';
import { REPORT_SCHEMA, REPORT_VERSION, type RunReport, type TestRecord } from './schema.ts';

const STATUSES = new Set<unknown>(['passed', 'failed', 'flaky', 'skipped']);

/** A report file's data checked against the schema, or a TypeError naming the file. */
export function checkRunReport(data: unknown, source: string): RunReport {
  const r = checkRunHeader(data, source);
  for (const [i, t] of r.tests.entries()) checkTestRecord(t, i, source);
  return r;
}

/** Everything but the test records checked (runFile.ts checks those as it reads them). */
export function checkRunHeader(data: unknown, source: string): RunReport {
  const r = data as Partial<RunReport> | null;
  if (!r || typeof r !== 'object') throw new TypeError(`${source}: not a run report (got ${describeValue(data)}).`);
  if (r.schema !== REPORT_SCHEMA || r.version !== REPORT_VERSION) {
    const seen =
      r.schema === undefined && (r as { version?: unknown }).version === 1
        ? 'a version 1 flake report, which has no per-test records'
        : `schema ${describeValue(r.schema)} version ${describeValue(r.version)}`;
    throw new TypeError(
      `${source}: expected a run report (schema "${REPORT_SCHEMA}", version ${REPORT_VERSION}), got ${seen}.`,
    );
  }
  if (
    !r.run ||
    typeof r.run.id !== 'string' ||
    typeof r.run.finishedAt !== 'string' ||
    Number.isNaN(Date.parse(r.run.finishedAt))
  )
    throw new TypeError(`${source}: \`run\` needs a string \`id\` and an ISO \`finishedAt\`.`);
  if (!Array.isArray(r.tests)) throw new TypeError(`${source}: \`tests\` must be an array.`);
  return r as RunReport;
}

/** One test record (`tests[index]`) checked. */
export function checkTestRecord(data: unknown, index: number, source: string): void {
  const t = data as Partial<TestRecord> | null;
  if (!t || typeof t.file !== 'string' || typeof t.name !== 'string' || !STATUSES.has(t.status!))
    throw new TypeError(
      `${source}: tests[${index}] needs a string \`file\` and \`name\` and a \`status\` of passed, failed, flaky or skipped, got ${describeValue(t)}.`,
    );
}

/** One report file, plain JSON or gzipped (`.gz`). */
export function readRunReport(path: string): RunReport {
  const bytes = readFileSync(path);
  const text = path.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new TypeError(`${path}: not JSON (${(error as Error).message.slice(0, 200)}).`, { cause: error });
  }
  return checkRunReport(data, path);
}

const isReportFile = (name: string): boolean => !name.startsWith('.') && /\.json(\.gz)?$/.test(name);

/** The report files of a folder (its own files, not subfolders), oldest name first. */
export function reportFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter(isReportFile)
    .sort()
    .map((name) => join(dir, name));
}

/** Files and folders given on a command line, as report files. */
export function expandPaths(paths: readonly string[]): string[] {
  return paths.flatMap((p) => (statSync(p).isDirectory() ? reportFiles(p) : [p]));
}

const stamp = (iso: string): string => iso.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

/** Writes one run into the folder atomically and returns the file's path. */
export function writeHistory(dir: string, report: RunReport): string {
  mkdirSync(dir, { recursive: true });
  const shard = report.run.shard ? `-s${report.run.shard.index}of${report.run.shard.count}` : '';
  const unique = randomBytes(4).toString('hex');
  const name = `${stamp(report.run.finishedAt)}-${report.run.id.replace(/[^\w-]/g, '_').slice(0, 40)}${shard}-${unique}.json.gz`;
  const temporary = join(dir, `.tmp-${unique}-${process.pid}`);
  try {
    writeDurably(temporary, gzipSync(JSON.stringify(report)));
    renameSync(temporary, join(dir, name));
    syncFolder(dir);
  } finally {
    rmSync(temporary, { force: true });
  }
  return join(dir, name);
}

/**
 * Writes and fsyncs before the caller renames: a rename is atomic, but without the fsync a crash can
 * leave the new name pointing at an empty or partial file on many file systems.
 */
export function writeDurably(path: string, bytes: Uint8Array | string): void {
  const fd = openSync(path, 'w');
  try {
    const buffer = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
    for (let at = 0; at < buffer.length;) at += writeSync(fd, buffer, at, buffer.length - at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The rename itself is durable once the folder is synced (not possible on every platform: Windows refuses). */
function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // best effort: the file's own data is already synced
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** What `readHistory()` returns: the runs it read, and the files it could not. */
export interface HistoryRead {
  /** Every readable run report in the folder. */
  reports: RunReport[];
  /** Files that could not be read (each a one-line reason): reported, never fatal. */
  unreadable: string[];
}

/** Every readable run in the folder (none when it does not exist), all in memory: the stores stream instead (folderStore.ts). */
export function readHistory(dir: string): HistoryRead {
  const read: HistoryRead = { reports: [], unreadable: [] };
  let files: string[];
  try {
    files = reportFiles(dir);
  } catch {
    return read;
  }
  for (const file of files) {
    try {
      read.reports.push(readRunReport(file));
    } catch (error) {
      read.unreadable.push(`${file}: ${(error as Error).message.slice(0, 300)}`);
    }
  }
  return read;
}

/**
 * Deletes report files whose run finished before `cutoff`, by the time in their name (no file is
 * opened), and temporary files a crashed writer left more than a day ago. Returns how many went.
 */
export function pruneHistory(dir: string, cutoff: number, now = Date.now()): number {
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    const path = join(dir, name);
    const match = /^(\d{8}T\d{6}Z)-/.exec(name);
    const finished = match
      ? Date.parse(match[1]!.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'))
      : NaN;
    const staleTemporary = name.startsWith('.tmp-') && safeMtime(path) < now - 86_400_000;
    if ((isReportFile(name) && finished < cutoff) || staleTemporary) {
      rmSync(path, { force: true });
      removed++;
    }
  }
  return removed;
}

function safeMtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return Infinity;
  }
}
