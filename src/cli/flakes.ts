/**
 * `unflake flakes merge|report|quarantine`: shards into one run, the window against the budget in the
 * terminal, as JSON, JUnit or a page, and quarantine entries proposed from the history.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeHistory } from '../flakes/history.ts';
import { toHtml } from '../flakes/html.ts';
import { toJUnit } from '../flakes/junit.ts';
import { formatWindow } from '../flakes/terminal.ts';
import { pct, plural } from '../flakes/units.ts';
import { flakeWindow } from '../flakes/window.ts';
import { UsageError, type CliIo } from './args.ts';
import { quarantineCommand } from './flakesQuarantine.ts';
import { DEFAULT_HISTORY, loadRuns, parseFlags, rateFlag, windowFlag } from './flakesInput.ts';

export const FLAKES_USAGE = `Usage: unflake flakes <merge|report|quarantine> [options]

  unflake flakes merge <files|dirs>… [-o merged.json] [--budget 0.5%] [--history DIR]
      the run reports of one run's shards as one run (stdout without -o; --history also files it there)
  unflake flakes report [files|dirs]… [--history DIR] [--since 14d] [--budget 0.5%] [--test-budget 20%]
                        [--html report.html] [--junit out.xml] [--json] [--top 10]
      the flake rate over the window, overall and per test, the top flaky tests and the daily trend
      (history default ${DEFAULT_HISTORY}; --junit: the given files' run, else the newest run)
  unflake flakes quarantine [--suggest] [--history DIR] [--since 14d] [--quarantine quarantine.json]
                            [--owner NAME] [--for 14d] [--min-flaky 2] [--write]
      the quarantine's entries, or (--suggest) entries for tests flaky in the window; --write adds them

Exit codes: 0 ok, 1 over the budget, 2 bad usage or unreadable input.`;

function write(path: string, text: string): number {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return Buffer.byteLength(text);
}

const size = (bytes: number): string => (bytes < 10_240 ? `${bytes} B` : `${(bytes / 1024).toFixed(0)} KB`);

function merge(args: string[], io: CliIo): number {
  const { values, positionals } = parseFlags(args, { output: { type: 'string', short: 'o' }, budget: { type: 'string' }, history: { type: 'string' } }, FLAKES_USAGE);
  if (!positionals.length) throw new UsageError("merge needs the shards' report files or folders", FLAKES_USAGE);
  const budget = rateFlag(values.budget, '--budget', FLAKES_USAGE);
  const { given, warnings } = loadRuns(positionals, undefined, FLAKES_USAGE);
  if (!given) throw new UsageError(`no run report in ${positionals.join(', ')}`, FLAKES_USAGE);
  for (const w of warnings) io.err(`unflake: ${w}\n`);
  const text = `${JSON.stringify(given, null, 2)}\n`;
  if (typeof values.output === 'string') write(values.output, text);
  else io.out(text);
  if (typeof values.history === 'string') writeHistory(values.history, given);
  const shards = given.run.mergedShards?.length ? ` (shards ${given.run.mergedShards.map((s) => `${s.index}/${s.count}`).join(', ')})` : '';
  const over = budget !== undefined && given.flakeRate > budget;
  const verdict = budget === undefined ? '' : over ? `, over the budget of ${pct(budget)}` : `, within the budget of ${pct(budget)}`;
  io.err(
    `unflake: merged ${plural(given.run.mergedShards?.length || 1, 'report')}${shards} into run ${given.run.id}: ${given.totals.flaky} of ${plural(given.totals.run, 'test')} flaky (${pct(given.flakeRate)})${verdict}${typeof values.output === 'string' ? ` → ${values.output}` : ''}\n`,
  );
  return over ? 1 : 0;
}

function report(args: string[], io: CliIo): number {
  const spec = {
    history: { type: 'string' },
    since: { type: 'string' },
    budget: { type: 'string' },
    'test-budget': { type: 'string' },
    html: { type: 'string' },
    junit: { type: 'string' },
    json: { type: 'boolean' },
    top: { type: 'string' },
  } as const;
  const { values, positionals } = parseFlags(args, spec, FLAKES_USAGE);
  const budget = rateFlag(values.budget, '--budget', FLAKES_USAGE);
  const testBudget = rateFlag(values['test-budget'], '--test-budget', FLAKES_USAGE);
  const window = windowFlag(values.since, '--since', FLAKES_USAGE) ?? 14 * 86_400_000;
  const top = values.top === undefined ? 10 : Number(values.top);
  if (!Number.isInteger(top) || top < 1) throw new UsageError(`--top must be a whole number of at least 1, got "${String(values.top)}"`, FLAKES_USAGE);
  const history = typeof values.history === 'string' ? values.history : positionals.length ? undefined : DEFAULT_HISTORY;
  const { runs, given, warnings } = loadRuns(positionals, history, FLAKES_USAGE);
  for (const w of warnings) io.err(`unflake: ${w}\n`);
  if (!runs.length) throw new UsageError(`no run reports found${history ? ` in ${history}` : ''}`, FLAKES_USAGE);
  const started = performance.now();
  const stats = flakeWindow(runs, { window, budget, testBudget });
  io.out(values.json ? `${JSON.stringify(stats, null, 2)}\n` : `${formatWindow(stats, { top })}\n`);
  if (typeof values.html === 'string') {
    const bytes = write(values.html, toHtml(stats));
    io.err(`unflake: page ${values.html} (${size(bytes)}, ${plural(stats.totals.runs, 'run')}, built in ${Math.round(performance.now() - started)} ms)\n`);
  }
  if (typeof values.junit === 'string') {
    const run = given ?? runs.at(-1)!;
    write(values.junit, toJUnit(run));
    io.err(`unflake: JUnit XML of run ${run.run.id} → ${values.junit}\n`);
  }
  if (!stats.overBudget) return 0;
  const reasons = [
    ...(budget !== undefined && stats.flakeRate > budget ? [`flake rate ${pct(stats.flakeRate)} exceeds the budget of ${pct(budget)}`] : []),
    ...(stats.testsOverBudget.length ? [`${plural(stats.testsOverBudget.length, 'test')} over the per-test budget of ${pct(testBudget!)}`] : []),
  ];
  io.err(`unflake: ${reasons.join('; ')}.\n`);
  return 1;
}

export function flakes(args: string[], io: CliIo): number {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '-h' || sub === '--help' || sub === 'help') {
    if (sub === undefined) throw new UsageError('flakes needs a command: merge, report or quarantine', FLAKES_USAGE);
    io.out(`${FLAKES_USAGE}\n`);
    return 0;
  }
  if (sub === 'merge') return merge(rest, io);
  if (sub === 'report') return report(rest, io);
  if (sub === 'quarantine') return quarantineCommand(rest, io, FLAKES_USAGE);
  throw new UsageError(`unknown flakes command "${sub}" (merge, report or quarantine)`, FLAKES_USAGE);
}
