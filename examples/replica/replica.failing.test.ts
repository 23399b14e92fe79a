/**
 * The failing variant `npm run demo` shows on purpose: the replica stalls after its first change,
 * so the assertion times out and explains itself (stuck, not slow; with the replica's own state).
 */
import { afterEach, expect, test } from 'vitest';
import { Primary, Replica } from './replication.ts';

let replica: Replica | undefined;
afterEach(() => replica?.close());

test('DEMO (fails on purpose): a stalled replica never catches up', async () => {
  const primary = new Primary();
  replica = new Replica(primary, { lag: 30, stallAfter: 1 });
  primary.write('user-42', 'old@x.io');
  setTimeout(() => primary.write('user-42', 'new@x.io'), 100);

  await expect(() => replica!.get('user-42')).toEventuallyEqual(
    { id: 'user-42', email: 'new@x.io', version: 2 },
    {
      timeout: 1_500,
      message: 'user-42 must see the new e-mail on the read replica',
      context: () => ({
        primaryLog: primary.log.length,
        replicaApplied: replica!.applied,
        replicationLag: `${primary.log.length - replica!.applied} change(s) behind`,
      }),
    },
  );
});
