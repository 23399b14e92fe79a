/**
 * One Postgres server process on a loopback port: initdb, start, connect, stop (postgresProcess.ts),
 * and a client once it accepts connections (waited for with unflake). Used by pgPair.ts for a primary
 * and its hot standby.
 */
import type pg from 'pg';
import { eventually } from 'unflake';
import type { PostgresServer } from './postgresProcess.ts';

export * from './postgresProcess.ts';

function exitReason(server: PostgresServer): string | false {
  const child = server.process;
  if (child.exitCode === null && child.signalCode === null) return false;
  return `${server.name} (postgres on port ${server.port}) exited (${child.exitCode ?? child.signalCode}):\n${server.log().trim().split('\n').slice(-8).join('\n')}`;
}

/** A connected client, once the server accepts connections (waited for with unflake, not a sleep). */
export function connectTo(server: PostgresServer, timeout: number): Promise<pg.Client> {
  return eventually(
    async () => {
      const reason = exitReason(server);
      if (reason) throw Object.assign(new Error(reason), { fatal: true });
      const client = server.client();
      try {
        await client.connect();
        await client.query('SELECT 1');
        return client;
      } catch (error) {
        await client.end().catch(() => {});
        throw error;
      }
    },
    () => true,
    {
      timeout,
      ignore: (error) => !(error as { fatal?: boolean }).fatal,
      message: `${server.name} (postgres on port ${server.port}) must accept connections`,
    },
  );
}
