import type { Checkpoint, EventStore, RecordedEvent, Subscription } from '@touchline/event-store';
import {
  ALL_PARTITION,
  type ProjectionSource,
  type SourceConsumer,
  type SourceHandle,
} from '../source.port';
import type { SharedLogPages } from './shared-log-pages';

export interface InProcessSourceOptions {
  /** Largest batch read from the log, and so the most events in one transaction. Default 500. */
  batchSize?: number;
  /** First wait after a failure of the source; doubles up to 5 s. Default 50 ms. */
  retryMs?: number;
  /**
   * Reads the history (full pages, up to the head of the log) through these pages, shared with
   * the other readers of the same pages (the engine's rebuilds), before following the log with
   * `subscribeToAll`.
   */
  sharedHistory?: SharedLogPages;
}

class Restart extends Error {
  constructor(readonly outcome: 'resync' | 'halt') {
    super(outcome);
  }
}

/**
 * The in-process feed: a catch-up subscription to the store's global log from the build's stored
 * checkpoint. A 'resync' ends the subscription and starts a new one from the stored checkpoint;
 * that is how a runner that lost the checkpoint compare-and-set to another one carries on.
 */
export function inProcessSource(
  store: EventStore,
  options: InProcessSourceOptions = {},
): ProjectionSource {
  const batchSize = options.batchSize ?? 500;
  const retryMs = options.retryMs ?? 50;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new TypeError('batchSize must be a positive integer');

  return {
    open(consumer: SourceConsumer): SourceHandle {
      let stopped = false;
      let subscription: Subscription | undefined;
      let wakeStop: () => void = () => undefined;
      const stopSignal = new Promise<void>((resolve) => (wakeStop = resolve));
      const pause = (ms: number) =>
        Promise.race([new Promise<void>((r) => setTimeout(r, ms).unref()), stopSignal]);

      const deliver = (events: RecordedEvent[]) =>
        consumer.apply({
          partition: ALL_PARTITION,
          records: events.map((event) => ({ event, cursor: event.position })),
        });

      /** Full pages through the shared pages; resolves at the first short page (the head). */
      const catchUp = async (
        pages: SharedLogPages,
        from: Checkpoint | null,
      ): Promise<{ outcome: 'caught-up'; from: Checkpoint | null } | Restart> => {
        const leave = pages.join();
        try {
          let cursor = from;
          while (!stopped) {
            const page = await pages.read(cursor, batchSize);
            if (page.events.length === 0) break;
            const outcome = await deliver(page.events);
            if (outcome !== 'applied') return new Restart(outcome);
            cursor = page.checkpoint;
            if (page.events.length < batchSize) break;
          }
          return { outcome: 'caught-up', from: cursor };
        } finally {
          leave();
        }
      };

      const run = async (): Promise<void> => {
        let backoff = 0;
        while (!stopped) {
          let from: string | null;
          try {
            from = await consumer.cursorOf(ALL_PARTITION);
          } catch (error) {
            consumer.reportSourceError(error);
            backoff = Math.min(backoff === 0 ? retryMs : backoff * 2, 5_000);
            await pause(backoff);
            continue;
          }
          if (stopped) return;
          if (options.sharedHistory) {
            let caughtUp: { outcome: 'caught-up'; from: Checkpoint | null } | Restart;
            try {
              caughtUp = await catchUp(options.sharedHistory, from);
            } catch (error) {
              consumer.reportSourceError(error);
              backoff = Math.min(backoff === 0 ? retryMs : backoff * 2, 5_000);
              await pause(backoff);
              continue;
            }
            if (caughtUp instanceof Restart) {
              if (caughtUp.outcome === 'halt') return;
              backoff = 0;
              continue;
            }
            from = caughtUp.from;
            if (stopped) return;
          }
          subscription = store.subscribeToAll(
            { fromCheckpoint: from, batchSize },
            async (events) => {
              const outcome = await deliver(events);
              if (outcome !== 'applied') throw new Restart(outcome);
            },
          );
          try {
            await subscription.done;
            return;
          } catch (error) {
            if (error instanceof Restart) {
              if (error.outcome === 'halt') return;
              backoff = 0;
              continue;
            }
            consumer.reportSourceError(error);
            backoff = Math.min(backoff === 0 ? retryMs : backoff * 2, 5_000);
            await pause(backoff);
          }
        }
      };

      const done = run();
      return {
        done,
        async stop() {
          stopped = true;
          wakeStop();
          await subscription?.stop();
          await done;
        },
      };
    },
  };
}
