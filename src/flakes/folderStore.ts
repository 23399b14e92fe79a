/**
 * The history folder as a store: one gzipped run file per run or shard (history.ts writes them), read
 * one file at a time, and each file in chunks of records (runFile.ts), into the window fold: memory is
 * one byte per test per run in the window plus one chunk, never a whole report (whose object graph
 * would outlive the young generation and grow the heap with garbage).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pruneHistory, readRunReport, reportFiles, writeHistory } from './history.ts';
import { openRunFile } from './runFile.ts';
import { testId, type RunReport } from './schema.ts';
import type { HistoryStore, HistoryWindow, WindowQuery } from './storeTypes.ts';
import { finishWindow } from './windowFinish.ts';
import { WindowFold } from './windowFold.ts';

/** A run file's identity: the same run and shard, finished at the same time, is one copy. */
export const copyKey = (r: RunReport): string =>
  `${r.run.id}|${r.run.shard?.index ?? ''}/${r.run.shard?.count ?? ''}|${r.run.finishedAt}`;

export class FolderStore implements HistoryStore {
  readonly where: string;

  constructor(dir: string) {
    this.where = dir;
  }

  append(run: RunReport): Promise<string> {
    return Promise.resolve(writeHistory(this.where, run));
  }

  #files(): string[] {
    try {
      return reportFiles(this.where);
    } catch {
      return [];
    }
  }

  window(query: WindowQuery, given: readonly RunReport[] = []): Promise<HistoryWindow> {
    const to = query.until ?? Date.now();
    const range = { from: query.since, to, ...(query.branch === undefined ? {} : { branch: query.branch }) };
    const fold = new WindowFold(range);
    const skip = new Set(given.map(copyKey));
    const unreadable: string[] = [];
    // Given first: they win over a copy of the same run shard in the history (the fold counts each once).
    for (const r of given) fold.add(r);
    for (const file of this.#files()) {
      try {
        const read = openRunFile(file);
        // Every record is read and checked even when the run is skipped: a broken file is reported either way.
        const wanted = !skip.has(copyKey(read.header)) && fold.begin(read.header);
        for (const records of read.chunks()) if (wanted) fold.stage(records);
        if (wanted) fold.commit();
      } catch (error) {
        unreadable.push(`${file}: ${(error as Error).message.slice(0, 300)}`);
      }
    }
    return Promise.resolve({
      window: finishWindow(fold.state(), { ...range, budget: query.budget, testBudget: query.testBudget }),
      unreadable,
    });
  }

  /**
   * Every test (file and name) recorded in the window's runs, read as the window reads them: what a
   * quarantine entry is checked against (`unflake flakes quarantine`), stable tests included, which
   * the window does not list. Unreadable files are skipped (the window reports them).
   */
  testsSeen(query: WindowQuery): { runs: number; tests: { file: string; name: string }[] } {
    const to = query.until ?? Date.now();
    const seen = new Map<string, { file: string; name: string }>();
    const runs = new Set<string>();
    for (const file of this.#files()) {
      try {
        const read = openRunFile(file);
        const at = Date.parse(read.header.run.finishedAt);
        const wanted =
          at >= query.since && at <= to && (query.branch === undefined || read.header.run.branch === query.branch);
        for (const records of read.chunks())
          if (wanted) for (const t of records) seen.set(testId(t), { file: t.file, name: t.name });
        if (wanted) runs.add(read.header.run.id);
      } catch {
        // unreadable: the window names it
      }
    }
    return { runs: runs.size, tests: [...seen.values()] };
  }

  prune(before: number): Promise<number> {
    return Promise.resolve(pruneHistory(this.where, before));
  }

  /** The newest readable run file by the time in its name (the files the reporter writes start with it). */
  latest(): Promise<RunReport | undefined> {
    const files = this.#files().reverse();
    for (const file of files) {
      try {
        return Promise.resolve(readRunReport(file));
      } catch {
        // unreadable: try the one before
      }
    }
    return Promise.resolve(undefined);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Whether `dir` exists as a folder (a missing history folder is an empty history). */
export function folderExists(dir: string): boolean {
  try {
    readdirSync(join(dir));
    return true;
  } catch {
    return false;
  }
}
