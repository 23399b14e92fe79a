/** What every `unflake` command shares: its output streams, usage errors, flags, durations. */
import { util } from '../runtime/builtins.ts';
import { DURATION_EXAMPLES, parseDuration } from '../flakes/units.ts';
import { closest } from '../options/checkOptions.ts';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

/** Bad usage: the CLI prints the message and the command's usage, and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly usage: string | undefined;
  constructor(message: string, usage?: string) {
    super(message);
    this.usage = usage;
  }
}

/** A duration flag's milliseconds (the one grammar: src/flakes/units.ts), or a UsageError naming the flag. */
export function parseTime(text: string, flag: string, usage?: string): number {
  const ms = parseDuration(text);
  if (ms === undefined)
    throw new UsageError(`${flag} must be a duration such as ${DURATION_EXAMPLES}, more than 0, got "${text}"`, usage);
  return ms;
}

export type FlagSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;
export type FlagValues = Record<string, string | boolean | string[] | undefined>;

/** The flags every command takes besides its own. */
const COMMON: FlagSpec = { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean' } };

/** Flags and positionals through util.parseArgs (strict), or a UsageError naming the flag (with the closest known one). */
export function parseFlags(
  args: string[],
  options: FlagSpec,
  usage: string,
): { values: FlagValues; positionals: string[] } {
  const all = { ...COMMON, ...options };
  try {
    const { values, positionals } = util().parseArgs({ args, options: all, allowPositionals: true, strict: true });
    return { values: values as FlagValues, positionals };
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '').slice(0, 300);
    const unknown = /^Unknown option '--?([^']+)'/.exec(message)?.[1];
    const suggestion = unknown === undefined ? undefined : closest(unknown, Object.keys(all));
    throw new UsageError(suggestion ? `${message}. Did you mean --${suggestion}?` : message, usage);
  }
}

/** A flag's string value (the last one when given twice), or undefined. */
export const stringFlag = (value: FlagValues[string]): string | undefined =>
  typeof value === 'string' ? value : Array.isArray(value) ? value.at(-1) : undefined;

/**
 * A flag under its old name still works, with a note on stderr: `--since` for `--window`, say.
 * Both given is a UsageError (which one was meant?).
 */
export function aliased(values: FlagValues, name: string, old: string, io: CliIo, usage: string): string | undefined {
  const now = stringFlag(values[name]);
  const before = stringFlag(values[old]);
  if (before === undefined) return now;
  if (now !== undefined) throw new UsageError(`--${old} is the old name of --${name}: give one of them`, usage);
  io.err(`unflake: --${old} is deprecated: use --${name} (same meaning).\n`);
  return before;
}
