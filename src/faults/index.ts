/**
 * `unflake/faults`: faults to inject between a test and a real component (SPEC section 5).
 *
 *   await using proxy = await faultProxy({ target: 'localhost:5432', name: 'replica' })
 *   proxy.latency(40, { jitter: 30 }); proxy.partition(); proxy.heal()
 */
export { faultProxy } from './faultProxy.ts';
export type { FaultProxy, FaultStats } from './faultProxy.ts';
export type { Direction, FaultProxyOptions, LatencyOptions } from './options.ts';
