/** What every `unflake` command shares: its output streams, usage errors, durations. */

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

/** Bad usage: the CLI prints the message and the command's usage, and exits 2. */
export class UsageError extends Error {
  readonly usage: string | undefined;
  constructor(message: string, usage?: string) {
    super(message);
    this.usage = usage;
  }
}

export function parseTime(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|min|h)?$/.exec(text.trim());
  if (!match) throw new UsageError(`${flag} must be a duration such as 60s, 2m, 1500ms or 60000, got "${text}"`);
  const value = Number(match[1]);
  const unit = match[2] ?? 'ms';
  const ms = value * (unit === 'ms' ? 1 : unit === 's' ? 1_000 : unit === 'h' ? 3_600_000 : 60_000);
  if (!(ms > 0)) throw new UsageError(`${flag} must be more than 0, got "${text}"`);
  return ms;
}
