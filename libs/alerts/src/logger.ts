/** What the alert workers report; the application logs it (the library never writes to the console). */
export interface AlertsLogger {
  warn(message: string): void;
  info(message: string): void;
}

export const SILENT_ALERTS_LOGGER: AlertsLogger = { warn: () => undefined, info: () => undefined };

export const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** Resolves after `ms`, or at once when the signal aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}
