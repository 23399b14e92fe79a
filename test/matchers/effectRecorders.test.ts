/**
 * Effect recorders are read synchronously, between deliveries. An async recorder is the likely
 * mistake, so the error names it ("got a Promise") instead of "got object". The types refuse both
 * recorders below (hence the casts); a JavaScript caller meets the runtime error.
 */
import { failureOf } from '../support/failure.ts';

describe('effect recorders', () => {
  test('an async recorder fails saying it returned a Promise and that recorders are synchronous', async () => {
    const sent: string[] = [];
    const notify = (event: { id: string }): void => void sent.push(event.id);
    const message = await failureOf(
      expect(notify).toBeIdempotent({ id: 'e1' }, { effects: { sent: (async () => sent) as never } }),
    );
    expect(message).toMatch(
      /the effect recorder `sent` must return an array of calls, got a Promise \(recorders are synchronous/,
    );
  });

  test('a recorder returning something else still says what it got', async () => {
    const notify = (): void => {};
    const message = await failureOf(
      expect(notify).toBeIdempotent({ id: 'e1' }, { effects: { sent: (() => 42) as never } }),
    );
    expect(message).toMatch(/must return an array of calls, got number\./);
  });
});
