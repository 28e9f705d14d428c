import type { BatchHandler, Checkpoint, ReadAllResult, Subscription } from './event-store.port';

export interface PollingSubscriptionOptions {
  fromCheckpoint: Checkpoint | null;
  batchSize: number;
  /** Longest wait between reads when the log is idle. */
  idlePollMs: number;
  readAll: (from: Checkpoint | null, limit: number) => Promise<ReadAllResult>;
  /** Resolves early when this process committed something, so in-process readers see it at once. */
  nextWake: () => Promise<void>;
  onReadError?: (error: unknown) => void;
}

/**
 * A catch-up subscription over readAll: reads history in batches, then follows the log, waking on
 * local commits and polling for other writers. The cursor moves only after the handler resolved,
 * and only to the checkpoint of the batch read; a failed read is retried with backoff.
 */
export function pollingSubscription(
  options: PollingSubscriptionOptions,
  handler: BatchHandler,
): Subscription {
  let stopped = false;
  let wakeStop: () => void = () => undefined;
  const stopSignal = new Promise<void>((resolve) => (wakeStop = resolve));

  const run = async (): Promise<void> => {
    let cursor = options.fromCheckpoint;
    let backoff = 0;
    while (!stopped) {
      let batch: ReadAllResult;
      try {
        batch = await options.readAll(cursor, options.batchSize);
        backoff = 0;
      } catch (error) {
        options.onReadError?.(error);
        backoff = Math.min(backoff === 0 ? 50 : backoff * 2, 5_000);
        await Promise.race([sleep(backoff), stopSignal]);
        continue;
      }
      if (batch.events.length > 0) {
        await handler(batch.events, batch.checkpoint!);
        cursor = batch.checkpoint;
        continue;
      }
      await Promise.race([options.nextWake(), sleep(options.idlePollMs), stopSignal]);
    }
  };

  const done = run();
  return {
    done,
    async stop() {
      stopped = true;
      wakeStop();
      await done.catch(() => undefined);
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
