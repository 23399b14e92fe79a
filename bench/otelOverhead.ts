/**
 * The cost of issue 21's span per test attempt and span per poll, in µs, from source in one Node process:
 *
 * - per test: runWrappedTest (what Vitest's aroundEach runs per attempt: the test's state, its span, its end)
 *   around an empty test body, without a registered provider, then with one (a TracerProvider whose processor
 *   drops each span: the SDK's own cost of starting and ending it is in the figure, an exporter's is not);
 * - per poll: an already-true `eventually()` inside such a test, without and with a provider.
 *
 * Without a provider nothing of OpenTelemetry is loaded (checked: no module under @opentelemetry in the module
 * cache before the provider phase). Median of `rounds` rounds of `n` each. `node bench/otelOverhead.ts [n] [rounds]`.
 */
import { createRequire } from 'node:module';
import { runWrappedTest } from '../matchers/registerHooks.ts';
import { eventually } from '../src/eventually.ts';
import { otelTracer } from '../src/adapters/otel.ts';
import { pollSpanFor } from '../src/otel/pollSpan.ts';

const require = createRequire(import.meta.url);
const n = Number(process.argv[2] ?? 20_000);
const rounds = Number(process.argv[3] ?? 7);

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const loadedOtel = (): string[] => Object.keys(require.cache).filter((path) => path.includes('@opentelemetry'));

async function perTest(body: () => unknown): Promise<number> {
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await runWrappedTest({ runner: 'vitest', name: `bench/otel.ts > suite > test ${i % 100}` }, body);
    samples.push(Number(process.hrtime.bigint() - start) / 1e3 / n);
  }
  return median(samples);
}

const empty = (): void => undefined;
const poll = (): Promise<number> =>
  eventually(
    () => 1,
    (value) => value === 1,
    { timeout: 1_000 },
  );

async function measure(): Promise<{ testUs: number; testWithPollUs: number }> {
  return { testUs: await perTest(empty), testWithPollUs: await perTest(poll) };
}

/** ns per call of the two checks the no-provider path makes: once per test (otelTracer), once per poll (pollSpanFor). */
function checkNs(): { perTestCheckNs: number; perPollCheckNs: number } {
  const time = (fn: () => unknown): number => {
    const calls = 2_000_000;
    const start = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) fn();
    return Number(process.hrtime.bigint() - start) / calls;
  };
  time(otelTracer);
  time(() => pollSpanFor('bench', 'eventually'));
  return { perTestCheckNs: time(otelTracer), perPollCheckNs: time(() => pollSpanFor('bench', 'eventually')) };
}

async function main(): Promise<void> {
  await measure(); // warm-up
  const without = { ...(await measure()), ...checkNs() };
  const loadedWithout = loadedOtel();

  const { trace, context } = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks') as typeof import('@opentelemetry/context-async-hooks');
  const { TracerProvider } = require('@opentelemetry/sdk-trace') as typeof import('@opentelemetry/sdk-trace');
  let spans = 0;
  const drop = { onStart: () => undefined, onEnd: () => void spans++, forceFlush: async () => undefined, shutdown: async () => undefined };
  trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [drop] }));
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  await measure(); // warm-up
  const withProvider = await measure();

  const result = {
    node: process.version,
    n,
    rounds,
    withoutProvider: { ...without, pollUs: without.testWithPollUs - without.testUs, otelModulesLoaded: loadedWithout.length },
    withProvider: { ...withProvider, pollUs: withProvider.testWithPollUs - withProvider.testUs, spansEnded: spans },
    spanPerTestUs: withProvider.testUs - without.testUs,
    spanPerPollUs: withProvider.testWithPollUs - withProvider.testUs - (without.testWithPollUs - without.testUs),
  };
  console.log(JSON.stringify(result, (_, value: unknown) => (typeof value === 'number' && !Number.isInteger(value) ? Math.round(value * 100) / 100 : value), 2));
}

await main();
