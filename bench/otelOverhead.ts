/**
 * The cost of issue 21's span per test attempt and span per poll, in µs, from source in one Node process:
 *
 * - per test: runWrappedTest (what Vitest's aroundEach runs per attempt: the test's state, its span, its end)
 *   around an empty test body, without a registered provider and with one (a TracerProvider whose processor
 *   drops each span: the SDK's own cost of starting and ending it is in the figure, an exporter's is not);
 * - per poll: an already-true `eventually()` inside such a test (minus the empty test), without and with one;
 * - the two no-provider checks alone, in ns.
 *
 * Without a provider nothing of OpenTelemetry is loaded (checked: no module under @opentelemetry in the module
 * cache before it is registered). Rounds alternate without/with; CPU time, median of `rounds` rounds of `n` tests.
 * `node bench/otelOverhead.ts [n] [rounds]`.
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

/** CPU µs per test (user + system: what a loaded machine distorts least) of one batch of `n` tests. */
async function batch(body: () => unknown): Promise<number> {
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++)
    await runWrappedTest({ runner: 'vitest', name: `bench/otel.ts > suite > test ${i % 100}` }, body);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / n;
}

const empty = (): void => undefined;
const poll = (): Promise<number> =>
  eventually(
    () => 1,
    (value) => value === 1,
    { timeout: 1_000 },
  );

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
  const checks = checkNs();
  const loadedWithout = loadedOtel();
  const { trace, context } = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } =
    require('@opentelemetry/context-async-hooks') as typeof import('@opentelemetry/context-async-hooks');
  const { TracerProvider } = require('@opentelemetry/sdk-trace') as typeof import('@opentelemetry/sdk-trace');
  let spans = 0;
  const drop = {
    onStart: () => undefined,
    onEnd: () => void spans++,
    forceFlush: async () => undefined,
    shutdown: async () => undefined,
  };
  const provider = new TracerProvider({ spanProcessors: [drop] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  // Rounds alternate without and with a registered provider, so a busy machine weighs on both alike.
  const samples = { test: [[], []] as number[][], poll: [[], []] as number[][] };
  for (let round = 0; round <= rounds; round++) {
    for (const withProvider of [0, 1]) {
      if (withProvider) trace.setGlobalTracerProvider(provider);
      else trace.disable();
      const test = await batch(empty);
      const polled = await batch(poll);
      if (round === 0) continue; // warm-up
      samples.test[withProvider]!.push(test);
      samples.poll[withProvider]!.push(polled - test);
    }
  }
  const [testWithout, testWith, pollWithout, pollWith] = [
    samples.test[0]!,
    samples.test[1]!,
    samples.poll[0]!,
    samples.poll[1]!,
  ].map(median) as [number, number, number, number];
  const result = {
    node: process.version,
    n,
    rounds,
    unit: 'CPU µs (user + system), median of the rounds',
    withoutProvider: { testUs: testWithout, pollUs: pollWithout, ...checks, otelModulesLoaded: loadedWithout.length },
    withProvider: { testUs: testWith, pollUs: pollWith, spansEnded: spans },
    spanPerTestUs: testWith - testWithout,
    spanPerPollUs: pollWith - pollWithout,
  };
  console.log(
    JSON.stringify(
      result,
      (_, value: unknown) =>
        typeof value === 'number' && !Number.isInteger(value) ? Math.round(value * 100) / 100 : value,
      2,
    ),
  );
}

await main();
