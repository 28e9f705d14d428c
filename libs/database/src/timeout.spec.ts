import { TimeoutError, withTimeout } from './timeout';

describe('withTimeout', () => {
  afterEach(() => jest.useRealTimers());

  it('rejects with a TimeoutError that names what did not answer in time', async () => {
    const waiting = withTimeout(new Promise(() => undefined), 10, 'The lock connection');
    await expect(waiting).rejects.toThrow(TimeoutError);
    await expect(waiting).rejects.toThrow('The lock connection did not answer within 10 ms');
  });

  it('settles like the work when it answers in time, and leaves no timer behind', async () => {
    jest.useFakeTimers();
    await expect(withTimeout(Promise.resolve(7), 60_000, 'The source')).resolves.toBe(7);
    const failure = new Error('refused');
    await expect(withTimeout(Promise.reject(failure), 60_000, 'The source')).rejects.toBe(failure);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('ignores the late failure of work that timed out', async () => {
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      let fail: (error: Error) => void = () => undefined;
      const work = new Promise<never>((_, reject) => (fail = reject));
      await expect(withTimeout(work, 5, 'The broker')).rejects.toThrow(TimeoutError);
      fail(new Error('late'));
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});
