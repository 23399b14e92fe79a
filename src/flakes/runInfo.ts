/**
 * Which run this is: id, shard, commit, branch and CI job, from the runner and the CI environment.
 * `UNFLAKE_GIT_SHA` (the spec's name; `UNFLAKE_SHA` too), `UNFLAKE_BRANCH` and `UNFLAKE_JOB` win over the CI systems' own variables.
 */
import type { RunInfo, ShardRef } from './schema.ts';

type Env = Record<string, string | undefined>;

const SHA = ['UNFLAKE_GIT_SHA', 'UNFLAKE_SHA', 'GITHUB_SHA', 'CI_COMMIT_SHA', 'BUILDKITE_COMMIT', 'CIRCLE_SHA1', 'GIT_COMMIT', 'BITBUCKET_COMMIT'];
const BRANCH = ['UNFLAKE_BRANCH', 'GITHUB_HEAD_REF', 'GITHUB_REF_NAME', 'CI_COMMIT_REF_NAME', 'BUILDKITE_BRANCH', 'CIRCLE_BRANCH', 'GIT_BRANCH', 'BITBUCKET_BRANCH'];
const JOB = ['UNFLAKE_JOB', 'CI_JOB_URL', 'BUILDKITE_BUILD_URL', 'CIRCLE_BUILD_URL', 'BUILD_URL'];

function first(env: Env, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return value.slice(0, 300);
  }
  return undefined;
}

/** GitHub Actions has no single job URL variable: build it from the server, repository and run id. */
function githubJob(env: Env): string | undefined {
  if (!env.GITHUB_RUN_ID || !env.GITHUB_REPOSITORY) return undefined;
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  return `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}${env.GITHUB_RUN_ATTEMPT ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : ''}`;
}

export function runInfo(id: string, startedAt: Date, finishedAt: Date, shard: ShardRef | undefined, env: Env = process.env): RunInfo {
  const sha = first(env, SHA);
  const branch = first(env, BRANCH);
  const job = first(env, JOB.slice(0, 1)) ?? githubJob(env) ?? first(env, JOB.slice(1));
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
