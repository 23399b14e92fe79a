/** Kept for the share modules' imports; the one implementation is src/time/realTime.ts. */
export { realSetImmediate } from '../../src/time/realTime.ts';
