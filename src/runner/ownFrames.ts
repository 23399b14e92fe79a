/**
 * Recognises stack frames from this library (its source folders in development, its dist/ when
 * installed) and from Node or node_modules, so reports show only the user's frames.
 */
const OWN_ROOT = (() => {
  const firstFrame = (new Error().stack ?? '').split('\n').find((line) => /^\s+at /.test(line)) ?? '';
  return firstFrame.match(/((?:file:\/\/)?\/[^():]*?\/)(?:src|matchers|clock|dist)\//)?.[1];
})();

export function isForeignFrame(line: string): boolean {
  if (/node:internal|\(node:|\/node_modules\//.test(line)) return true;
  if (!OWN_ROOT) return false;
  const at = line.indexOf(OWN_ROOT);
  return at !== -1 && /^(src|matchers|clock|dist)\//.test(line.slice(at + OWN_ROOT.length));
}

/** How much of a stack is read past its message: far more than any frame list a report shows. */
const FRAMES_TEXT = 64 * 1024;

/**
 * Stack frame lines ("    at …") of `stack` that belong to the user's code. Anything but a string
 * (a `stack` a thrown object made up) has none; the message before the frames, which can be megabytes,
 * is skipped rather than split.
 */
export function userFrames(stack: unknown): string[] {
  if (typeof stack !== 'string') return [];
  const first = stack.search(/^\s+at /m);
  if (first === -1) return [];
  return stack
    .slice(first, first + FRAMES_TEXT)
    .split('\n')
    .filter((line) => /^\s+at /.test(line) && !isForeignFrame(line));
}
