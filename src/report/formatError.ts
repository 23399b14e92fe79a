/**
 * How an error (or anything thrown) is shown in a report: its message, the user's frames, and its
 * `cause` chain. Whatever was thrown, this never throws: a throwing getter, `toString` or Proxy trap,
 * a Symbol, `null`, a cycle of causes each become text.
 */
import { util } from '../runtime/builtins.ts';
import { userFrames } from '../runner/ownFrames.ts';
import { boundValue, capText, describeThrown, safeInspect, SECTION_CAP, SUMMARY_LIMITS } from './boundValue.ts';
import { firstLines } from './firstLine.ts';

const STACK_LINES = 8;
/** Causes shown below an error (`stop(reason, { cause })`, a wrapped driver error, …). */
export const CAUSE_DEPTH = 3;
const CAUSE_LINES = 3;
const CAUSE_FRAMES = 4;

type Read = { present: false } | { present: true; value: unknown } | { present: true; threw: unknown };

/** `object[key]`, read once; what it threw, if it did. */
function read(object: unknown, key: string): Read {
  if (object === null || (typeof object !== 'object' && typeof object !== 'function')) return { present: false };
  try {
    if (!(key in object)) return { present: false };
    return { present: true, value: (object as Record<string, unknown>)[key] };
  } catch (threw) {
    return { present: true, threw };
  }
}

function text(result: Read, key: string): string {
  if (!result.present) return '';
  if ('threw' in result) return `[reading \`${key}\` threw ${describeThrown(result.threw)}]`;
  if (typeof result.value === 'string') return result.value;
  if (result.value === undefined) return '';
  return safeInspect(boundValue(result.value, SUMMARY_LIMITS), { depth: 2, breakLength: Number.POSITIVE_INFINITY });
}

function isErrorLike(value: unknown): value is object {
  if (util().types.isNativeError(value)) return true;
  try {
    return value instanceof Error;
  } catch {
    return false; // a revoked Proxy: printed as a thrown value
  }
}

/** A thrown non-error (a string, a plain object, a Symbol, `null`), printed bounded. */
function printThrown(value: unknown): string {
  return `thrown value: ${safeInspect(boundValue(value), { depth: 4, maxArrayLength: Number.POSITIVE_INFINITY, maxStringLength: Number.POSITIVE_INFINITY })}`;
}

function formatOne(error: unknown, frameCount: number, lineCount: number): string {
  if (!isErrorLike(error)) return printThrown(error);
  const name = text(read(error, 'name'), 'name') || 'Error';
  const message = text(read(error, 'message'), 'message');
  const head = firstLines(message ? `${name}: ${message}` : name, lineCount);
  const stack = read(error, 'stack');
  const frames = stack.present && 'value' in stack ? userFrames(stack.value).slice(0, frameCount) : [];
  return frames.length ? `${head}\n${frames.join('\n')}` : head;
}

function indent(value: string, by: string): string {
  return value
    .split('\n')
    .map((line) => (line ? by + line : line))
    .join('\n');
}

/** The causes below `error`, each indented one step further, at most CAUSE_DEPTH of them. */
function causes(error: unknown): string[] {
  const seen = new Set<unknown>([error]);
  const lines: string[] = [];
  let current = error;
  for (let level = 1; isErrorLike(current); level++) {
    const cause = read(current, 'cause');
    if (!cause.present) break;
    const pad = '  '.repeat(level);
    if (level > CAUSE_DEPTH) {
      lines.push(`${pad}… (further causes not shown)`);
      break;
    }
    if ('threw' in cause) {
      lines.push(`${pad}Caused by: [reading \`cause\` threw ${describeThrown(cause.threw)}]`);
      break;
    }
    if (seen.has(cause.value)) {
      lines.push(`${pad}Caused by: [an error already shown above: the causes form a cycle]`);
      break;
    }
    seen.add(cause.value);
    lines.push(indent(`Caused by: ${formatOne(cause.value, CAUSE_FRAMES, CAUSE_LINES)}`, pad));
    current = cause.value;
  }
  return lines;
}

/** An error's message, the frames that matter (not Node's, not this library's), and its causes. */
export function formatError(error: unknown): string {
  try {
    return capText(
      [formatOne(error, STACK_LINES, Number.POSITIVE_INFINITY), ...causes(error)].join('\n'),
      SECTION_CAP,
      'error',
    );
  } catch (failure) {
    return `[an error that cannot be printed: ${describeThrown(failure)}]`;
  }
}
