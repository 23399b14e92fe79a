/** The order of a window's runs, shared by the fold, the finishing step and Postgres. */
import type { FoldRun } from './windowCells.ts';

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Runs by finish then id (code point order, as Postgres' COLLATE "C"), and where each came from. */
export function inRunOrder(unordered: readonly FoldRun[]): { runs: FoldRun[]; order: number[] } {
  const order = unordered
    .map((_, i) => i)
    .sort(
      (a, b) =>
        byCodePoint(unordered[a]!.finishedAt, unordered[b]!.finishedAt) ||
        byCodePoint(unordered[a]!.id, unordered[b]!.id),
    );
  return { runs: order.map((i) => unordered[i]!), order };
}
