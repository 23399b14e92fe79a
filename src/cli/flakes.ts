/**
 * `unflake flakes merge|report|quarantine`: shards into one run, the window against the budget in the
 * terminal, as JSON, JUnit or a page, and quarantine entries proposed from the history.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { toHtml } from '../flakes/html.ts';
import { toJUnit } from '../flakes/junit.ts';
import { formatWindow } from '../flakes/terminal.ts';
import { pct, plural } from '../flakes/units.ts';
import type { RunReport } from '../flakes/schema.ts';
import { checkOtlpOption, type OtlpOptions } from '../otel/otlpOptions.ts';
import { exportRunOverOtlp } from '../otel/otlpRun.ts';
import { aliased, parseFlags, stringFlag, UsageError, type CliIo, type FlagValues } from './args.ts';
import { quarantineCommand } from './flakesQuarantine.ts';
import {
  DEFAULT_HISTORY,
  givenRun,
  historyOf,
  openStore,
  rateFlag,
  readWindow,
  WINDOW_FLAGS,
  windowOf,
} from './flakesInput.ts';
import { packageVersion } from './version.ts';

export const FLAKES_USAGE = `Usage: unflake flakes <merge|report|quarantine> [options]

  unflake flakes merge <files|dirs>… [-o merged.json] [--budget 0.5%] [--history DIR|URL]
      the run reports of one run's shards as one run (stdout without -o; --history also files it there)
  unflake flakes report [files|dirs]… [--history DIR|URL] [--window 14d] [--branch main] [--budget 0.5%]
                        [--per-test-budget 20%] [--html report.html] [--junit out.xml [--junit-quarantined skipped]] [--json] [--top 10]
                        [--otlp [--otlp-endpoint URL]]
      the flake rate over the window, overall and per test, the top flaky tests and the daily trend
      (history: --history, else UNFLAKE_HISTORY, else ${DEFAULT_HISTORY}; --junit: the given files' run,
      else the newest run; --otlp: that run to an OpenTelemetry collector, read from OTEL_EXPORTER_OTLP_*
      unless --otlp-endpoint gives the traces URL; needs @opentelemetry/exporter-trace-otlp-http)
  unflake flakes quarantine [--suggest] [--history DIR|URL] [--window 14d] [--branch main]
                            [--quarantine quarantine.json] [--owner NAME] [--for 14d] [--min-flaky 2] [--write]
      the quarantine's entries (an active entry matching no test in a folder history's window is flagged),
      or (--suggest) entries for tests flaky in the window; --write adds them

  History: a folder, or a postgres://user:pass@host/db URL (needs the pg package).
  Durations: 1500ms, 90s, 2m, 36h, 14d, 2w. Old names still read: --since (--window), --test-budget (--per-test-budget).
  Every command: -h/--help, --version.

Exit codes: 0 ok, 1 over the budget, 2 bad usage or unreadable input.`;

function write(path: string, text: string): number {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return Buffer.byteLength(text);
}

const size = (bytes: number): string => (bytes < 10_240 ? `${bytes} B` : `${(bytes / 1024).toFixed(0)} KB`);

async function merge(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(
    args,
    { output: { type: 'string', short: 'o' }, budget: { type: 'string' }, history: { type: 'string' } },
    FLAKES_USAGE,
  );
  if (values.help || values.version) return helpOrVersion(values, io);
  if (!positionals.length) throw new UsageError("merge needs the shards' report files or folders", FLAKES_USAGE);
  const budget = rateFlag(values.budget, '--budget', FLAKES_USAGE);
  const { run: given, warnings } = givenRun(positionals, FLAKES_USAGE);
  if (!given) throw new UsageError(`no run report in ${positionals.join(', ')}`, FLAKES_USAGE);
  for (const w of warnings) io.err(`unflake: ${w}\n`);
  const text = `${JSON.stringify(given, null, 2)}\n`;
  const output = stringFlag(values.output);
  if (output !== undefined) write(output, text);
  else io.out(text);
  const history = stringFlag(values.history);
  if (history !== undefined) {
    const store = await openStore(history, FLAKES_USAGE);
    await store.append(given).finally(() => store.close());
  }
  const shards = given.run.mergedShards?.length
    ? ` (shards ${given.run.mergedShards.map((s) => `${s.index}/${s.count}`).join(', ')})`
    : '';
  const over = budget !== undefined && given.flakeRate > budget;
  const verdict =
    budget === undefined ? '' : over ? `, over the budget of ${pct(budget)}` : `, within the budget of ${pct(budget)}`;
  io.err(
    `unflake: merged ${plural(given.run.mergedShards?.length || 1, 'report')}${shards} into run ${given.run.id}: ${given.totals.flaky} of ${plural(given.totals.run, 'test')} flaky (${pct(given.flakeRate)})${verdict}${output !== undefined ? ` → ${output}` : ''}\n`,
  );
  return over ? 1 : 0;
}

const REPORT_FLAGS = {
  ...WINDOW_FLAGS,
  budget: { type: 'string' },
  'per-test-budget': { type: 'string' },
  'test-budget': { type: 'string' },
  html: { type: 'string' },
  junit: { type: 'string' },
  'junit-quarantined': { type: 'string' },
  json: { type: 'boolean' },
  top: { type: 'string' },
  otlp: { type: 'boolean' },
  'otlp-endpoint': { type: 'string' },
} as const;

/** The given files' run, else the history's newest (a postgres history rebuilds it from its tables). */
async function runOf(given: RunReport | undefined, history: string | undefined): Promise<RunReport | undefined> {
  if (given || history === undefined) return given;
  const store = await openStore(history, FLAKES_USAGE);
  return store.latest().finally(() => store.close());
}

/** --otlp-endpoint checked (before anything is read); undefined without --otlp. */
function otlpFlags(values: FlagValues): OtlpOptions | undefined {
  const endpoint = stringFlag(values['otlp-endpoint']);
  if (!values.otlp && endpoint === undefined) return undefined;
  try {
    return checkOtlpOption('--otlp-endpoint', endpoint === undefined ? true : { endpoint });
  } catch (error) {
    throw new UsageError(
      (error as Error).message.replace(/^--otlp-endpoint: `otlp\.endpoint`/, '--otlp-endpoint'),
      FLAKES_USAGE,
    );
  }
}

/** --otlp: that run to the collector. A collector that is down is a warning, not an exit code. */
async function exportRun(options: OtlpOptions, run: RunReport | undefined, io: CliIo): Promise<void> {
  if (!run) throw new UsageError("--otlp: no run to export (give the run's report files)", FLAKES_USAGE);
  const outcome = await exportRunOverOtlp(run, options);
  io.err(
    'warning' in outcome
      ? `${outcome.warning}\n`
      : `unflake: run ${run.run.id} exported over OTLP: trace ${outcome.traceId} (${plural(outcome.sent, 'span')})\n`,
  );
}

/** --junit: the given files' run, else the history's newest. */
async function junitOf(
  path: string,
  given: RunReport | undefined,
  history: string | undefined,
  io: CliIo,
  quarantined: FlagValues[string],
): Promise<void> {
  const as = stringFlag(quarantined) ?? 'failure';
  if (as !== 'failure' && as !== 'skipped')
    throw new UsageError(`--junit-quarantined must be failure or skipped, got "${as}"`, FLAKES_USAGE);
  const run = await runOf(given, history);
  if (!run)
    throw new UsageError(`--junit: no run to write (the history is empty: give the run's report files)`, FLAKES_USAGE);
  write(path, toJUnit(run, { quarantined: as }));
  io.err(`unflake: JUnit XML of run ${run.run.id} → ${path}\n`);
}

async function report(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(args, REPORT_FLAGS, FLAKES_USAGE);
  if (values.help || values.version) return helpOrVersion(values, io);
  const budget = rateFlag(values.budget, '--budget', FLAKES_USAGE);
  const perTest = aliased(values, 'per-test-budget', 'test-budget', io, FLAKES_USAGE);
  const testBudget = rateFlag(perTest, '--per-test-budget', FLAKES_USAGE);
  const otlp = otlpFlags(values);
  const { window, branch } = windowOf(values, io, FLAKES_USAGE);
  const topText = stringFlag(values.top);
  const top = topText === undefined ? 10 : Number(topText);
  if (!Number.isInteger(top) || top < 1)
    throw new UsageError(`--top must be a whole number of at least 1, got "${String(topText)}"`, FLAKES_USAGE);
  const history = historyOf(values, positionals.length > 0);
  const { run: given, warnings: mergeWarnings } = givenRun(positionals, FLAKES_USAGE);
  const started = performance.now();
  const read = await readWindow(
    history,
    given,
    { window, budget, testBudget, ...(branch ? { branch } : {}) },
    FLAKES_USAGE,
  );
  for (const w of [...mergeWarnings, ...read.warnings]) io.err(`unflake: ${w}\n`);
  const stats = read.window;
  if (!stats.runs.length && !given)
    throw new UsageError(
      `no run reports found${history ? ` in ${history}` : ''}${branch ? ` on branch ${branch}` : ''}`,
      FLAKES_USAGE,
    );
  io.out(values.json ? `${JSON.stringify(stats, null, 2)}\n` : `${formatWindow(stats, { top })}\n`);
  const html = stringFlag(values.html);
  if (html !== undefined) {
    const bytes = write(html, toHtml(stats));
    io.err(
      `unflake: page ${html} (${size(bytes)}, ${plural(stats.totals.runs, 'run')}, built in ${Math.round(performance.now() - started)} ms)\n`,
    );
  }
  const junit = stringFlag(values.junit);
  if (junit !== undefined) await junitOf(junit, given, history, io, values['junit-quarantined']);
  if (otlp) await exportRun(otlp, await runOf(given, history), io);
  if (!stats.overBudget) return 0;
  const reasons = [
    ...(budget !== undefined && stats.flakeRate > budget
      ? [`flake rate ${pct(stats.flakeRate)} exceeds the budget of ${pct(budget)}`]
      : []),
    ...(stats.testsOverBudget.length
      ? [`${plural(stats.testsOverBudget.length, 'test')} over the per-test budget of ${pct(testBudget!)}`]
      : []),
  ];
  io.err(`unflake: ${reasons.join('; ')}.\n`);
  return 1;
}

function helpOrVersion(values: FlagValues, io: CliIo): number {
  io.out(`${values.help ? FLAKES_USAGE : packageVersion()}\n`);
  return 0;
}

export async function flakes(args: string[], io: CliIo, _signal?: AbortSignal): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '-h' || sub === '--help' || sub === 'help' || sub === '--version') {
    if (sub === undefined) throw new UsageError('flakes needs a command: merge, report or quarantine', FLAKES_USAGE);
    return helpOrVersion({ [sub === '--version' ? 'version' : 'help']: true }, io);
  }
  if (sub === 'merge') return merge(rest, io);
  if (sub === 'report') return report(rest, io);
  if (sub === 'quarantine') return quarantineCommand(rest, io, FLAKES_USAGE);
  throw new UsageError(`unknown flakes command "${sub}" (merge, report or quarantine)`, FLAKES_USAGE);
}
