import type { TimelineEntry } from '../poll/PollResult.ts';
import { formatDuration } from './formatDuration.ts';

const HEAD = 3;
const TAIL = 8;

function line(entry: TimelineEntry, isLast: boolean, elapsed: number): string {
  const at = formatDuration(entry.firstAt).padStart(8);
  const attempts = (entry.count === 1 ? `#${entry.firstAttempt}` : `#${entry.firstAttempt}-${entry.lastAttempt}`).padEnd(9);
  const mark = entry.held ? '✓' : '✗';
  const what = entry.kind === 'value' ? entry.summary : entry.kind === 'error' ? `threw ${entry.summary}` : entry.summary;
  const repeat = entry.count > 1 ? `  ×${entry.count}` : '';
  // "Unchanged for" tells a stuck system (long) from a slow one that was still changing (short).
  const unchanged = isLast ? `${repeat ? ',' : ' '} unchanged for ${formatDuration(elapsed - entry.firstAt)}` : '';
  return `  ${at}  ${attempts} ${mark} ${what}${repeat}${unchanged}`;
}

/** A compact table of distinct observations: first seen at, attempts, held or not, repeat count. */
export function formatTimeline(entries: readonly TimelineEntry[], elapsed: number, attempts: number, dropped = 0): string {
  const lines = entries.map((entry, i) => line(entry, i === entries.length - 1, elapsed));
  const elided = lines.length > HEAD + TAIL ? lines.length - HEAD - TAIL + dropped : dropped;
  const shown = lines.length > HEAD + TAIL ? [...lines.slice(0, HEAD), `  … ${elided} more distinct observations …`, ...lines.slice(-TAIL)] : lines;
  const distinct = entries.length + dropped;
  return [`Timeline (${attempts} attempt${attempts === 1 ? '' : 's'}, ${distinct} distinct observation${distinct === 1 ? '' : 's'}):`, ...shown].join('\n');
}
