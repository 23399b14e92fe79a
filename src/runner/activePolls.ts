/**
 * Polls still running, per test, so the setup entries' `afterEach` can end those a test forgot to
 * await (no timer or attempt outlives the test) and report the missing `await`.
 */
interface ActivePoll {
  generation: number;
  /** Lazy: formatting a stack is the dominant cost of an already-true assertion. */
  label: () => string;
  end: () => void;
}

interface Registry {
  generation: number;
  polls: Set<ActivePoll>;
}

const KEY = Symbol.for('unflake.activePolls');

function registry(): Registry {
  const g = globalThis as Record<symbol, Registry | undefined>;
  return (g[KEY] ??= { generation: 0, polls: new Set() });
}

/** Registers a running poll; returns its unregister function. */
export function trackPoll(label: () => string, end: () => void): () => void {
  const reg = registry();
  const poll: ActivePoll = { generation: reg.generation, label, end };
  reg.polls.add(poll);
  return () => reg.polls.delete(poll);
}

/** The generation of the running test (read-only): changes with every test and every retry. */
export function currentTestGeneration(): number {
  return registry().generation;
}

/** A new test starts: polls started from now on belong to it. */
export function beginTestGeneration(): void {
  registry().generation++;
}

/**
 * Ends every poll of the current test that is still running and returns an error naming them,
 * or undefined when the test awaited all of its polls.
 */
export function endTestGeneration(): Error | undefined {
  const reg = registry();
  const leftovers = [...reg.polls].filter((poll) => poll.generation === reg.generation);
  for (const poll of leftovers) {
    reg.polls.delete(poll);
    poll.end();
  }
  if (leftovers.length === 0) return undefined;
  const names = leftovers.map((poll) => `  ${poll.label()}`).join('\n');
  return new Error(
    `unflake: ${leftovers.length === 1 ? 'an eventual assertion was' : `${leftovers.length} eventual assertions were`} still running when the test ended, so ${leftovers.length === 1 ? 'it was' : 'they were'} never awaited:\n${names}\n\nAdd \`await\` in front of each (e.g. \`await expect(probe).toEventuallyEqual(x)\`). They have been stopped; their result was not checked.`,
  );
}
