/** The runs a `unflake flakes` command reads: report files and folders given by name, and the history folder. */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { expandPaths, readHistory, readRunReport } from '../flakes/history.ts';
import { groupRuns, mergeReports } from '../flakes/merge.ts';
import type { RunReport } from '../flakes/schema.ts';
import { parseRate, parseWindow } from '../flakes/units.ts';
import { closest } from '../options/checkOptions.ts';
import { UsageError } from './args.ts';

export const DEFAULT_HISTORY = '.unflake/history';

type Spec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/** Flags and positionals, or a UsageError naming the flag (util.parseArgs, strict). */
export function parseFlags(args: string[], options: Spec, usage: string): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '').slice(0, 300);
    const unknown = /^Unknown option '--([^']+)'/.exec(message)?.[1];
    const suggestion = unknown === undefined ? undefined : closest(unknown, Object.keys(options));
    throw new UsageError(suggestion ? `${message}. Did you mean --${suggestion}?` : message, usage);
  }
}

export function rateFlag(value: string | boolean | undefined, flag: string, usage: string): number | undefined {
  if (value === undefined) return undefined;
  const rate = parseRate(value);
  if (rate === undefined) throw new UsageError(`${flag} must be a rate such as 0.5% or 0.005, got "${String(value)}"`, usage);
  return rate;
}

export function windowFlag(value: string | boolean | undefined, flag: string, usage: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseWindow(value);
  if (ms === undefined) throw new UsageError(`${flag} must be a duration such as 14d, 36h or 2w, got "${String(value)}"`, usage);
  return ms;
}

export interface LoadedRuns {
  /** Every run (shards of one run id grouped), oldest first. */
  runs: RunReport[];
  /** The files given by name merged into one run, when there were any. */
  given?: RunReport;
  warnings: string[];
}

function readGiven(paths: readonly string[], usage: string): RunReport[] {
  try {
    return expandPaths(paths).map(readRunReport);
  } catch (error) {
    throw new UsageError((error as Error).message.slice(0, 400), usage);
  }
}

const key = (r: RunReport): string => `${r.run.id}|${r.run.shard?.index ?? ''}/${r.run.shard?.count ?? ''}|${r.run.finishedAt}`;

/** Reads the given files and folders (read errors are usage errors) and the history folder (unreadable files are warnings). */
export function loadRuns(paths: readonly string[], history: string | undefined, usage: string): LoadedRuns {
  const warnings: string[] = [];
  const givenReports = readGiven(paths, usage);
  const fromHistory: RunReport[] = [];
  if (history !== undefined) {
    if (!existsSync(history) && givenReports.length) warnings.push(`no history folder at ${history}.`);
    const read = readHistory(history);
    fromHistory.push(...read.reports);
    warnings.push(...read.unreadable.map((u) => `skipped an unreadable history file: ${u}`));
  }
  // The files given by name are one run (the shards of it); a copy of them in the history counts once.
  const givenKeys = new Set(givenReports.map(key));
  const runs = groupRuns(fromHistory.filter((r) => !givenKeys.has(key(r))));
  if (!givenReports.length) return { runs, warnings };
  const merged = mergeReports(givenReports);
  warnings.push(...merged.warnings);
  runs.push(merged.report);
  runs.sort((a, b) => a.run.finishedAt.localeCompare(b.run.finishedAt));
  return { runs, given: merged.report, warnings };
}
