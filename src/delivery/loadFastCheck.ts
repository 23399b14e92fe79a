import type * as FastCheck from 'fast-check';
import { lazyRequire } from '../lazyRequire.ts';

/** fast-check, loaded on the first convergence check, not when the matchers are registered. */
export const loadFastCheck = lazyRequire<typeof FastCheck>('fast-check');
