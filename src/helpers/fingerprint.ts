/**
 * The run fingerprint every unflake failure ends with, inside a test: which trace, which worker, which
 * namespaces the test created, the seed that reproduces its data, the commit, and the fields set with
 * `configure({ fingerprint })` (region, image tag, …), so a CI failure can be matched with the
 * system's logs and reproduced.
 */
import { inspect } from '../runtime/builtins.ts';
import { firstVariable, SHA_VARIABLES } from '../flakes/runInfo.ts';
import { configuredDefaults } from '../options/defaults.ts';
import { currentTestState } from '../runner/testState.ts';
import { currentTestName } from './currentTest.ts';
import { SEED_ENV, SEED_USED_KEY, runSeed } from './testSeed.ts';
import { testTrace } from './testTrace.ts';
import { NAMESPACES_KEY, currentWorker, defaultNamespaceId } from './workerNamespace.ts';
import { clip } from '../report/firstLine.ts';

export type FingerprintFields = Record<string, string | number | boolean | null | undefined>;

export interface RunFingerprint {
  traceId: string;
  /** The test's own span, printed when the trace came from a `TRACEPARENT` parent (every test shares its trace id). */
  spanId?: string | undefined;
  worker: string;
  /** The first of `namespaces`. */
  namespace: string;
  /** Those the test created (testNamespace, workerNamespace inside it), else the default worker namespace. */
  namespaces: string[];
  /** The run seed (`UNFLAKE_SEED`), when the test used its seed. */
  runSeed?: number | undefined;
  sha?: string | undefined;
  fields: Array<[string, string]>;
  /** A matcher's own seed (toConvergeInAnyOrder). */
  seed?: number | string | undefined;
}

const RESERVED = new Set([
  'trace',
  'span',
  'worker',
  'namespace',
  'namespaces',
  'seed',
  'sha',
  'run',
  SEED_ENV.toLowerCase(),
]);
const MAX_FIELDS = 12;
const MAX_VALUE = 80;
const MAX_NAMESPACES = 4;

/** configure({ fingerprint }) validation: a flat object of short scalar values with plain keys. */
export function checkFingerprintFields(where: string, value: unknown): void {
  if (value === undefined) return;
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new TypeError(
      `${where}: \`fingerprint\` must be an object of fields for the "Run:" line, e.g. { region: 'eu-west-1', image: process.env.IMAGE_TAG }, got ${inspect(value, { depth: 0 })}.`,
    );
  const entries = Object.entries(value);
  if (entries.length > MAX_FIELDS)
    throw new TypeError(
      `${where}: \`fingerprint\` has ${entries.length} fields; at most ${MAX_FIELDS} fit on the "Run:" line.`,
    );
  for (const [key, field] of entries) {
    if (!/^[A-Za-z][\w.-]{0,31}$/.test(key))
      throw new TypeError(
        `${where}: \`fingerprint\` field names must start with a letter and use letters, digits, \`_\`, \`.\`, \`-\` (at most 32), got ${JSON.stringify(key)}.`,
      );
    if (RESERVED.has(key.toLowerCase()))
      throw new TypeError(
        `${where}: \`fingerprint.${key}\` is already part of the "Run:" line${key === 'sha' ? ' (set UNFLAKE_GIT_SHA to override the commit)' : ''}; use another name.`,
      );
    if (field !== undefined && field !== null && !['string', 'number', 'boolean'].includes(typeof field))
      throw new TypeError(
        `${where}: \`fingerprint.${key}\` must be a string, number or boolean (or undefined to leave it out), got ${inspect(field, { depth: 0 })}.`,
      );
  }
}

/** On one line (whitespace runs become one space), clipped: a field of the one-line "Run:" fingerprint. */
function oneLine(text: string, max = MAX_VALUE): string {
  return clip(text.replace(/\s+/g, ' ').trim(), max);
}

/** The commit from the CI variables (the one list the run report reads, src/flakes/runInfo.ts): 12 hex digits of a SHA, anything else as given (clipped). */
export function gitSha(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = firstVariable(SHA_VARIABLES, env);
  if (value === undefined) return undefined;
  return /^[0-9a-f]{7,64}$/i.test(value) ? value.slice(0, 12).toLowerCase() : oneLine(value, 40);
}

function configuredFields(): Array<[string, string]> {
  const fields = (configuredDefaults() as { fingerprint?: FingerprintFields }).fingerprint ?? {};
  return Object.entries(fields)
    .filter(([, value]) => value !== undefined && value !== null && value !== '')
    .map(([key, value]) => [key, oneLine(String(value))]);
}

export function runFingerprint(extra?: { seed?: number | string | undefined }): RunFingerprint {
  const worker = currentWorker();
  const values = currentTestState()?.values;
  const created = (values?.get(NAMESPACES_KEY) as string[] | undefined) ?? [];
  const namespaces = created.length ? created : [defaultNamespaceId()];
  const trace = testTrace();
  return {
    traceId: trace.traceId,
    ...(trace.parentSpanId || trace.fromOpenTelemetry ? { spanId: trace.spanId } : {}),
    worker: worker.source === 'pid' ? `pid ${worker.index}` : `${worker.source} ${worker.index}`,
    namespace: namespaces[0]!,
    namespaces,
    ...(values?.get(SEED_USED_KEY) ? { runSeed: runSeed() } : {}),
    sha: gitSha(),
    fields: configuredFields(),
    ...(extra?.seed === undefined ? {} : { seed: extra.seed }),
  };
}

/**
 * `Run: trace … · worker … · namespace … · UNFLAKE_SEED … · sha … · region … · seed …`, one line, bounded.
 * Each part is `key value`, as the run report parses it (src/flakes/evidence.ts).
 */
export function formatFingerprint(f: RunFingerprint): string {
  const shown =
    f.namespaces.slice(0, MAX_NAMESPACES).join(', ') +
    (f.namespaces.length > MAX_NAMESPACES ? ` (+${f.namespaces.length - MAX_NAMESPACES} more)` : '');
  const parts = [
    `trace ${f.traceId}${f.spanId ? ` span ${f.spanId}` : ''}`,
    `worker ${f.worker}`,
    `${f.namespaces.length > 1 ? 'namespaces' : 'namespace'} ${shown}`,
    f.runSeed === undefined ? undefined : `${SEED_ENV} ${f.runSeed}`,
    f.sha === undefined ? undefined : `sha ${f.sha}`,
    ...f.fields.map(([key, value]) => `${key} ${value}`),
    f.seed === undefined ? undefined : `seed ${f.seed}`,
  ];
  return `Run: ${parts.filter((part) => part !== undefined).join(' · ')}`;
}

/** The last section of a failure message, or undefined outside a test (nothing to correlate with). */
export function fingerprintSection(extra?: { seed?: number | string | undefined }): string | undefined {
  if (currentTestName() === undefined) return undefined;
  try {
    return formatFingerprint(runFingerprint(extra));
  } catch {
    return undefined;
  }
}

/** Appends the fingerprint section to a finished message (used by the delivery matchers' formatters). */
export function withFingerprint(message: string, extra?: { seed?: number | string | undefined }): string {
  const section = fingerprintSection(extra);
  return section ? `${message}\n\n${section}` : message;
}
