import { inspect } from '../runtime/builtins.ts';
import { boundValue, describeThrown, SUMMARY_LIMITS } from '../report/boundValue.ts';
import type { TimelineEntry } from './PollResult.ts';

const MAX_ENTRIES = 200;
/** Characters per summary: one line of the timeline table. */
export const SUMMARY_CHARS = 200;

const oneLine = (text: string): string =>
  text.length <= SUMMARY_CHARS ? text : `${text.slice(0, SUMMARY_CHARS - 1)}…`;

/** "TypeError: first non-empty line of the message", read once and safely, from a bounded head of it. */
function summarizeError(error: Error): string {
  const { name, message } = error;
  const head = typeof message === 'string' ? message.slice(0, 4 * SUMMARY_CHARS) : '';
  const line = head.split('\n').find((l) => l.trim() !== '') ?? '';
  return `${typeof name === 'string' ? name : 'Error'}: ${line}`.trim();
}

/**
 * A cheap, bounded, one-line rendering used to tell observations apart. Made on every failed attempt,
 * so it must cost the same for a 1M-item value as for a small one, and it must never throw (a throwing
 * getter, a revoked Proxy): the engine records it while the poll runs.
 */
export function summarize(kind: TimelineEntry['kind'], observed: unknown): string {
  try {
    if (kind === 'unsettled') return oneLine(String(observed));
    if (kind === 'error') {
      if (observed instanceof Error) return oneLine(summarizeError(observed));
      return oneLine(
        `thrown ${inspect(boundValue(observed, SUMMARY_LIMITS), { depth: 2, breakLength: Number.POSITIVE_INFINITY, maxArrayLength: Number.POSITIVE_INFINITY })}`,
      );
    }
    // No array or string cut of inspect's own: the bounded value is small and carries its own markers.
    return oneLine(
      inspect(boundValue(observed, SUMMARY_LIMITS), {
        depth: 3,
        breakLength: Number.POSITIVE_INFINITY,
        maxArrayLength: Number.POSITIVE_INFINITY,
        maxStringLength: Number.POSITIVE_INFINITY,
        compact: true,
      }),
    );
  } catch (error) {
    return oneLine(`[unprintable: ${describeThrown(error)}]`);
  }
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
    this.entries.push({
      firstAt: at,
      lastAt: at,
      firstAttempt: attempt,
      lastAttempt: attempt,
      count: 1,
      kind,
      summary,
      held,
    });
  }
}
