import { afterEach, expect, test } from 'vitest';
import { eventually } from 'unflake';
import { Primary, Replica } from './replication.ts';

const replicas: Replica[] = [];
afterEach(() => replicas.splice(0).forEach((replica) => replica.close()));

function setUp(options: { lag: number; stallAfter?: number }): { primary: Primary; replica: Replica } {
  const primary = new Primary();
  const replica = new Replica(primary, options);
  replicas.push(replica);
  return { primary, replica };
}

test('a read after write reaches the replica', async () => {
  const { primary, replica } = setUp({ lag: 40 });
  primary.write('user-42', 'old@x.io');
  primary.write('user-42', 'new@x.io');

  // No sleep(5000): wait for the contract, with a deadline, and see why if it never holds.
  await expect(() => replica.get('user-42')).toEventuallyEqual({ id: 'user-42', email: 'new@x.io', version: 2 });
});

test('the replica catches up and then stays caught up', async () => {
  const { primary, replica } = setUp({ lag: 20 });
  primary.write('user-7', 'a@x.io');
  await expect(() => replica.get('user-7')?.email).toEventuallyBe('a@x.io', { wakeOn: [replica, 'applied'] });
  await expect(() => replica.get('user-7')?.email).toConsistentlyEqual('a@x.io', { for: 200 });
});

test('eventually() returns the value that passed', async () => {
  const { primary, replica } = setUp({ lag: 10 });
  primary.write('user-9', 'first@x.io');
  const user = await eventually(
    () => replica.get('user-9'),
    (u) => u?.version === 1,
  );
  expect(user?.email).toBe('first@x.io');
});
