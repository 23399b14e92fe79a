/**
 * The reporter's `otlp` option (issue 21 item 4), checked once for the Vitest, Jest and Playwright reporters, and which
 * OTLP exporter package the standard `OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL` variable asks for.
 */
import { describeValue } from '../options/checkMs.ts';
import { checkOptions } from '../options/checkOptions.ts';

export interface OtlpOptions {
  /** The traces endpoint (`…/v1/traces`); default: the `OTEL_EXPORTER_OTLP_*` variables, else the exporter's default. */
  endpoint?: string;
  /** Sent with the request (an API key); default: `OTEL_EXPORTER_OTLP_(TRACES_)HEADERS`. */
  headers?: Record<string, string>;
  /** How long to wait for the collector, in ms. Default 10 000. */
  timeout?: number;
}

export const OTLP_KEYS = ['endpoint', 'headers', 'timeout'];

export const OTLP_PACKAGES = {
  'http/json': '@opentelemetry/exporter-trace-otlp-http',
  'http/protobuf': '@opentelemetry/exporter-trace-otlp-proto',
} as const;

export type OtlpProtocol = keyof typeof OTLP_PACKAGES;

/**
 * The protocol the variables ask for: `http/protobuf` or `http/json` (the default when unset, as unflake has always
 * sent); `grpc` or anything else is an error message (unflake sends over HTTP only).
 */
export function otlpProtocol(env: NodeJS.ProcessEnv): OtlpProtocol | { error: string } {
  const variable = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL?.trim()
    ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'
    : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const value = env[variable]?.trim().toLowerCase();
  if (!value) return 'http/json';
  if (value === 'http/json' || value === 'http/protobuf') return value;
  return {
    error: `${variable}=${JSON.stringify(value.slice(0, 40))}: unflake exports over http/protobuf or http/json only (set one of them, and the collector's HTTP endpoint, usually port 4318)`,
  };
}

/** The `otlp` option as settings: undefined when off, `{}` for `true`; bad values are TypeErrors naming `where`. */
export function checkOtlpOption(where: string, value: unknown): OtlpOptions | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new TypeError(
      `${where}: \`otlp\` must be true, false or { endpoint?, headers?, timeout? }, got ${describeValue(value)}.`,
    );
  const o = checkOptions(`${where} \`otlp\``, value, OTLP_KEYS);
  if (o.endpoint !== undefined && (typeof o.endpoint !== 'string' || !/^https?:\/\/[^\s/]+/.test(o.endpoint)))
    throw new TypeError(
      `${where}: \`otlp.endpoint\` must be an http(s) URL such as 'http://localhost:4318/v1/traces', got ${describeValue(o.endpoint)}.`,
    );
  const headers = o.headers;
  if (
    headers !== undefined &&
    (headers === null ||
      typeof headers !== 'object' ||
      Array.isArray(headers) ||
      Object.values(headers).some((v) => typeof v !== 'string'))
  )
    throw new TypeError(
      `${where}: \`otlp.headers\` must be an object of string values such as { 'x-api-key': '…' }, got ${describeValue(headers)}.`,
    );
  if (o.timeout !== undefined && (typeof o.timeout !== 'number' || !(o.timeout > 0) || !Number.isFinite(o.timeout)))
    throw new TypeError(
      `${where}: \`otlp.timeout\` must be a finite number of milliseconds > 0, got ${describeValue(o.timeout)}.`,
    );
  return {
    ...(o.endpoint ? { endpoint: o.endpoint as string } : {}),
    ...(headers ? { headers: { ...(headers as Record<string, string>) } } : {}),
    ...(o.timeout ? { timeout: o.timeout as number } : {}),
  };
}
