/** What every history store answers (store.ts opens one; folderStore.ts and postgresStore.ts implement it). */
import type { RunReport } from './schema.ts';
import type { FlakeWindow } from './windowTypes.ts';

/** Which runs a history store's `window()` reads, and the budgets it judges them on. */
export interface WindowQuery {
  /** Start of the window (ms since the epoch): runs that finished at or after it. */
  since: number;
  /** End of the window (default: now). */
  until?: number;
  /** Only runs on this branch. */
  branch?: string;
  /** The largest acceptable overall flake rate (a fraction, e.g. 0.02). */
  budget?: number;
  /** The largest acceptable flake rate of any one test (a fraction). */
  testBudget?: number;
}

/** What a history store's `window()` returns: the window, and the runs it could not read. */
export interface HistoryWindow {
  /** The flake rate over the window's runs. */
  window: FlakeWindow;
  /** Runs that could not be read (each a one-line reason): reported, never fatal. */
  unreadable: string[];
}

/** A place run reports are kept across runs (a folder or a Postgres database; `openHistory()` opens one). */
export interface HistoryStore {
  /** The folder or the URL without its password, for messages. */
  readonly where: string;
  /** Files one run (or one shard of it); appending the same run id and shard again changes nothing (Postgres) or adds a copy that counts once (folder). Returns where it went. */
  append(run: RunReport): Promise<string>;
  /**
   * The window's statistics. `given`: runs read from files named on a command line, counted with the
   * history (a copy of them already in it counts once).
   */
  window(query: WindowQuery, given?: readonly RunReport[]): Promise<HistoryWindow>;
  /** Deletes runs that finished before `before` (ms since the epoch); returns how many went. */
  prune(before: number): Promise<number>;
  /** The newest run, for JUnit of "the latest run" (undefined when the store keeps no full reports). */
  latest(): Promise<RunReport | undefined>;
  /** Releases the store (the database connection; nothing for a folder). Call it once done. */
  close(): Promise<void>;
}
