/**
 * The faults each `faultProxy` has switched on, for a failure's evidence ("`replica` partitioned since 1.2 s, 127 bytes
 * held") and as events on the running test's span (`unflake.fault.injected`, `unflake.fault.healed`): in a trace view,
 * the partition sits beside what the services did. The proxies call in; nothing here runs unless they do.
 */
import { currentTestState } from '../runner/testState.ts';
import { globalSlot } from '../runtime/globalSlot.ts';
import { monotonicNow } from '../time/realTime.ts';
import type { OtelAttributes } from '../adapters/otel.ts';
import { liveSpans, testSpanOf } from './testSpan.ts';

export type FaultKind = 'latency' | 'partition' | 'refuse';

/** One proxy's switched-on faults, since when (monotonic ms). */
export interface ProxyFaults {
  readonly name: string;
  readonly held: () => number;
  readonly since: Map<FaultKind, { at: number; detail: string }>;
}

const proxies = (): Set<ProxyFaults> => globalSlot('faults.active.v1', () => new Set<ProxyFaults>());

function spanEvent(name: string, attributes: OtelAttributes): void {
  if (liveSpans().open === 0) return;
  try {
    testSpanOf(currentTestState())?.span.addEvent(name, attributes);
  } catch {
    /* a broken exporter must not break a fault switch */
  }
}

/** A proxy starts: tracked until it closes. */
export function trackProxy(name: string, held: () => number): ProxyFaults {
  const record: ProxyFaults = { name, held, since: new Map() };
  proxies().add(record);
  return record;
}

/** A fault switched on (a second switch keeps the first time: the fault has been on since then). `detail`: e.g. `200 ms`. */
export function faultInjected(proxy: ProxyFaults, kind: FaultKind, detail = ''): void {
  if (!proxy.since.has(kind)) proxy.since.set(kind, { at: monotonicNow(), detail });
  spanEvent('unflake.fault.injected', {
    'unflake.fault.proxy': proxy.name,
    'unflake.fault.kind': kind,
    ...(detail ? { 'unflake.fault.detail': detail } : {}),
  });
}

/** An instant fault (every open connection reset): an event only, nothing stays on. */
export function faultInstant(proxy: ProxyFaults, kind: 'reset', connections: number): void {
  spanEvent('unflake.fault.injected', {
    'unflake.fault.proxy': proxy.name,
    'unflake.fault.kind': kind,
    'unflake.fault.connections': connections,
  });
}

/** heal(): every fault off. */
export function faultsHealed(proxy: ProxyFaults): void {
  const healed = [...proxy.since.keys()];
  proxy.since.clear();
  spanEvent('unflake.fault.healed', {
    'unflake.fault.proxy': proxy.name,
    'unflake.fault.kinds': healed,
    'unflake.fault.held_bytes': proxy.held(),
  });
}

export function proxyClosed(proxy: ProxyFaults): void {
  proxies().delete(proxy);
}

function seconds(ms: number): string {
  return ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1_000).toFixed(1)} s`;
}

const WORDS: Record<FaultKind, string> = {
  partition: 'partitioned',
  refuse: 'refusing connections',
  latency: 'delayed',
};

/** One line per proxy with a fault on: "`replica` partitioned since 1.2 s, 127 bytes held". Bounded: at most 8 proxies. */
export function activeFaults(now = monotonicNow()): string[] {
  const lines: string[] = [];
  for (const proxy of proxies()) {
    if (proxy.since.size === 0) continue;
    const faults = [...proxy.since].map(
      ([kind, { at, detail }]) => `${WORDS[kind]}${detail ? ` ${detail}` : ''} since ${seconds(now - at)}`,
    );
    const held = proxy.held();
    lines.push(`\`${proxy.name}\` ${faults.join(', ')}${held ? `, ${held} bytes held` : ''}`);
    if (lines.length === 8) break;
  }
  return lines;
}
