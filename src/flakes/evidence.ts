/**
 * What a failed attempt leaves as evidence: its first lines, its category, and the fields of its
 * `Run:` fingerprint line (which can sit below the lines kept, so it is read from the whole message).
 */
import { util } from '../runtime/builtins.ts';
import { firstLines } from '../report/firstLine.ts';
import type { AttemptFailure, FlakeCategory, Fingerprint } from './schema.ts';

export const NO_MESSAGE =
  "the runner did not keep the failed attempt's error (Jest: jest.retryTimes(n, { logErrorsBeforeRetry: true }) keeps it)";

const INFRASTRUCTURE =
  /\b(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|EPIPE)\b|socket hang up|ReadinessError|waitForReady\(/;
const TIMING = /Timed out after|Stopped after|never held|Test timed out in|Exceeded timeout of/;
const PRODUCT = /expect\(|AssertionError|assert\.|Expected|Received|is not idempotent|depends on delivery order/;

/**
 * The failure's category. Infrastructure first (a connection error also explains an eventual
 * assertion's timeout), then timing (an eventual assertion's or the test's own timeout), then product
 * (any other assertion), else unknown (a thrown non-assertion error). No `resource` category: nothing
 * records the machine's load during an attempt, and a guess from the wording would not be evidence.
 */
export function classifyFailure(message: string): FlakeCategory {
  if (INFRASTRUCTURE.test(message)) return 'infrastructure';
  if (TIMING.test(message)) return 'timing';
  if (PRODUCT.test(message)) return 'product';
  return 'unknown';
}

/** Every terminal control sequence (colours, cursor moves, hyperlinks), not only colours: Node's own list. */
export const stripAnsi = (text: string): string => util().stripVTControlCharacters(text);

const MAX_LINE = 300;

const frameOrRunLine = (line: string): boolean => /^\s+at /.test(line) || line.startsWith('Run: ');

/** The first `lines` lines without stack frames, each cut to 300 characters. */
function messageHead(message: string, lines = 12): string {
  return firstLines(stripAnsi(message), lines, { skip: frameOrRunLine, lineChars: MAX_LINE, more: '' }).trim();
}

const MAX_FRAMES = 15;

/** The first stack frames (`    at …`), at most 15 of 300 characters each: enough to find the line, bounded in history. */
export function stackOf(message: string): string | undefined {
  const frames = message
    .split('\n')
    .filter((l) => /^\s+at /.test(l))
    .slice(0, MAX_FRAMES)
    .map((l) => {
      const frame = l.trim();
      return frame.length > MAX_LINE ? `${frame.slice(0, MAX_LINE - 1)}…` : frame;
    });
  return frames.length ? frames.join('\n') : undefined;
}

const FINGERPRINT_LINE = /^\s*Run: (.+)$/gm;
const MAX_FIELDS = 16;

/**
 * The last `Run:` line's fields: `Run: trace 73c9… · worker vitest 1 · seed 42` gives
 * `{ trace: '73c9…', worker: 'vitest 1', seed: '42' }`. Each part is a key (its first word) and a
 * value (the rest), so fields added to the line later are kept without a change here.
 */
export function parseFingerprint(message: string): Fingerprint | undefined {
  const lines = [...stripAnsi(message).matchAll(FINGERPRINT_LINE)];
  const line = lines.at(-1)?.[1];
  if (!line) return undefined;
  const fields: Fingerprint = {};
  for (const part of line.split(' · ').slice(0, MAX_FIELDS)) {
    const match = /^\s*([\w.-]+)(?:\s+(.*?))?\s*$/.exec(part);
    if (match) fields[match[1]!] = (match[2] ?? '').slice(0, 200);
  }
  // `trace <id> span <id>` (a test under a TRACEPARENT parent): two fields.
  const traceSpan = /^(\S+) span (\S+)$/.exec(fields.trace ?? '');
  if (traceSpan) [fields.trace, fields.span] = [traceSpan[1]!, traceSpan[2]!];
  return Object.keys(fields).length ? fields : undefined;
}

/** One failed attempt as recorded: first lines, category (from the whole message), fingerprint. */
export function attemptFailure(message: string | undefined): AttemptFailure {
  if (message === undefined || message.trim() === '') return { message: NO_MESSAGE, category: 'unknown' };
  const plain = stripAnsi(message);
  const fingerprint = parseFingerprint(plain);
  const stack = stackOf(plain);
  return {
    message: messageHead(plain),
    category: classifyFailure(plain),
    ...(fingerprint ? { fingerprint } : {}),
    ...(stack ? { stack } : {}),
  };
}

/**
 * The one line to show for a failure: its first line, and when that is only the matcher's name
 * (`expect(received).toEventuallyEqual(expected)`) the line after it, which says what happened.
 */
export function headline(message: string, max = 200): string {
  const lines = message.split('\n').filter((l) => l.trim());
  const first = lines[0]?.trim() ?? '';
  const line = /^(\w*Error: )?expect\(.*\)$/.test(first) && lines[1] ? `${first} — ${lines[1].trim()}` : first;
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
