/**
 * The services' OpenTelemetry setup, loaded before the service with `node --import ./tracing.ts service.ts`, as
 * a service does in production: the Node SDK, its HTTP instrumentation (server spans for requests in, client spans
 * for requests out, `traceparent` read and written), and an OTLP/HTTP exporter reading the standard
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`. Nothing here knows about tests or unflake.
 */
import { createRequire } from 'node:module';
import { propagation, ROOT_CONTEXT, type Context } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace';

// Traces only: the SDK would otherwise export metrics and logs over OTLP too.
process.env.OTEL_METRICS_EXPORTER ??= 'none';
process.env.OTEL_LOGS_EXPORTER ??= 'none';

const sdk = new NodeSDK({
  serviceName: process.env.OTEL_SERVICE_NAME ?? 'service',
  spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter(), scheduledDelayMillis: 100 })],
  instrumentations: [new HttpInstrumentation()],
  resourceDetectors: [],
});
sdk.start();
// The instrumentation patches `http` when it is first required: do it now, before the service imports it.
createRequire(import.meta.url)('node:http');

/**
 * The context a parent process handed over in its environment (`TRACEPARENT`, `TRACESTATE`, …: what
 * `testTrace().env()` sets), through the registered propagator: the service's own start-up work joins that trace.
 */
export function contextFromEnvironment(): Context {
  const carrier = Object.fromEntries(Object.entries(process.env).map(([name, value]) => [name.toLowerCase(), value]));
  return propagation.extract(ROOT_CONTEXT, carrier);
}

/** Ends the SDK: the spans still batched are exported first. */
export function shutdownTracing(): Promise<void> {
  return sdk.shutdown().catch(() => undefined);
}
