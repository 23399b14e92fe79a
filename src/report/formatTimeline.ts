import type { TimelineEntry } from '../poll/PollResult.ts';
import { SUMMARY_CHARS } from '../poll/timeline.ts';
import { formatDuration } from './formatDuration.ts';

const HEAD = 3;
const TAIL = 8;

/** A summary as one table cell, whoever made it: one line, SUMMARY_CHARS at most. */
function oneLine(summary: string): string {
  const flat = String(summary).replace(/\r?\n/g, '\\n');
  return flat.length <= SUMMARY_CHARS ? flat : `${flat.slice(0, SUMMARY_CHARS - 1)}…`;
}

function line(entry: TimelineEntry, isLast: boolean, elapsed: number): string {
  const at = formatDuration(entry.firstAt).padStart(8);
  const attempts = (
    entry.count === 1 ? `#${entry.firstAttempt}` : `#${entry.firstAttempt}-${entry.lastAttempt}`
  ).padEnd(9);
  const mark = entry.held ? '✓' : '✗';
  const what = entry.kind === 'error' ? `threw ${oneLine(entry.summary)}` : oneLine(entry.summary);
  const repeat = entry.count > 1 ? `  ×${entry.count}` : '';
  // "Unchanged for" tells a stuck system (long) from a slow one that was still changing (short).
  const unchanged = isLast ? `${repeat ? ',' : ' '} unchanged for ${formatDuration(elapsed - entry.firstAt)}` : '';
  return `  ${at}  ${attempts} ${mark} ${what}${repeat}${unchanged}`;
}

/** A compact table of distinct observations: first seen at, attempts, held or not, repeat count. */
export function formatTimeline(
  entries: readonly TimelineEntry[],
  elapsed: number,
  attempts: number,
  dropped = 0,
): string {
  const lines = entries.map((entry, i) => line(entry, i === entries.length - 1, elapsed));
  const elided = lines.length > HEAD + TAIL ? lines.length - HEAD - TAIL + dropped : dropped;
  const shown =
    lines.length > HEAD + TAIL
      ? [...lines.slice(0, HEAD), `  … ${elided} more distinct observations …`, ...lines.slice(-TAIL)]
      : lines;
  const distinct = entries.length + dropped;
  return [
    `Timeline (${attempts} attempt${attempts === 1 ? '' : 's'}, ${distinct} distinct observation${distinct === 1 ? '' : 's'}):`,
    ...shown,
  ].join('\n');
}
