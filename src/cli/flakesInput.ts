/**
 * What the `unflake flakes` commands read: report files and folders given by name, and the history
 * (a folder, or a postgres:// URL; `--history`, else UNFLAKE_HISTORY, else `.unflake/history`).
 */
import { existsSync } from 'node:fs';
import { expandPaths, readRunReport } from '../flakes/history.ts';
import { mergeReports } from '../flakes/merge.ts';
import type { RunReport } from '../flakes/schema.ts';
import { isPostgresUrl, openHistory, type HistoryStore, type HistoryWindow } from '../flakes/store.ts';
import { parseRate } from '../flakes/units.ts';
import { aliased, parseTime, stringFlag, UsageError, type CliIo, type FlagValues } from './args.ts';

export const DEFAULT_HISTORY = '.unflake/history';

/** The flags every reading command shares: the history, the window and its branch filter. */
export const WINDOW_FLAGS = {
  history: { type: 'string' },
  window: { type: 'string' },
  since: { type: 'string' },
  branch: { type: 'string' },
} as const;

export function rateFlag(value: FlagValues[string], flag: string, usage: string): number | undefined {
  const text = stringFlag(value);
  if (text === undefined) return undefined;
  const rate = parseRate(text);
  if (rate === undefined) throw new UsageError(`${flag} must be a rate such as 0.5% or 0.005, got "${text}"`, usage);
  return rate;
}

export function durationFlag(value: FlagValues[string], flag: string, usage: string): number | undefined {
  const text = stringFlag(value);
  return text === undefined ? undefined : parseTime(text, flag, usage);
}

/** `--history`, else UNFLAKE_HISTORY, else the default folder (or none when files were given). */
export function historyOf(values: FlagValues, filesGiven: boolean): string | undefined {
  return (
    stringFlag(values.history) ?? (process.env.UNFLAKE_HISTORY?.trim() || (filesGiven ? undefined : DEFAULT_HISTORY))
  );
}

/** The window flags: `--window` (old name `--since`, still read) and `--branch`. */
export function windowOf(values: FlagValues, io: CliIo, usage: string): { window: number; branch?: string } {
  const text = aliased(values, 'window', 'since', io, usage);
  const window = text === undefined ? 14 * 86_400_000 : parseTime(text, '--window', usage);
  const branch = stringFlag(values.branch);
  return { window, ...(branch ? { branch } : {}) };
}

function readGiven(paths: readonly string[], usage: string): RunReport[] {
  try {
    return expandPaths(paths).map(readRunReport);
  } catch (error) {
    throw new UsageError((error as Error).message.slice(0, 400), usage);
  }
}

/** The files given by name merged into one run (with the merge's warnings), or undefined. */
export function givenRun(paths: readonly string[], usage: string): { run?: RunReport; warnings: string[] } {
  const reports = readGiven(paths, usage);
  if (!reports.length) return { warnings: [] };
  const merged = mergeReports(reports);
  return { run: merged.report, warnings: merged.warnings };
}

/** Opens the history; a store that cannot be opened (no `pg`, a refused connection) is a usage error. */
export async function openStore(history: string, usage: string): Promise<HistoryStore> {
  try {
    return await openHistory(history);
  } catch (error) {
    throw new UsageError(
      `cannot open the history ${isPostgresUrl(history) ? 'database' : history}: ${(error as Error).message.slice(0, 300)}`,
      usage,
    );
  }
}

export interface WindowRead extends HistoryWindow {
  warnings: string[];
}

/** The window over the history (none: the given run alone) with the given run counted once. */
export async function readWindow(
  history: string | undefined,
  given: RunReport | undefined,
  query: { window: number; branch?: string; budget?: number; testBudget?: number },
  usage: string,
): Promise<WindowRead> {
  const now = Date.now();
  const q = {
    since: now - query.window,
    until: now,
    budget: query.budget,
    testBudget: query.testBudget,
    ...(query.branch ? { branch: query.branch } : {}),
  };
  const warnings: string[] = [];
  if (history === undefined) {
    const { FolderStore } = await import('../flakes/folderStore.ts');
    return { ...(await new FolderStore('').window(q, given ? [given] : [])), warnings };
  }
  if (!isPostgresUrl(history) && !existsSync(history) && given) warnings.push(`no history folder at ${history}.`);
  const store = await openStore(history, usage);
  try {
    const read = await store.window(q, given ? [given] : []).catch((error: unknown) => {
      throw error instanceof TypeError ? new UsageError(error.message.slice(0, 400), usage) : error;
    });
    return {
      ...read,
      warnings: [...warnings, ...read.unreadable.map((u) => `skipped an unreadable history file: ${u}`)],
    };
  } finally {
    await store.close();
  }
}
