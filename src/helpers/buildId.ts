/**
 * Build ids in health bodies and headers: where they are looked for (`BUILD_PATHS`, `BUILD_HEADERS`,
 * or a `buildField`), and how they are read and described. Split from health.ts, which re-exports it.
 */

export interface BuildId {
  /** The build identifier as found (a SHA, a version, a build number). */
  value: string;
  /** Where it was found, as the body spells it: `buildSha`, `git_sha`, `info.git.commit.id`, `header x-build-id`, `buildField()`, … */
  source: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Where a build id may be, in this order (the report names the one it read). A commit SHA comes
 * first, as the most exact identity and what CI hands over (GIT_SHA); release and build ids next;
 * versions last, because one version often covers many builds. Keys match ignoring case, `_` and
 * `-` (`buildSha`, `build_sha`, `BUILD-SHA`); `git.commit` counts only when it is a string, else
 * `git.commit.id` is read. `info.*`: Spring Boot's `/actuator/info` merged into the health body.
 */
export const BUILD_PATHS = [
  'buildSha',
  'gitSha',
  'commitSha',
  'sha',
  'commit',
  'revision',
  'git.sha',
  'git.commit',
  'git.commit.id',
  'build.sha',
  'build.commit',
  'releaseId',
  'buildId',
  'build.id',
  'build',
  'version',
  'build.version',
  'info.git.commit.id',
  'info.build.version',
] as const;
export const BUILD_HEADERS = ['x-build-id', 'x-release-id'] as const;

/**
 * Where to read the build id instead of `BUILD_PATHS` and the headers: a dotted path in the body
 * (exact keys, `meta.release.sha`), or a function of the parsed body (and the lower-case headers)
 * returning the id, or undefined while there is none.
 */
export type BuildField =
  string | ((body: unknown, headers: Readonly<Record<string, string | undefined>>) => string | number | undefined);

/** Validates a `buildField` option; `where` names the function it was given to. */
export function checkBuildField(where: string, value: unknown): BuildField | undefined {
  if (value === undefined || typeof value === 'function') return value as BuildField | undefined;
  if (typeof value === 'string' && value.split('.').every((part) => part.trim() !== '')) return value;
  const got =
    typeof value === 'string'
      ? JSON.stringify(value)
      : value === null
        ? 'null'
        : typeof value === 'object'
          ? 'an object'
          : `${typeof value} ${String(value)}`;
  throw new TypeError(
    `${where}: \`buildField\` must be a dotted path into the body such as 'meta.release.sha', or a function (body) => string | undefined, got ${got}.`,
  );
}

const squash = (key: string): string => key.toLowerCase().replace(/[-_]/g, '');

/** The value at a dotted path, and the path as the body spells it; `loose` matches keys ignoring case, `_` and `-`. */
function at(body: unknown, path: string, loose: boolean): { value: unknown; path: string } {
  let current: unknown = body;
  const spelled: string[] = [];
  for (const part of path.split('.')) {
    if (!isRecord(current)) return { value: undefined, path };
    const key = Object.hasOwn(current, part)
      ? part
      : loose
        ? Object.keys(current).find((k) => squash(k) === squash(part))
        : undefined;
    if (key === undefined) return { value: undefined, path };
    spelled.push(key);
    current = current[key];
  }
  return { value: current, path: spelled.join('.') };
}

const isBuildValue = (value: unknown): value is string | number =>
  (typeof value === 'string' && value.trim() !== '') || (typeof value === 'number' && Number.isFinite(value));

function kindOf(value: unknown): string {
  return value === null
    ? 'null'
    : Array.isArray(value)
      ? 'an array'
      : typeof value === 'object'
        ? 'an object'
        : typeof value === 'string'
          ? 'an empty string'
          : `${typeof value} ${String(value)}`;
}

export function readBuilds(
  body: unknown,
  headers: Record<string, string | undefined>,
  field: BuildField | undefined,
): { builds: BuildId[]; buildProblem?: string } {
  if (typeof field === 'function') return buildFromFunction(field, body, headers);
  if (typeof field === 'string') {
    const { value } = at(body, field, false);
    if (isBuildValue(value)) return { builds: [{ value: String(value).trim(), source: field }] };
    return value === undefined
      ? { builds: [] }
      : { builds: [], buildProblem: `${field} is ${kindOf(value)}, not a build id` };
  }
  const builds: BuildId[] = [];
  for (const path of BUILD_PATHS) {
    const found = at(body, path, true);
    if (isBuildValue(found.value)) builds.push({ value: String(found.value).trim(), source: found.path });
  }
  for (const name of BUILD_HEADERS) {
    const value = headers[name];
    if (value) builds.push({ value, source: `header ${name}` });
  }
  return { builds };
}

function buildFromFunction(
  field: Exclude<BuildField, string>,
  body: unknown,
  headers: Record<string, string | undefined>,
): { builds: BuildId[]; buildProblem?: string } {
  let value: unknown;
  try {
    value = field(body, headers);
  } catch (error) {
    // Usually a body that is not the expected shape yet (a 503 page while starting): not yet, and said.
    return {
      builds: [],
      buildProblem: `buildField() threw: ${String(error instanceof Error ? error.message : error).slice(0, 200)}`,
    };
  }
  if (value === undefined || value === null || value === '') return { builds: [] };
  if (isBuildValue(value)) return { builds: [{ value: String(value).trim(), source: 'buildField()' }] };
  throw new TypeError(
    `waitForReady(): \`buildField\` must return a string (the build id) or undefined, got ${kindOf(value)}.`,
  );
}

/** Where `readBuilds` looked, for a "no build id" report. */
export function describeBuildLookup(field: BuildField | undefined): string {
  if (typeof field === 'function') return 'buildField() returned no id';
  if (typeof field === 'string') return `looked at ${field}, as buildField says`;
  return `looked at ${BUILD_PATHS.join(', ')} and the ${BUILD_HEADERS.join(' / ')} headers`;
}
