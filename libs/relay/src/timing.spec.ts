import { abortable, backoffDelay, delay } from './timing';

describe('backoffDelay', () => {
  it('grows from the first wait by the multiplier up to the cap, within the jitter', () => {
    const options = { initialMs: 100, maxMs: 1_000, multiplier: 2, jitter: 0.2 };
    for (const [attempt, base] of [
      [0, 100],
      [1, 200],
      [3, 800],
      [4, 1_000],
      [50, 1_000],
    ] as const) {
      for (let i = 0; i < 50; i++) {
        const wait = backoffDelay(attempt, options);
        expect(wait).toBeGreaterThanOrEqual(base * 0.8);
        expect(wait).toBeLessThanOrEqual(base * 1.2);
      }
    }
  });
});

describe('abortable', () => {
  it('rejects with the reason as soon as the signal aborts, and swallows the late outcome', async () => {
    const controller = new AbortController();
    let fail: (error: Error) => void = () => undefined;
    const work = new Promise<void>((_, reject) => (fail = reject));
    const waiting = abortable(work, controller.signal);
    const reason = new Error('lost the lock');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    fail(new Error('late failure that must not surface as unhandled'));
    await delay(0);
  });

  it('settles like the work when the signal stays quiet', async () => {
    await expect(abortable(Promise.resolve(7), new AbortController().signal)).resolves.toBe(7);
  });
});

describe('delay', () => {
  it('ends early when the signal aborts', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const waiting = delay(10_000, controller.signal);
    controller.abort();
    await waiting;
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
