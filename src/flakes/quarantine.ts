/**
 * The quarantine file: tests that still run and are reported, whose failures do not fail the run,
 * each with a reason, an owner and a date it ends. An entry whose date has passed no longer applies
 * and is reported, so a quarantine cannot quietly become permanent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describeValue } from '../options/checkMs.ts';
import { testId, type QuarantineMark } from './schema.ts';

/** One entry of the quarantine file: a test whose failures do not count against the budget until `until`. */
export interface QuarantineEntry extends QuarantineMark {
  /** The test's id, `<file> > <describe> > … > <test>` (src/runner/testId.ts), or its name part alone (any file). */
  test: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/;

/** The instant an entry ends: a bare date lasts to the end of that day (UTC). */
export function untilTime(until: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(until) ? Date.parse(`${until}T23:59:59.999Z`) : Date.parse(until);
}

function checkEntry(value: unknown, at: string): QuarantineEntry {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new TypeError(`${at} must be an object { test, reason, owner, until }, got ${describeValue(value)}.`);
  const entry = value as Record<string, unknown>;
  for (const key of ['test', 'reason', 'owner', 'until'] as const) {
    if (typeof entry[key] !== 'string' || (entry[key] as string).trim() === '')
      throw new TypeError(`${at}: \`${key}\` must be a non-empty string, got ${describeValue(entry[key])}.`);
  }
  const until = entry.until as string;
  if (!DATE.test(until) || Number.isNaN(untilTime(until)))
    throw new TypeError(`${at}: \`until\` must be a date such as 2026-01-31, got ${describeValue(until)}.`);
  return { test: (entry.test as string).trim(), reason: entry.reason as string, owner: entry.owner as string, until };
}

/** The entries of a quarantine file's text: a JSON array, or `{ "tests": [...] }`. */
export function parseQuarantine(text: string, source: string): QuarantineEntry[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new TypeError(`quarantine file ${source} is not JSON: ${(error as Error).message.slice(0, 200)}`, {
      cause: error,
    });
  }
  const list = Array.isArray(data) ? data : (data as { tests?: unknown } | null)?.tests;
  if (!Array.isArray(list))
    throw new TypeError(
      `quarantine file ${source} must hold an array of { test, reason, owner, until } (or { "tests": [...] }), got ${describeValue(data)}.`,
    );
  return list.map((entry, i) => checkEntry(entry, `quarantine file ${source}, entry ${i + 1}`));
}

/** The file's entries; a missing file is an empty quarantine unless it was asked for by name. */
export function readQuarantine(path: string, required: boolean): QuarantineEntry[] {
  if (!existsSync(path)) {
    if (required) throw new TypeError(`quarantine file ${path} does not exist.`);
    return [];
  }
  return parseQuarantine(readFileSync(path, 'utf8'), path);
}

/**
 * The name without its Playwright project's prefix (`[chromium] `: reporter/playwright.ts), or undefined when
 * it does not start with it. Only a test the runner says is of that project is read so: a Vitest or Jest
 * title that happens to start with brackets is its own name.
 */
export function withoutProject(name: string, project: string): string | undefined {
  const prefix = `[${project}] `;
  return name.startsWith(prefix) ? name.slice(prefix.length) : undefined;
}

export class Quarantine {
  readonly #active = new Map<string, QuarantineEntry>();
  readonly #matched = new Set<QuarantineEntry>();
  readonly expired: QuarantineEntry[] = [];
  readonly entries: readonly QuarantineEntry[];

  constructor(entries: readonly QuarantineEntry[], now = Date.now()) {
    this.entries = entries;
    for (const entry of entries) {
      if (untilTime(entry.until) < now) this.expired.push(entry);
      else this.#active.set(entry.test, entry);
    }
  }

  /**
   * The entry that applies to this test now, if any (remembered: see `unmatched`): by id, by name, and
   * for a Playwright test of a named project (`project`; its name `[chromium] checkout > pays`) also without it,
   * so an entry that names no project applies in every project.
   */
  match(test: { file: string; name: string; project?: string | undefined }): QuarantineEntry | undefined {
    const plain = test.project === undefined ? undefined : withoutProject(test.name, test.project);
    const entry =
      this.#active.get(testId(test)) ??
      this.#active.get(test.name) ??
      (plain === undefined
        ? undefined
        : (this.#active.get(testId({ file: test.file, name: plain })) ?? this.#active.get(plain)));
    if (entry) this.#matched.add(entry);
    return entry;
  }

  /**
   * Active entries no test matched so far: a misspelt id, a test renamed or moved, or an id written
   * the old way (Jest's names joined with spaces). Such an entry quarantines nothing, so it is reported.
   */
  unmatched(): QuarantineEntry[] {
    return [...this.#active.values()].filter((entry) => !this.#matched.has(entry));
  }
}
