/**
 * `unflake flakes quarantine`: the quarantine's entries (active and expired), or with `--suggest`
 * entries for tests flaky in the window that no active entry covers; `--write` adds them to the file.
 */
import { renameSync } from 'node:fs';
import { writeDurably } from '../flakes/history.ts';
import { headline } from '../flakes/evidence.ts';
import { FolderStore, folderExists } from '../flakes/folderStore.ts';
import { Quarantine, readQuarantine, type QuarantineEntry } from '../flakes/quarantine.ts';
import { isPostgresUrl } from '../flakes/store.ts';
import { day, pct, plural } from '../flakes/units.ts';
import type { TestWindow } from '../flakes/window.ts';
import { parseFlags, UsageError, type CliIo } from './args.ts';
import { durationFlag, historyOf, readWindow, WINDOW_FLAGS, windowOf } from './flakesInput.ts';
import { packageVersion } from './version.ts';

function reasonFor(t: TestWindow): string {
  const evidence = t.evidence
    ? `; latest first failure (${t.evidence.category}): ${headline(t.evidence.message, 160)}${t.evidence.fingerprint?.trace ? ` (trace ${t.evidence.fingerprint.trace})` : ''}`
    : '';
  return `flaky in ${t.flaky} of ${plural(t.runs, 'run')} (${pct(t.rate)}) since ${day(t.firstSeen!)}${evidence}`;
}

function readEntries(path: string, explicit: boolean): QuarantineEntry[] {
  try {
    return readQuarantine(path, explicit);
  } catch (error) {
    throw new UsageError((error as Error).message.slice(0, 400));
  }
}

/**
 * The entries, each active one checked against the tests of the history's window (a folder history):
 * an entry that matches none quarantines nothing (a typo, a test renamed, moved or deleted), so it is
 * flagged, as the reporter flags one no test of its run matched.
 */
function list(entries: readonly QuarantineEntry[], path: string, seen: Seen | undefined, io: CliIo): number {
  const q = new Quarantine(entries);
  for (const t of seen?.tests ?? []) q.match(t);
  const stale = new Set(seen?.runs ? q.unmatched() : []);
  const active = entries.length - q.expired.length;
  io.out(
    `unflake quarantine ${path}: ${active} active ${active === 1 ? 'entry' : 'entries'}, ${q.expired.length} expired\n`,
  );
  for (const e of entries)
    io.out(
      `  ${q.expired.includes(e) ? 'EXPIRED' : 'active '} until ${e.until}  ${e.test}  (${e.owner}: ${e.reason})${stale.has(e) ? `  MATCHES NO TEST of the ${seen!.within}` : ''}\n`,
    );
  if (stale.size)
    io.err(
      `unflake: ${stale.size} quarantine ${stale.size === 1 ? 'entry matches' : 'entries match'} no test of the ${seen!.within}: a typo, or a test renamed, moved or deleted (an id is "<file> > <describe> > … > <test>", or its name part alone)\n`,
    );
  return 0;
}

/** The tests of the window of a folder history, when there is one (Postgres keeps no per-test list to read cheaply here). */
interface Seen {
  runs: number;
  tests: { file: string; name: string }[];
  /** "last 14 days of .unflake/history (10 runs)" */
  within: string;
}

async function seenTests(history: string | undefined, window: number, branch?: string): Promise<Seen | undefined> {
  if (history === undefined || isPostgresUrl(history) || !folderExists(history)) return undefined;
  const { runs, tests } = new FolderStore(history).testsSeen({
    since: Date.now() - window,
    ...(branch ? { branch } : {}),
  });
  const days = Math.round(window / 86_400_000);
  return { runs, tests, within: `last ${plural(days, 'day')} of ${history} (${plural(runs, 'run')})` };
}

export async function quarantineCommand(args: string[], io: CliIo, usage: string): Promise<number> {
  const spec = {
    suggest: { type: 'boolean' },
    write: { type: 'boolean' },
    ...WINDOW_FLAGS,
    quarantine: { type: 'string' },
    owner: { type: 'string' },
    for: { type: 'string' },
    'min-flaky': { type: 'string' },
  } as const;
  const { values, positionals } = parseFlags(args, spec, usage);
  if (values.help || values.version) {
    io.out(`${values.help ? usage : packageVersion()}\n`);
    return 0;
  }
  if (positionals.length)
    throw new UsageError(`quarantine takes no file names (use --history DIR), got "${positionals[0]}"`, usage);
  const path = typeof values.quarantine === 'string' ? values.quarantine : 'quarantine.json';
  const entries = readEntries(path, typeof values.quarantine === 'string');
  if (!values.suggest) {
    if (values.write) throw new UsageError('--write goes with --suggest', usage);
    const { window, branch } = windowOf(values, io, usage);
    return list(entries, path, await seenTests(historyOf(values, false), window, branch), io);
  }
  const { window, branch } = windowOf(values, io, usage);
  const lasting = durationFlag(values.for, '--for', usage) ?? 14 * 86_400_000;
  const minFlaky = values['min-flaky'] === undefined ? 2 : Number(values['min-flaky']);
  if (!Number.isInteger(minFlaky) || minFlaky < 1)
    throw new UsageError(
      `--min-flaky must be a whole number of at least 1, got "${String(values['min-flaky'])}"`,
      usage,
    );
  const read = await readWindow(historyOf(values, false), undefined, { window, ...(branch ? { branch } : {}) }, usage);
  for (const w of read.warnings) io.err(`unflake: ${w}\n`);
  const active = new Quarantine(entries);
  const until = day(new Date(Date.now() + lasting).toISOString());
  const owner = typeof values.owner === 'string' ? values.owner : 'unassigned';
  const suggested: QuarantineEntry[] = read.window.tests
    .filter((t) => t.flaky >= minFlaky && !active.match(t))
    .map((t) => ({ test: t.id, reason: reasonFor(t), owner, until }));
  io.out(`${JSON.stringify(suggested, null, 2)}\n`);
  io.err(
    `unflake: ${plural(suggested.length, 'test')} flaky in at least ${plural(minFlaky, 'run')} of the last ${Math.round(window / 86_400_000)} days (${plural(read.window.runs.length, 'run')}) and not quarantined${values.write && suggested.length ? `; added to ${path}` : ''}\n`,
  );
  if (values.write && suggested.length) {
    const temporary = `${path}.tmp-${process.pid}`;
    writeDurably(temporary, `${JSON.stringify([...entries, ...suggested], null, 2)}\n`);
    renameSync(temporary, path);
  }
  return 0;
}
