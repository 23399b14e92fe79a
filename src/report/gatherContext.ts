import { CONTEXT_BUDGET } from '../poll/poll.ts';
import { clearRealTimeout, setRealTimeout } from '../time/realTime.ts';

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
      .then((value): GatheredContext => ({ value }), (error: unknown): GatheredContext => ({ error }));
    return await Promise.race([work, timeout]);
  } finally {
    clearRealTimeout(timer);
  }
}
