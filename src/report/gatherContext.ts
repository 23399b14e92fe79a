import { CONTEXT_BUDGET } from '../poll/poll.ts';
import { clearRealTimeout, setRealTimeout } from '../time/realTime.ts';
import { boundValue, safeInspect } from './boundValue.ts';
import { formatError } from './formatError.ts';

export interface GatheredContext {
  value?: unknown;
  error?: unknown;
  timedOut?: boolean;
}

/** Calls `context()` once, at failure, bounded so evidence-gathering can never hang the test. */
export async function gatherContext(context: (() => unknown) | undefined): Promise<GatheredContext | undefined> {
  if (!context) return undefined;
  let timer: ReturnType<typeof setRealTimeout> | undefined;
  try {
    const timeout = new Promise<GatheredContext>((resolve) => {
      timer = setRealTimeout(() => resolve({ timedOut: true }), CONTEXT_BUDGET);
    });
    const work = Promise.resolve()
      .then(context)
      .then(
        (value): GatheredContext => ({ value }),
        (error: unknown): GatheredContext => ({ error }),
      );
    return await Promise.race([work, timeout]);
  } finally {
    clearRealTimeout(timer);
  }
}

const indent = (text: string): string =>
  text
    .split('\n')
    .map((line) => (line ? `  ${line}` : line))
    .join('\n');

/**
 * The "Context" section: what `context()` gave, bounded like any value (the caller caps the section),
 * or why it gave nothing. A `context()` that threw or hung adds that to the failure; it never replaces it.
 */
export function formatContext(context: GatheredContext | undefined): string | undefined {
  if (!context) return undefined;
  if (context.timedOut) return `Context: \`context()\` did not settle within ${CONTEXT_BUDGET} ms.`;
  // `in`, not `!== undefined`: `throw undefined` is still a throw.
  if ('error' in context)
    return `Context: \`context()\` threw, so its evidence is missing:\n${indent(formatError(context.error))}`;
  const bounded = boundValue(context.value);
  const text =
    typeof bounded === 'string'
      ? bounded
      : safeInspect(bounded, {
          depth: 6,
          maxArrayLength: Number.POSITIVE_INFINITY,
          maxStringLength: Number.POSITIVE_INFINITY,
        });
  return `Context:\n${indent(text)}`;
}
