import { failureOf, flipsAfter } from '../support/failure.ts';

describe('.toEventuallyBe', () => {
  test('passes once the value is Object.is the expected one', async () => {
    await expect(flipsAfter(2, 'starting', 'ready')).toEventuallyBe('ready', { interval: 1 });
  });

  test('distinguishes identity from equality', async () => {
    const shared = { id: 1 };
    await expect(() => shared).toEventuallyBe(shared);
    const message = await failureOf(expect(() => ({ id: 1 })).toEventuallyBe({ id: 1 }, { timeout: 20, interval: 5 }));
    expect(message).toMatch(
      /^expect\(received\)\.toEventuallyBe\(expected, options\)\n\nTimed out after \d+ ms \(timeout: 20 ms\): the condition never held in \d+ attempts\./,
    );
    // Equal but not the same object: both sides print alike, so the report shows both.
    expect(message).toMatch(/Expected: [^\n]*(\{"id": 1\}|Object \{\n {2}"id": 1,\n\})\n {2}Received: /);
    expect(message).toContain('✗ { id: 1 }');
  });

  test('tells NaN and -0 apart as Object.is does', async () => {
    await expect(() => Number.NaN).toEventuallyBe(Number.NaN);
    const message = await failureOf(expect(() => 0).toEventuallyBe(-0, { timeout: 20, interval: 5 }));
    expect(message).toMatch(/Timed out after \d+ ms \(timeout: 20 ms\): the condition never held/);
    // Vitest shows a diff, Jest an Expected/Received pair: either way -0 against 0.
    expect(message).toMatch(/\n- -0\n\+ 0\n|Expected: -0\n {2}Received: 0\n/);
  });
});

describe('.not.toEventuallyBe', () => {
  test('passes when the value never becomes the expected one', async () => {
    await expect(() => 'starting').not.toEventuallyBe('crashed', { timeout: 20, interval: 5 });
  });

  test('fails at the first attempt where it is', async () => {
    const message = await failureOf(
      expect(flipsAfter(2, 'starting', 'crashed')).not.toEventuallyBe('crashed', { timeout: 5_000, interval: 1 }),
    );
    expect(message).toMatch(/It matched at attempt 3/);
    expect(message).toMatch(/Expected: not "crashed"/);
  });
});
