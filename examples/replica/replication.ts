/**
 * A tiny primary/replica pair with asynchronous replication over real timers: writes land on the
 * primary at once and on the replica after a lag, like a read replica or a projection.
 */
import { EventEmitter } from 'node:events';

export interface User {
  id: string;
  email: string;
  version: number;
}

export class Primary extends EventEmitter {
  readonly #rows = new Map<string, User>();
  readonly log: User[] = [];

  write(id: string, email: string): User {
    const user = { id, email, version: (this.#rows.get(id)?.version ?? 0) + 1 };
    this.#rows.set(id, user);
    this.log.push(user);
    this.emit('append', user);
    return user;
  }
}

export interface ReplicaOptions {
  /** How long each change takes to arrive, in ms. */
  lag: number;
  /** Planted bug: the replica stops applying changes after this many (a stuck consumer). */
  stallAfter?: number;
}

export class Replica extends EventEmitter {
  readonly #rows = new Map<string, User>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly options: ReplicaOptions;
  applied = 0;

  constructor(primary: Primary, options: ReplicaOptions) {
    super();
    this.options = options;
    primary.on('append', (user: User) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        if (options.stallAfter !== undefined && this.applied >= options.stallAfter) return;
        this.#rows.set(user.id, user);
        this.applied++;
        this.emit('applied', user);
      }, options.lag);
      this.#timers.add(timer);
    });
  }

  get(id: string): User | undefined {
    const row = this.#rows.get(id);
    return row && { ...row };
  }

  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }
}
