import { inspect } from 'node:util';
import type { TimelineEntry } from './PollResult.ts';

const MAX_ENTRIES = 200;

/** A cheap, bounded, one-line rendering used to tell observations apart. */
export function summarize(kind: TimelineEntry['kind'], observed: unknown): string {
  if (kind === 'unsettled') return String(observed);
  if (kind === 'error') {
    if (observed instanceof Error) return `${observed.name}: ${observed.message.split('\n').find((line) => line.trim() !== '') ?? ''}`.trim();
    return `thrown ${inspect(observed, { depth: 2, breakLength: Number.POSITIVE_INFINITY })}`;
  }
  return inspect(observed, { depth: 3, breakLength: Number.POSITIVE_INFINITY, maxArrayLength: 10, maxStringLength: 120, compact: true });
}

/** Records attempts as run-length compressed distinct observations. */
export class TimelineRecorder {
  readonly entries: TimelineEntry[] = [];
  dropped = 0;

  record(at: number, attempt: number, kind: TimelineEntry['kind'], observed: unknown, held: boolean): void {
    const summary = summarize(kind, observed);
    const last = this.entries[this.entries.length - 1];
    if (last && last.kind === kind && last.summary === summary && last.held === held) {
      last.lastAt = at;
      last.lastAttempt = attempt;
      last.count++;
      return;
    }
    // Keep the start and the most recent history; the middle of a very long poll is least telling.
    if (this.entries.length >= MAX_ENTRIES) {
      this.entries.splice(10, 1);
      this.dropped++;
    }
    this.entries.push({ firstAt: at, lastAt: at, firstAttempt: attempt, lastAttempt: attempt, count: 1, kind, summary, held });
  }
}
