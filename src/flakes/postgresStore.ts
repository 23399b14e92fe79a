/** The Postgres history store (in progress). */
import type { HistoryStore } from './store.ts';

export const PostgresStore = {
  open(_url: string): Promise<HistoryStore> {
    return Promise.reject(new TypeError('history: a postgres:// URL is not supported yet.'));
  },
};
