export class TimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimeoutError';
  }
}

/**
 * Settles like `work`, or rejects with a TimeoutError ("<what> did not answer within <ms> ms")
 * when it has not settled within `ms`. For calls to a database or a broker that may hang: a
 * probe, a scrape or a lock heartbeat must answer anyway. `work` itself is not cancelled; its late
 * outcome is ignored, never an unhandled rejection. The timer is cleared as soon as it settles.
 */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new TimeoutError(`${what} did not answer within ${ms} ms`)),
      ms,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
