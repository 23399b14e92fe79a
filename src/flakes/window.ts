/**
 * The flake rate over a window of runs (see windowTypes.ts for its shape): run reports folded one at a
 * time (windowFold.ts), then finished (windowFinish.ts). Every history store ends in the same two steps.
 */
import type { RunReport } from './schema.ts';
import { finishWindow } from './windowFinish.ts';
import { WindowFold } from './windowFold.ts';
import type { FlakeWindow, WindowOptions } from './windowTypes.ts';

export type * from './windowTypes.ts';

/** Runs (or shards) folded into the window, in any order: the shards of one run id are one run. */
export function flakeWindow(runs: readonly RunReport[], options: WindowOptions): FlakeWindow {
  const to = options.now ?? Date.now();
  const query = { from: to - options.window, to, ...(options.branch === undefined ? {} : { branch: options.branch }) };
  const fold = new WindowFold(query);
  for (const r of runs) fold.add(r);
  return finishWindow(fold.state(), { ...query, budget: options.budget, testBudget: options.testBudget });
}
