/** Awaits an assertion that must fail and returns its message without colour codes. */
export async function failureOf(assertion: Promise<unknown>): Promise<string> {
  try {
    await assertion;
  } catch (error) {
    return stripAnsi(error instanceof Error ? error.message : String(error));
  }
  throw new Error('expected the assertion to fail, but it passed');
}

/** Awaits an assertion that must fail and returns the error itself. */
export async function errorOf<E = Error>(assertion: Promise<unknown>): Promise<E> {
  try {
    await assertion;
  } catch (error) {
    return error as E;
  }
  throw new Error('expected the assertion to fail, but it passed');
}

export function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

/** A value that changes after `attempt` probe calls: deterministic, no timing involved. */
export function flipsAfter<A, B>(calls: number, before: A, after: B): () => A | B {
  let n = 0;
  return () => (++n > calls ? after : before);
}
