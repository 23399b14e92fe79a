import { userFrames } from './ownFrames.ts';

// Enough frames to get from our code through the runner's expect wrappers to the user's line.
// Runners raise Error.stackTraceLimit (Vitest: 100); capturing that deep on every assertion was
// most of the cost of an already-true one (bench/).
const CALL_SITE_FRAMES = 16;

/** An Error created at the public call, for its stack: read only on failure or a missing await. */
export function captureCallSite(message: string, above?: (...args: never[]) => unknown): Error {
  const limit = Error.stackTraceLimit;
  try {
    // One capture, not two: `new Error` would capture a stack that captureStackTrace then replaces.
    const recapture = above && typeof (Error as { captureStackTrace?: unknown }).captureStackTrace === 'function';
    Error.stackTraceLimit = recapture ? 0 : CALL_SITE_FRAMES;
    const error = new Error(message);
    Error.stackTraceLimit = CALL_SITE_FRAMES;
    if (recapture) Error.captureStackTrace(error, above);
    return error;
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** The first stack frame outside this library: where the user wrote the assertion. */
export function findCallSite(stack: string | undefined): string | undefined {
  return userFrames(stack)[0]
    ?.trim()
    .replace(/^at\s+/, '');
}

/**
 * `error` with the stack of `callSite` (captured where the user called): its message, then the call's
 * frames. Runners show the first frame in the test file and its code frame.
 */
export function withCallSiteStack(error: Error, callSite: Error): Error {
  const frames = (callSite.stack ?? '').split('\n').slice(1).join('\n');
  error.stack = `${error.name}: ${error.message}\n${frames}`;
  return error;
}

/** `error` with only the user's frames of `callSite`: what a runner shows as the failing line and its code frame. */
export function withUserFrames(error: Error, callSite: Error): Error {
  error.stack = `${error.name}: ${error.message}\n${userFrames(callSite.stack).join('\n')}`;
  return error;
}
