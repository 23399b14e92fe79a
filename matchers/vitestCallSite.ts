/**
 * Under Vitest a failing eventual assertion must point at its own line: Vitest builds a custom async
 * matcher's error after the matcher's promise settles, so its stack holds no frame of the test file and
 * the reporter shows no code frame (with five eventual assertions in a test, which one failed?). Jest
 * captures the call site itself; here each unflake method on chai's `Assertion` is wrapped to capture it
 * at the call (16 frames, only a stack, formatted only on failure) and to put it on the error it rejects
 * with, as Vitest does for `.resolves` / `.rejects`.
 */
import { isThenable } from '../src/check.ts';
import { captureCallSite, withCallSiteStack } from '../src/runner/callSite.ts';

interface ChaiLike {
  Assertion: { prototype: object };
  util: { overwriteMethod(ctx: object, name: string, method: (original: (...args: unknown[]) => unknown) => (...args: unknown[]) => unknown): void };
}

export function pointFailuresAtTheirCall(chai: ChaiLike, names: readonly string[]): void {
  for (const name of names) {
    chai.util.overwriteMethod(
      chai.Assertion.prototype,
      name,
      (original) =>
        function atTheCall(this: unknown, ...args: unknown[]): unknown {
          const callSite = captureCallSite(name, atTheCall);
          const result = original.apply(this, args);
          if (!isThenable(result)) return result;
          return result.then(undefined, (error: unknown) => {
            throw error instanceof Error ? withCallSiteStack(error, callSite) : error;
          });
        },
    );
  }
}
