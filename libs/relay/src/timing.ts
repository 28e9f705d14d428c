export interface BackoffOptions {
  /** First wait. */
  initialMs: number;
  /** Longest wait. */
  maxMs: number;
  /** Growth per failed attempt. Default 2. */
  multiplier?: number;
  /** Random spread, as a fraction of the wait, so that instances do not retry in step. Default 0.2. */
  jitter?: number;
}

/** The wait before retry number `attempt` (0-based). */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const base = Math.min(
    options.maxMs,
    options.initialMs * (options.multiplier ?? 2) ** Math.min(attempt, 30),
  );
  const jitter = options.jitter ?? 0.2;
  return Math.max(0, Math.round(base * (1 - jitter + Math.random() * 2 * jitter)));
}

/** Resolves after `ms`, or at once when `signal` aborts; never rejects. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    timer.unref();
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Settles like `work`, or rejects with the signal's reason as soon as it aborts. `work` itself
 * cannot be cancelled; its late outcome is swallowed so it never surfaces as an unhandled rejection.
 */
export function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  work.catch(() => undefined);
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}

/** A promise that resolves when the signal aborts (never rejects). */
export function whenAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) =>
    signal.addEventListener('abort', () => resolve(), { once: true }),
  );
}
