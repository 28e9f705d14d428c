import {
  START,
  excludeSystemEvents,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type EventStoreDBClient,
} from '@eventstore/db-client';
import type { BatchHandler, Checkpoint, RecordedEvent, Subscription } from '../event-store.port';
import { comparePositions, decodeCheckpoint } from './checkpoint';
import { isUserEvent, toRecordedEvent } from './event-envelope';

export interface EsdbSubscriptionOptions {
  client: EventStoreDBClient;
  fromCheckpoint: Checkpoint | null;
  batchSize: number;
  onReadError?: (error: unknown) => void;
}

/** Ends the subscription (its `done` rejects with `error`) instead of resubscribing. */
class Fatal {
  constructor(readonly error: unknown) {}
}

const STOP = Symbol('stop');
const IDLE = Symbol('idle');

/**
 * A catch-up subscription on EventStoreDB's own subscribeToAll, which filters system events (and
 * with them the event-id claims, whose type starts with "$") on the server. Events are pulled one
 * at a time, so the server's stream is not read further while the handler works; those already
 * buffered are handed over together, up to batchSize. The cursor moves only after the handler
 * resolved; a dropped subscription is resumed from it with backoff, a handler failure ends it.
 */
export function esdbSubscription(
  options: EsdbSubscriptionOptions,
  handler: BatchHandler,
): Subscription {
  let stopped = false;
  let wakeStop: () => void = () => undefined;
  const stopSignal = new Promise<typeof STOP>((resolve) => (wakeStop = () => resolve(STOP)));
  let cursor = decodeCheckpoint(options.fromCheckpoint);
  let backoff = 0;

  const deliver = async (subscription: AllStreamSubscription): Promise<void> => {
    const iterator = subscription[Symbol.asyncIterator]();
    let pending: Promise<IteratorResult<AllStreamResolvedEvent>> | undefined;
    const pull = () => {
      if (!pending) {
        pending = iterator.next();
        // A pull left waiting when we stop may reject once the stream is torn down.
        pending.catch(() => undefined);
      }
      return pending;
    };
    while (!stopped) {
      const first = await Promise.race([pull(), stopSignal]);
      if (first === STOP) return;
      pending = undefined;
      if (first.done) throw new Error('EventStoreDB ended the subscription');
      const batch: RecordedEvent[] = [];
      let next = first.value;
      for (;;) {
        take(next, batch);
        if (batch.length >= options.batchSize) break;
        const more = await Promise.race([pull(), nextMacrotask()]);
        if (more === IDLE) break;
        pending = undefined;
        if (more.done) break;
        next = more.value;
      }
      if (batch.length === 0) continue;
      const checkpoint = batch[batch.length - 1]!.position;
      try {
        await handler(batch, checkpoint);
      } catch (error) {
        throw new Fatal(error);
      }
      cursor = decodeCheckpoint(checkpoint);
      backoff = 0;
    }
  };

  const take = (resolved: AllStreamResolvedEvent, batch: RecordedEvent[]): void => {
    const event = resolved.event;
    // The start position is exclusive for subscriptions; the comparison guards a resubscription.
    if (!event || !isUserEvent(event) || comparePositions(event.position, cursor) <= 0) return;
    try {
      batch.push(toRecordedEvent(event));
    } catch (error) {
      throw new Fatal(error);
    }
  };

  const run = async (): Promise<void> => {
    while (!stopped) {
      const subscription = options.client.subscribeToAll({
        fromPosition: cursor ?? START,
        filter: excludeSystemEvents(),
      });
      // The client emits errors on the stream; once we stop iterating nobody else would listen.
      subscription.on('error', () => undefined);
      try {
        await deliver(subscription);
      } catch (error) {
        if (error instanceof Fatal) throw error.error;
        options.onReadError?.(error);
        backoff = Math.min(backoff === 0 ? 50 : backoff * 2, 5_000);
        await Promise.race([sleep(backoff), stopSignal]);
      } finally {
        await subscription.unsubscribe().catch(() => undefined);
        subscription.destroy();
      }
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

function nextMacrotask(): Promise<typeof IDLE> {
  return new Promise((resolve) => setImmediate(() => resolve(IDLE)));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
