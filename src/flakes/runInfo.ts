/**
 * Which run this is: id, shard, commit, branch and CI job, from the runner and the CI environment.
 * The one list of CI variables for the commit, branch and job (the `Run:` line's `sha` reads the same
 * list: src/helpers/fingerprint.ts). `UNFLAKE_GIT_SHA`, `UNFLAKE_BRANCH` and `UNFLAKE_JOB` win over the
 * CI systems' own variables; `UNFLAKE_SHA` is the deprecated name of `UNFLAKE_GIT_SHA`.
 */
import type { RunInfo, ShardRef } from './schema.ts';

type Env = Record<string, string | undefined>;

/** The commit: ours, then GitHub Actions, GitLab, Buildkite, CircleCI, Jenkins, Bitbucket. */
export const SHA_VARIABLES = [
  'UNFLAKE_GIT_SHA',
  'UNFLAKE_SHA',
  'GITHUB_SHA',
  'CI_COMMIT_SHA',
  'BUILDKITE_COMMIT',
  'CIRCLE_SHA1',
  'GIT_COMMIT',
  'BITBUCKET_COMMIT',
] as const;
/** The branch, in the same order (GITHUB_HEAD_REF: a pull request's branch; GITHUB_REF_NAME otherwise). */
export const BRANCH_VARIABLES = [
  'UNFLAKE_BRANCH',
  'GITHUB_HEAD_REF',
  'GITHUB_REF_NAME',
  'CI_COMMIT_REF_NAME',
  'BUILDKITE_BRANCH',
  'CIRCLE_BRANCH',
  'GIT_BRANCH',
  'BITBUCKET_BRANCH',
] as const;
/** The job's URL (GitHub Actions has none: built from its run id, see githubJob). */
export const JOB_VARIABLES = [
  'UNFLAKE_JOB',
  'CI_JOB_URL',
  'BUILDKITE_BUILD_URL',
  'CIRCLE_BUILD_URL',
  'BUILD_URL',
] as const;

/** Old names still read, with the name that replaces them. */
const DEPRECATED: Record<string, string> = { UNFLAKE_SHA: 'UNFLAKE_GIT_SHA' };

/** The first non-empty variable of the list, trimmed and clipped to 300 characters. */
export function firstVariable(names: readonly string[], env: Env = process.env): string | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return value.slice(0, 300);
  }
  return undefined;
}

/** One line per deprecated variable that is set: what to use instead. */
export function deprecatedVariables(env: Env = process.env): string[] {
  return Object.entries(DEPRECATED)
    .filter(([old]) => env[old]?.trim())
    .map(([old, now]) => `${old} is deprecated: set ${now} instead (it is read the same way).`);
}

/** GitHub Actions has no single job URL variable: build it from the server, repository and run id. */
function githubJob(env: Env): string | undefined {
  if (!env.GITHUB_RUN_ID || !env.GITHUB_REPOSITORY) return undefined;
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  return `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}${env.GITHUB_RUN_ATTEMPT ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : ''}`;
}

export function runInfo(
  id: string,
  startedAt: Date,
  finishedAt: Date,
  shard: ShardRef | undefined,
  env: Env = process.env,
): RunInfo {
  const sha = firstVariable(SHA_VARIABLES, env);
  const branch = firstVariable(BRANCH_VARIABLES, env);
  const job =
    firstVariable(JOB_VARIABLES.slice(0, 1), env) ?? githubJob(env) ?? firstVariable(JOB_VARIABLES.slice(1), env);
  return {
    id,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    ...(shard && shard.count > 1 ? { shard } : {}),
    ...(sha ? { sha } : {}),
    ...(branch ? { branch } : {}),
    ...(job ? { job } : {}),
  };
}

/** Vitest's `{ index, count }` or Jest's `{ shardIndex, shardCount }`, else undefined. */
export function shardOf(config: unknown): ShardRef | undefined {
  if (!config || typeof config !== 'object') return undefined;
  const c = config as { index?: unknown; count?: unknown; shardIndex?: unknown; shardCount?: unknown };
  const index = c.index ?? c.shardIndex;
  const count = c.count ?? c.shardCount;
  return typeof index === 'number' && typeof count === 'number' ? { index, count } : undefined;
}
