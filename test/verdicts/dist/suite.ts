/**
 * Which behaviour files the dist runs take (vitest.dist.config.ts, jest.dist.config.ts), and how their
 * imports reach dist/. Decided from each file's imports, so files other people add join or stay out by
 * themselves: a test runs against dist/ when everything it (and the test helpers it imports) takes from
 * the library is public: a public entry (src/index.ts, clock/index.ts, matchers/index.ts, `unflake*`), or
 * only names that src/index.ts exports from a source module (mapped to the `unflake` entry), or only what
 * test/verdicts/dist/realTime.ts stands in for. Anything else is a unit test of internals: the source runs
 * cover it. To see the current split: `npm run test:dist:list`.
 */
import { existsSync, globSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const LIBRARY = /^(src|matchers|clock|reporter)\//;

/** Whole public entries: source module -> built entry name (dist/<name>.js, dist/<name>.cjs). */
export const entries: Record<string, string> = { 'src/index.ts': 'index', 'clock/index.ts': 'clock', 'matchers/index.ts': 'matchers' };
export const realTimeShim = 'test/verdicts/dist/realTime.ts';

/** Whose children or subprocesses load the source, so running them again here proves nothing about dist/. */
const childrenLoadSource: Record<string, string> = {
  'test/clock/lightImport.test.ts': 'imports clock/index.ts from source in a child Node process',
  'test/clock/share/processes.test.ts': 'its followers are child processes that load the source',
  'test/helpers/workerNamespace.test.ts': 'its real runs use source fixture configs',
};

/**
 * Files that also run with every test concurrent and with `isolate: false`: they use no fake timers, no
 * configure() and no process-wide state, so their tests may interleave and share a worker.
 */
export const robustTests = [
  'test/matchers/toEventually.test.ts',
  'test/matchers/toEventuallyEqual.test.ts',
  'test/matchers/toEventuallyBe.test.ts',
  'test/matchers/toEventuallyMatchObject.test.ts',
  'test/matchers/toEventuallyStrictEqual.test.ts',
  'test/matchers/toConsistently.test.ts',
  'test/matchers/toConsistentlyEqual.test.ts',
  'test/src/brands.test.ts',
  'test/src/badInput.test.ts',
];

interface Import {
  spec: string;
  /** Value bindings (type-only ones dropped); undefined for a default, namespace or side-effect import. */
  names: string[] | undefined;
}

const IMPORT = /^\s*import\s+(type\s+)?(?:(\{[^}]*\})|(\*\s+as\s+\w+|\w+(?:\s*,\s*\{[^}]*\})?))\s+from\s+'([^']+)'|^\s*import\s+'([^']+)'/gm;

function importsOf(source: string): Import[] {
  const found: Import[] = [];
  for (const m of source.matchAll(IMPORT)) {
    if (m[5]) found.push({ spec: m[5], names: undefined });
    else if (m[1]) continue; // import type { ... }: erased
    else if (m[2]) {
      const names = m[2].slice(1, -1).split(',').map((n) => n.trim()).filter((n) => n && !n.startsWith('type '));
      found.push({ spec: m[4]!, names: names.map((n) => n.split(/\s+as\s+/)[0]!) });
    } else found.push({ spec: m[4]!, names: undefined });
  }
  return found;
}

/** Value names a module exports through `export { ... }` (its own or re-exported). */
function exportedNames(file: string): Set<string> {
  const names = new Set<string>();
  const source = readFileSync(join(root, file), 'utf8');
  for (const m of source.matchAll(/^export\s+\{([^}]*)\}/gm)) {
    for (const n of m[1]!.split(',').map((s) => s.trim()).filter((s) => s && !s.startsWith('type '))) names.add(n.split(/\s+as\s+/).pop()!);
  }
  for (const m of source.matchAll(/^export\s+(?:async\s+)?(?:function|const|class)\s+(\w+)/gm)) names.add(m[1]!);
  return names;
}

export interface Classified {
  /** Source modules (other than entries) the included files import, mapped to the `unflake` entry. */
  mappedToIndex: Set<string>;
  include: string[];
  excluded: Array<{ file: string; reason: string }>;
}

/** Why `file` (repo-relative) cannot run against dist/, or undefined if it can. */
function internalUse(file: string, seen: Set<string>, mapped: Set<string>, publicNames: Set<string>, shimNames: Set<string>): string | undefined {
  if (seen.has(file)) return undefined;
  seen.add(file);
  for (const { spec, names } of importsOf(readFileSync(join(root, file), 'utf8'))) {
    if (spec === 'unflake' || spec.startsWith('unflake/')) continue;
    if (!spec.startsWith('.')) continue; // node:, vitest, fast-check, ...
    const target = relative(root, resolve(root, dirname(file), spec)).split('\\').join('/');
    if (target in entries) continue;
    if (!LIBRARY.test(target)) {
      // A local helper (test/**, examples/**): what it imports counts too.
      const why = target.endsWith('.ts') && existsSync(join(root, target)) ? internalUse(target, seen, mapped, publicNames, shimNames) : undefined;
      if (why) return `${why} (through ${target})`;
      continue;
    }
    const pool = target === 'src/time/realTime.ts' ? shimNames : publicNames;
    const hidden = names === undefined ? ['(a default, namespace or side-effect import)'] : names.filter((n) => !pool.has(n));
    if (hidden.length > 0 || !target.startsWith('src/')) return hidden.length > 0 ? `imports ${hidden.join(', ')} from ${target}` : `imports from ${target}, which has no public entry`;
    if (target !== 'src/time/realTime.ts') mapped.add(target);
  }
  return undefined;
}

export function classifyTests(): Classified {
  const publicNames = exportedNames('src/index.ts');
  const shimNames = exportedNames(realTimeShim);
  const files = globSync('test/{matchers,src,clock,helpers,verdicts}/**/*.test.ts', { cwd: root }).map((f) => f.split('\\').join('/')).sort();
  const result: Classified = { mappedToIndex: new Set(), include: [], excluded: [] };
  for (const file of files) {
    const mapped = new Set<string>();
    const reason = childrenLoadSource[file] ?? internalUse(file, new Set(), mapped, publicNames, shimNames);
    if (reason) result.excluded.push({ file, reason });
    else {
      result.include.push(file);
      for (const m of mapped) result.mappedToIndex.add(m);
    }
  }
  return result;
}

/** A source module path as a regex over the relative specifiers tests use for it (`../../src/x.ts`). */
export function specifierPattern(module: string): string {
  return `^(?:\\.\\./)+${module.replace(/[.+^${}()|[\]\\/]/g, '\\$&')}$`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { include, excluded, mappedToIndex } = classifyTests();
  console.log(`against dist/ (${include.length}):\n  ${include.join('\n  ')}`);
  console.log(`source only (${excluded.length}):\n${excluded.map((e) => `  ${e.file}: ${e.reason}`).join('\n')}`);
  console.log(`source modules mapped to the unflake entry: ${[...mappedToIndex].join(', ')}`);
}
