import type { Pool, PoolClient } from 'pg';
import type { Checkpoint, EventStore, RecordedEvent } from '@touchline/event-store';
import type { AlertsService } from '../alerts.service';
import { errorMessage, pause, SILENT_ALERTS_LOGGER, type AlertsLogger } from '../logger';
import {
  ensureCheckpoint,
  lockCheckpoint,
  readCheckpoint,
  storeCheckpoint,
} from '../sql/checkpoints';
import {
  correctSeverity,
  recordFirstResponse,
  recordResolved,
  watchComplaint,
} from '../sql/complaintWatch';
import { inTransaction } from '../sql/queryable';
import { DETECTED_TYPES, detractorAlert, readEvent, subjectOf } from './triggers';

const DETECTOR_NAME = 'alerts-detector';

export interface AlertDetectorOptions {
  pool: Pool;
  store: EventStore;
  alerts: AlertsService;
  /**
   * Where a detector that has never run starts: the current head of the log (alerts are about
   * what happens from now on, not a flood about history), or the beginning. Default 'head'.
   */
  startAt?: 'head' | 'beginning';
  /** The log's head, for startAt 'head'. */
  head?: () => Promise<Checkpoint | null>;
  batchSize?: number;
  /** Longest wait before retrying after a failure. Default 5 s. */
  maxRetryMs?: number;
  logger?: AlertsLogger;
}

/** The subscription's batch lost the compare-and-set: another process moved the checkpoint. */
class CheckpointMovedError extends Error {}

/**
 * Reads the global log from its own checkpoint and turns events into alerts and into the watch
 * list of complaints awaiting a first response. Each batch is one transaction: the alerts (insert
 * once by id), the watch rows and the checkpoint, compare-and-set against the checkpoint the batch
 * continues from (the row is locked first; a second process waits, sees it moved, rolls back and
 * resubscribes from there). At-least-once input with idempotent writes: each alert exactly once,
 * also when the checkpoint is reset to replay the log (`replayFromStart`).
 */
export class AlertDetector {
  private readonly name = DETECTOR_NAME;
  private stopping = new AbortController();
  private running: Promise<void> | null = null;
  private subscription: { stop(): Promise<void> } | null = null;
  private readonly logger: AlertsLogger;

  constructor(private readonly options: AlertDetectorOptions) {
    this.logger = options.logger ?? SILENT_ALERTS_LOGGER;
  }

  async start(): Promise<void> {
    if (this.running) return;
    const initial =
      (this.options.startAt ?? 'head') === 'head' && this.options.head
        ? await this.options.head()
        : null;
    await ensureCheckpoint(this.options.pool, this.name, initial);
    this.stopping = new AbortController();
    this.running = this.run();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.subscription?.stop();
    await this.running;
    this.running = null;
  }

  /** Where the detector stands in the log. */
  checkpoint(): Promise<Checkpoint | null> {
    return readCheckpoint(this.options.pool, this.name);
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping.signal.aborted) {
      try {
        const from = await readCheckpoint(this.options.pool, this.name);
        let expected = from;
        const subscription = this.options.store.subscribeToAll(
          { fromCheckpoint: from, batchSize: this.options.batchSize ?? 500 },
          async (events, next) => {
            await this.apply(events, expected, next);
            expected = next;
            failures = 0;
          },
        );
        this.subscription = subscription;
        if (this.stopping.signal.aborted) await subscription.stop();
        await subscription.done;
      } catch (error) {
        if (error instanceof CheckpointMovedError) continue;
        failures += 1;
        this.logger.warn(`Alert detector: ${errorMessage(error)}; retrying`);
        const wait = Math.min(100 * 2 ** (failures - 1), this.options.maxRetryMs ?? 5_000);
        await pause(wait, this.stopping.signal);
      } finally {
        this.subscription = null;
      }
    }
  }

  private async apply(
    events: RecordedEvent[],
    expected: Checkpoint | null,
    next: Checkpoint,
  ): Promise<void> {
    let raised = 0;
    await inTransaction(this.options.pool, async (client) => {
      const stored = await lockCheckpoint(client, this.name);
      if (stored === null || stored.checkpoint !== expected) throw new CheckpointMovedError();
      for (const event of events) {
        if (DETECTED_TYPES.has(event.type)) raised += await this.detect(client, event);
      }
      await storeCheckpoint(client, this.name, next);
      return { commit: true, value: undefined };
    });
    if (raised > 0) this.options.alerts.raised();
  }

  private async detect(client: PoolClient, event: RecordedEvent): Promise<number> {
    let e;
    try {
      e = readEvent(event);
    } catch (error) {
      // An event this code cannot read cannot trigger anything it knows; say so, move on.
      this.logger.warn(
        `Alert detector: skipped ${event.type} ${event.eventId}: ${errorMessage(error)}`,
      );
      return 0;
    }
    switch (e.type) {
      case 'survey.nps': {
        const alert = detractorAlert(e);
        return alert !== null && (await this.options.alerts.raiseWithin(client, alert)) ? 1 : 0;
      }
      case 'complaint.opened':
        await watchComplaint(client, {
          complaintId: e.data.complaintId,
          customerId: subjectOf(e),
          severity: e.data.severity,
          category: e.data.category,
          channel: e.channel,
          openedAt: new Date(e.occurredAt),
        });
        return 0;
      case 'complaint.responded':
        if (e.data.severity !== undefined)
          await correctSeverity(client, e.data.complaintId, e.data.severity);
        await recordFirstResponse(client, e.data.complaintId, new Date(e.occurredAt));
        return 0;
      case 'complaint.resolved':
        await recordResolved(client, e.data.complaintId);
        return 0;
      default:
        return 0;
    }
  }

  /**
   * Replays the whole log: alerts already raised are found by id and not raised again; watch rows
   * are rebuilt to the same state. For operations and for proving exactly-once.
   */
  async replayFromStart(): Promise<void> {
    const wasRunning = this.running !== null;
    if (wasRunning) await this.stop();
    await storeCheckpoint(this.options.pool, this.name, null);
    if (wasRunning) await this.start();
  }
}
