/** The reporter's options, checked once: bad values are TypeErrors that name the reporter and the option. */
import { describeValue } from '../src/options/checkMs.ts';
import { checkOptions } from '../src/options/checkOptions.ts';
import { DURATION_EXAMPLES, parseDuration, parseRate } from '../src/flakes/units.ts';
import { checkOtlpOption, type OtlpOptions } from '../src/otel/otlpOptions.ts';

/** Options of the flake reporters (Vitest, Jest and Playwright Test take the same ones). */
export interface FlakeReporterOptions {
  /**
   * Highest acceptable flake rate, e.g. 0.005 or '0.5%': the run fails above it. With `history`, it
   * is judged over `window`. `{ overall, perTest }` also fails the run when one test's own rate over
   * the window is above `perTest`.
   */
  budget?:
    | number
    | string
    | {
        /** Highest acceptable flake rate of the whole suite, as for a plain `budget`. */
        overall?: number | string;
        /** Highest acceptable flake rate of any one test over the window. */
        perTest?: number | string;
      };
  /** How far back the budget looks when there is history: '14d' (default), '36h', '2w'. */
  window?: string | number;
  /**
   * Past runs: a folder (one file per run), e.g. '.unflake/history' (`true` for that default), or a
   * `postgres://user:pass@host/db` URL shared by every CI machine (needs `pg`). Default: the
   * UNFLAKE_HISTORY variable when set, else off.
   */
  history?: string | boolean;
  /** Only runs on this branch count in the window (e.g. 'main'), as flaky-test services judge stable branches. */
  branch?: string;
  /** How long history files are kept: default twice the window. */
  retention?: string | number;
  /** Quarantine file of `{ test, reason, owner, until }`. Default 'quarantine.json' when that file exists; `false` for none. */
  quarantine?: string | false;
  /** Where to write JUnit XML, e.g. 'junit.xml' (`true` for that default). Off by default. */
  junit?: string | boolean;
  /**
   * A quarantined failure in JUnit: `'failure'` (default: services see it fail; it carries a
   * `quarantined` property) or `'skipped'` (shown, not failing).
   */
  junitQuarantined?: 'failure' | 'skipped';
  /** Where to write this run's JSON report. Default `flake-report.json`. */
  outputFile?: string;
  /** Print the summary even when nothing was flaky. Default false. */
  verbose?: boolean;
  /**
   * Export the run to an OpenTelemetry backend: one span for the run with a child per test result, each linked to
   * its failed attempt's own trace. `true` reads the standard `OTEL_EXPORTER_OTLP_*` variables; `endpoint` (the
   * traces URL), `headers` and `timeout` (ms, default 10 000) override them. Needs
   * `@opentelemetry/exporter-trace-otlp-http` (or `-proto` for `OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf`). A
   * collector that is down is one warning; it never fails the run. Off by default.
   */
  otlp?:
    | boolean
    | {
        /** The traces endpoint, e.g. 'http://localhost:4318/v1/traces'. */
        endpoint?: string;
        /** Headers sent with the export, e.g. an API key. */
        headers?: Record<string, string>;
        /** How long to wait for the collector, in ms. Default 10 000. */
        timeout?: number;
      };
}

export interface ReporterSettings {
  budget?: number;
  testBudget?: number;
  window: number;
  retention: number;
  history?: string;
  branch?: string;
  quarantine?: { path: string; required: boolean };
  junit?: string;
  junitQuarantined: 'failure' | 'skipped';
  outputFile: string;
  verbose: boolean;
  otlp?: OtlpOptions;
}

const KNOWN = [
  'budget',
  'window',
  'history',
  'branch',
  'retention',
  'quarantine',
  'junit',
  'junitQuarantined',
  'outputFile',
  'verbose',
  'otlp',
];
const RATE = 'a rate between 0 and 1 or a percentage (0.005 or "0.5%" = 0.5% of tests may be flaky)';

function rate(where: string, name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const parsed = parseRate(value);
  if (parsed === undefined) throw new TypeError(`${where}: \`${name}\` must be ${RATE}, got ${describeValue(value)}.`);
  return parsed;
}

function path(where: string, name: string, value: unknown, byDefault: string): string | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return byDefault;
  if (typeof value !== 'string' || value === '')
    throw new TypeError(
      `${where}: \`${name}\` must be a non-empty path (or true for '${byDefault}'), got ${describeValue(value)}.`,
    );
  return value;
}

function windowOf(where: string, name: string, value: unknown, byDefault: number): number {
  if (value === undefined) return byDefault;
  const ms = parseDuration(value);
  if (ms === undefined)
    throw new TypeError(
      `${where}: \`${name}\` must be a duration such as ${DURATION_EXAMPLES}, more than 0, got ${describeValue(value)}.`,
    );
  return ms;
}

function budgets(where: string, value: unknown): { budget?: number; testBudget?: number } {
  if (value === undefined || typeof value === 'number' || typeof value === 'string')
    return { budget: rate(where, 'budget', value) };
  const o = checkOptions(`${where} \`budget\``, value, ['overall', 'perTest']);
  return { budget: rate(where, 'budget.overall', o.overall), testBudget: rate(where, 'budget.perTest', o.perTest) };
}

export function validateOptions(where: string, options: unknown): ReporterSettings {
  // null: how a reporter tuple without options arrives from some configs.
  const o = checkOptions(where, options ?? undefined, KNOWN);
  if (o.outputFile !== undefined && (typeof o.outputFile !== 'string' || o.outputFile === ''))
    throw new TypeError(`${where}: \`outputFile\` must be a non-empty path, got ${describeValue(o.outputFile)}.`);
  if (o.verbose !== undefined && typeof o.verbose !== 'boolean')
    throw new TypeError(`${where}: \`verbose\` must be true or false, got ${describeValue(o.verbose)}.`);
  if (o.quarantine === true)
    throw new TypeError(
      `${where}: \`quarantine\` must be a path or false (it is read from 'quarantine.json' when that file exists).`,
    );
  const window = windowOf(where, 'window', o.window, 14 * 86_400_000);
  const history = path(
    where,
    'history',
    o.history ?? (process.env.UNFLAKE_HISTORY?.trim() || undefined),
    '.unflake/history',
  );
  if (o.branch !== undefined && (typeof o.branch !== 'string' || o.branch === ''))
    throw new TypeError(`${where}: \`branch\` must be a branch name, got ${describeValue(o.branch)}.`);
  const quarantine =
    o.quarantine === false
      ? undefined
      : o.quarantine === undefined
        ? { path: 'quarantine.json', required: false }
        : { path: path(where, 'quarantine', o.quarantine, 'quarantine.json')!, required: true };
  const junit = path(where, 'junit', o.junit, 'junit.xml');
  if (o.junitQuarantined !== undefined && o.junitQuarantined !== 'failure' && o.junitQuarantined !== 'skipped')
    throw new TypeError(
      `${where}: \`junitQuarantined\` must be 'failure' or 'skipped', got ${describeValue(o.junitQuarantined)}.`,
    );
  const otlp = checkOtlpOption(where, o.otlp);
  return {
    ...budgets(where, o.budget),
    window,
    retention: Math.max(window, windowOf(where, 'retention', o.retention, 2 * window)),
    ...(history ? { history } : {}),
    ...(o.branch ? { branch: o.branch as string } : {}),
    ...(quarantine ? { quarantine } : {}),
    ...(junit ? { junit } : {}),
    junitQuarantined: (o.junitQuarantined as 'failure' | 'skipped' | undefined) ?? 'failure',
    outputFile: (o.outputFile as string | undefined) ?? 'flake-report.json',
    verbose: (o.verbose as boolean | undefined) ?? false,
    ...(otlp ? { otlp } : {}),
  };
}
