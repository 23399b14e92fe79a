/**
 * One test id everywhere (SPEC 0b): `<file> > <describe> > … > <test>`, the file relative to the
 * project root with `/` separators. Jest's own full name joins titles with spaces, so
 * `describe('orders sync') > test('retries')` and `describe('orders') > test('sync retries')` would be
 * one test; joined with ` > ` they are not. A title that itself contains `>` has it escaped as `\>` (and
 * `\` as `\\`), so no two title paths give the same id.
 */
import { isAbsolute, relative, sep } from 'node:path';

export const ID_SEPARATOR = ' > ';

/** A title as it appears in an id. Titles without `>` or `\` (nearly all) are unchanged. */
export function escapeTitle(title: string): string {
  return /[>\\]/.test(title) ? title.replace(/[>\\]/g, (c) => `\\${c}`) : title;
}

/** The name part of an id: the titles, outermost describe first, joined with ` > `. */
export function testNameOf(titles: readonly string[]): string {
  return titles.map(escapeTitle).join(ID_SEPARATOR);
}

/** The file part of an id: relative to `root` (default: the working directory), with `/`. */
export function testFileOf(file: string, root = process.cwd()): string {
  const rel = isAbsolute(file) ? relative(root, file) : file;
  return sep === '/' ? rel : rel.split(sep).join('/');
}

/** The whole id; without a file, the name part alone. */
export function testIdOf(file: string | undefined, titles: readonly string[]): string {
  const name = testNameOf(titles);
  return file === undefined ? name : `${testFileOf(file)}${ID_SEPARATOR}${name}`;
}

/** The parts of a Vitest task (`context.task`) an id needs: its title, its suites up to the file. */
export interface VitestTaskLike {
  name?: string;
  suite?: VitestTaskLike;
  /** Only the file task has one. */
  filepath?: string;
  file?: { filepath?: string };
}

/** A Vitest task's id; undefined when the task does not say its name. */
export function vitestTaskId(task: VitestTaskLike | undefined): string | undefined {
  if (typeof task?.name !== 'string') return undefined;
  const titles = [task.name];
  for (let suite = task.suite; suite && suite.filepath === undefined; suite = suite.suite)
    titles.unshift(suite.name ?? '');
  return testIdOf(task.file?.filepath, titles);
}
