/** The types `checkConvergence` and its search share (re-exported by checkConvergence.ts). */
import type { Delivery } from './deliveryPlan.ts';
import type { NormalizedConvergence, Observation } from './options.ts';
import type { Stop } from './session.ts';

/** The validated options (see options.ts) plus the runner's equality and the matcher's name (for errors). */
export type ConvergenceSettings = Omit<NormalizedConvergence, 'events' | keyof Observation> &
  Partial<Observation> & { equals: (a: unknown, b: unknown) => boolean; where?: string | undefined };

/** Which run a call belonged to. */
export type RunName =
  | { kind: 'canonical' }
  | { kind: 'explore'; run: number }
  | { kind: 'shrink'; candidate: number }
  | { kind: 'replay' }
  | { kind: 'confirm' };

export interface ConvergenceSite {
  run: RunName;
  fn: 'handler' | 'reset' | 'state';
  order: readonly Delivery[];
  /** For the handler: the delivery's position in `order`. */
  position?: number;
}

export type ConvergenceStop = Stop<ConvergenceSite>;

/** Why shrinking ended before the counterexample was shown minimal. */
export type ShrinkCut =
  { by: 'runs'; limit: number } | { by: 'time'; limit: number } | { by: 'stop'; stop: ConvergenceStop };
