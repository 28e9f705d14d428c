import { retryDelayMs } from './alert-dispatcher';

describe('delivery retries', () => {
  it('back off exponentially up to a ceiling, then give up after maxAttempts', () => {
    const policy = { maxAttempts: 6, initialBackoffMs: 1_000, maxBackoffMs: 10_000 };
    expect([1, 2, 3, 4, 5].map((failed) => retryDelayMs(failed, policy))).toEqual([
      1_000, 2_000, 4_000, 8_000, 10_000,
    ]);
    expect(retryDelayMs(6, policy)).toBeNull();
  });
});
