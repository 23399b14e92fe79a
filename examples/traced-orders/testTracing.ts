/**
 * The test process's tracing (in a project of your own: a setup file, `setupFiles: ['unflake/vitest', './tracing.ts']`;
 * here the example's test files import it first, so the other examples run without a provider). A collector stand-in
 * on 127.0.0.1 (what Jaeger, Tempo or an OpenTelemetry Collector is in CI) and the Node SDK exporting to it over
 * OTLP/HTTP. With a tracer provider registered, unflake makes each test attempt a span and each eventual assertion a
 * child of it, and `testTrace()` is that span.
 */
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace';
import { afterAll } from 'vitest';
import { eventually } from 'unflake';
import { startOtlpReceiver, type ReceivedSpan } from '../../test/support/otlpReceiver.ts';

export const collector = await startOtlpReceiver();

process.env.OTEL_METRICS_EXPORTER ??= 'none';
process.env.OTEL_LOGS_EXPORTER ??= 'none';
const processor = new BatchSpanProcessor({
  exporter: new OTLPTraceExporter({ url: collector.tracesUrl }),
  scheduledDelayMillis: 100,
});
const sdk = new NodeSDK({ serviceName: 'tests', spanProcessors: [processor], resourceDetectors: [] });
sdk.start();

/**
 * The spans of a finished test's trace, once its own span has arrived: the test process's ended spans are exported
 * now (the services exported theirs when they stopped).
 */
export async function receivedTrace(traceId: string, testSpanId: string): Promise<ReceivedSpan[]> {
  await processor.forceFlush();
  return eventually(
    () => collector.trace(traceId),
    (spans) => spans.some((span) => span.spanId === testSpanId),
  );
}

afterAll(async () => {
  await sdk.shutdown();
  await collector.close();
});
