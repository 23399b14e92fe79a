// Must NOT type-check: ../run.sh asserts on the error codes.
import { expect } from 'expect';

await expect(() => 1).toEventualyEqual(1); // TS2551 (did you mean) or TS2339
await expect(() => 1).toEventuallyEqual(1, { timeoutMs: 5 }); // TS2353 or TS2561 (unknown option)
