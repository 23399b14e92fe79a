/**
 * Where past runs live: a folder of run files (the default: embedded, copied between CI jobs) or a
 * Postgres database shared by every CI machine (`postgres://…`). Both answer the same questions the same
 * way: the window is folded and finished by the same code (windowFold.ts, windowFinish.ts) or, in
 * Postgres, from aggregates kept at append time, proven to give the same JSON (test/flakes/postgresStore.test.ts).
 */
import type { HistoryStore } from './storeTypes.ts';

export type { HistoryStore, HistoryWindow, WindowQuery } from './storeTypes.ts';

export const isPostgresUrl = (spec: string): boolean => /^postgres(ql)?:\/\//i.test(spec);

/** The store a `history` option, `--history` flag or UNFLAKE_HISTORY names: a folder path, or a postgres:// URL (loads `pg`). */
export async function openHistory(spec: string): Promise<HistoryStore> {
  if (isPostgresUrl(spec)) {
    const { PostgresStore } = await import('./postgresStore.ts');
    return PostgresStore.open(spec);
  }
  const { FolderStore } = await import('./folderStore.ts');
  return new FolderStore(spec);
}
