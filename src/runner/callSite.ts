import { userFrames } from './ownFrames.ts';

/** The first stack frame outside this library: where the user wrote the assertion. */
export function findCallSite(stack: string | undefined): string | undefined {
  return userFrames(stack)[0]?.trim().replace(/^at\s+/, '');
}
