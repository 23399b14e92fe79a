/**
 * Delivery-semantics bench (issue #5 goals): orders explored per second for a 6-event handler
 * (goal: 100 orders in under 100 ms for a trivial one), and the time to find and shrink a planted
 * ordering bug to its 1-minimal counterexample (goal: under 1 s). Run by bench/run.ts.
 */
import { isDeepStrictEqual } from 'node:util';
import { checkConvergence, type ConvergenceSettings } from '../src/delivery/checkConvergence.ts';
import { formatSchedule } from '../src/delivery/schedule.ts';

type Event = { id: string; seq: number; amount: number; name?: string };
const events: Event[] = Array.from({ length: 6 }, (_, i) => ({
  id: `e${i + 1}`,
  seq: i + 1,
  amount: i + 1,
  ...(i % 2 === 0 ? { name: `n${i + 1}` } : {}),
}));

let state = { total: 0, name: '', nameSeq: 0, seen: new Set<string>() };
const reset = (): void => void (state = { total: 0, name: '', nameSeq: 0, seen: new Set() });
const snapshot = (): unknown => ({ total: state.total, name: state.name });
const correct = (e: Event): void => {
  if (state.seen.has(e.id)) return;
  state.seen.add(e.id);
  state.total += e.amount;
  if (e.name && e.seq > state.nameSeq) [state.name, state.nameSeq] = [e.name, e.seq];
};
const lastWriteWins = (e: Event): void => {
  if (state.seen.has(e.id)) return;
  state.seen.add(e.id);
  state.total += e.amount;
  if (e.name) state.name = e.name; // planted bug: arrival order wins
};

const settings = (seed: number, runs = 100): ConvergenceSettings => ({
  reset,
  state: snapshot,
  runs,
  seed,
  duplicates: true,
  keyOf: undefined,
  schedule: undefined,
  equals: isDeepStrictEqual,
  deliveryTimeout: undefined,
  maxShrinks: 1000,
  shrinkTimeout: undefined,
});
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function runDeliveryBench(): Promise<string> {
  for (let i = 0; i < 5; i++) await checkConvergence(correct as never, events, settings(i));
  const explore: number[] = [];
  for (let seed = 0; seed < 30; seed++) {
    const started = performance.now();
    const result = await checkConvergence(correct as never, events, settings(seed));
    if (result.verdict !== 'converged') throw new Error('bench: the correct handler diverged');
    explore.push(performance.now() - started);
  }
  const shrink: number[] = [];
  const minimal: string[] = [];
  for (let seed = 0; seed < 20; seed++) {
    const started = performance.now();
    const result = await checkConvergence(lastWriteWins as never, events, settings(seed));
    shrink.push(performance.now() - started);
    if (result.verdict !== 'diverged') throw new Error(`bench: the planted bug was not found with seed ${seed}`);
    minimal.push(formatSchedule(result.order));
  }
  const deviating = minimal.filter((order) => order.split(' ').some((token, i) => token !== `e${i + 1}`));
  const oneMove = minimal.filter((order) => order.split(' ').length === events.length).length;
  const p50 = median(explore);
  return [
    '### Delivery semantics (6 events, `duplicates: true`, engine called directly)',
    '',
    '| measure | p50 | max | goal | met |',
    '| --- | ---: | ---: | --- | --- |',
    `| 100 orders, trivial correct handler (30 seeds) | ${p50.toFixed(1)} ms (${Math.round(100_000 / p50)} orders/s) | ${Math.max(...explore).toFixed(1)} ms | < 100 ms | ${p50 < 100 ? 'yes' : 'no'} |`,
    `| find + shrink a last-write-wins bug (20 seeds) | ${median(shrink).toFixed(1)} ms | ${Math.max(...shrink).toFixed(1)} ms | < 1 s | ${Math.max(...shrink) < 1000 ? 'yes' : 'no'} |`,
    '',
    `Shrunk counterexamples: ${deviating.length}/20 deviate from the canonical order, ${oneMove}/20 without any redelivery left; examples: ${[
      ...new Set(minimal),
    ]
      .slice(0, 4)
      .map((o) => `\`${o}\``)
      .join(', ')}.`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await runDeliveryBench());
