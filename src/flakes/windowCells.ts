/**
 * The fold's cells and shapes (one byte per test per run), apart from the fold itself so that its helpers
 * (windowStage.ts, windowOrder.ts) and the stores use them without importing the fold.
 */
import { CATEGORIES, type FlakeCategory, type QuarantineMark, type TestStatus } from './schema.ts';
import type { Evidence } from './windowTypes.ts';

/** Status codes in cells, worst highest (0: not in that run). */
export const STATUS_CODES: Record<TestStatus, number> = { skipped: 1, passed: 2, flaky: 3, failed: 4 };
export const STATUS_OF: (TestStatus | null)[] = [null, 'skipped', 'passed', 'flaky', 'failed'];

/** One byte per cell: status << 3 | quarantined << 2 | category of the first failure. The max of two is the worse record. */
export function cellCode(status: TestStatus, quarantined: boolean, category: FlakeCategory | undefined): number {
  const skipped = status === 'skipped';
  return (
    (STATUS_CODES[status] << 3) |
    (quarantined && !skipped ? 4 : 0) |
    (skipped ? 0 : CATEGORIES.indexOf(category ?? 'unknown'))
  );
}
export const cellStatus = (code: number): number => code >> 3;
export const cellQuarantined = (code: number): boolean => (code & 4) !== 0;
export const cellCategory = (code: number): FlakeCategory => CATEGORIES[code & 3]!;

/** A run of the window: its shards' latest finish (within the window) and the commit and branch they agree on. */
export interface FoldRun {
  id: string;
  finishedAt: string;
  sha?: string;
  branch?: string;
}

/** What the fold keeps of one test: everything the finishing step needs, nothing per record. */
export interface FoldTest {
  file: string;
  name: string;
  /** One cell per run ordinal (the order runs were first seen), 0 when not in that run. */
  cells: Uint8Array;
  /** First and last retried-flaky record in everything read (not only the window). */
  firstSeen?: string;
  lastSeen?: string;
  evidence?: Evidence;
  evidenceKey?: string;
  /** The latest record in the window that ran: its quarantine mark, if any. */
  quarantined?: QuarantineMark;
  latestKey?: string;
}

export interface FoldQuery {
  from: number;
  to: number;
  branch?: string;
}

export interface FoldState {
  runs: FoldRun[];
  tests: Map<string, FoldTest>;
}

/** A test with no cell yet. */
export const NO_CELLS = new Uint8Array(0);
