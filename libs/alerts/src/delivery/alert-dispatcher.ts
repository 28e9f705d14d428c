import type { Pool } from 'pg';
import { alertPayload } from '../alert';
import type { Clock } from '../clock';
import { errorMessage, pause, SILENT_ALERTS_LOGGER, type AlertsLogger } from '../logger';
import {
  claimDueDeliveries,
  recordDelivered,
  recordFailure,
  type ClaimedDelivery,
} from '../sql/deliveries';
import type { AlertChannel } from './alert-channel.port';

export interface RetryPolicy {
  /** Attempts in all, the first included; then the delivery is failed. Default 10. */
  maxAttempts: number;
  /** Wait after the first failure, doubling after each further one. Default 5 s. */
  initialBackoffMs: number;
  /** Longest wait between attempts. Default 10 min. */
  maxBackoffMs: number;
}

const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 10,
  initialBackoffMs: 5_000,
  maxBackoffMs: 600_000,
};

/** The wait before attempt `failedAttempts + 1`; null when the attempts are used up. */
export function retryDelayMs(failedAttempts: number, policy: RetryPolicy): number | null {
  if (failedAttempts >= policy.maxAttempts) return null;
  return Math.min(policy.initialBackoffMs * 2 ** (failedAttempts - 1), policy.maxBackoffMs);
}

export interface AlertDispatcherOptions {
  pool: Pool;
  channels: readonly AlertChannel[];
  clock: Clock;
  retry?: Partial<RetryPolicy>;
  /** How often to look for due deliveries when not woken. Default 1 s. */
  pollMs?: number;
  /** How long a claimed delivery is left to this process. Default 60 s. */
  leaseMs?: number;
  batchSize?: number;
  logger?: AlertsLogger;
}

/**
 * The outbox dispatcher: claims due deliveries (a lease, so several processes share the work and a
 * dead one only delays), hands each to its channel outside any transaction, then records the
 * outcome: delivered, or failed with the reason and the next attempt after an exponential
 * backoff, or failed for good after maxAttempts. At least once: a crash between the receiver's
 * acknowledgement and the record sends it again after the lease; receivers dedupe by alert id.
 * An outcome is recorded only for the attempt that still holds the claim: an attempt that outlived
 * its lease, after another process claimed the delivery again, changes nothing.
 */
export class AlertDispatcher {
  private readonly channels: Map<string, AlertChannel>;
  private readonly retry: RetryPolicy;
  private stopping = new AbortController();
  private wakeUp: (() => void) | null = null;
  private woken = false;
  private running: Promise<void> | null = null;
  private readonly logger: AlertsLogger;

  constructor(private readonly options: AlertDispatcherOptions) {
    this.channels = new Map(options.channels.map((c) => [c.target, c]));
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.logger = options.logger ?? SILENT_ALERTS_LOGGER;
  }

  start(): void {
    if (this.running) return;
    this.stopping = new AbortController();
    this.running = this.run();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    this.wakeUp?.();
    await this.running;
    this.running = null;
    for (const channel of this.channels.values()) await channel.close?.();
  }

  /** Something was raised: look now rather than at the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      let busy = false;
      try {
        busy = (await this.dispatchOnce()) > 0;
      } catch (error) {
        this.logger.warn(`Alert dispatcher: ${errorMessage(error)}`);
      }
      if (busy || this.woken) {
        this.woken = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        this.wakeUp = resolve;
        void pause(this.options.pollMs ?? 1_000, this.stopping.signal).then(resolve);
      });
      this.wakeUp = null;
    }
  }

  /** Delivers what is due now; returns how many deliveries were attempted. */
  async dispatchOnce(): Promise<number> {
    const claimed = await claimDueDeliveries(
      this.options.pool,
      this.options.clock(),
      this.options.leaseMs ?? 60_000,
      this.options.batchSize ?? 50,
    );
    await Promise.all(claimed.map((delivery) => this.deliver(delivery)));
    return claimed.length;
  }

  private async deliver(delivery: ClaimedDelivery): Promise<void> {
    const { pool } = this.options;
    const channel = this.channels.get(delivery.target);
    if (channel === undefined) {
      await recordFailure(pool, delivery, 'this target is not configured any more', null);
      return;
    }
    let recorded: boolean;
    try {
      await channel.deliver(alertPayload({ id: delivery.alertId, ...delivery }), delivery.attempt);
      recorded = await recordDelivered(pool, delivery, this.options.clock());
    } catch (error) {
      const delay = retryDelayMs(delivery.attempt, this.retry);
      const next = delay === null ? null : new Date(this.options.clock().getTime() + delay);
      recorded = await recordFailure(pool, delivery, errorMessage(error), next);
      if (recorded && next === null) {
        this.logger.warn(
          `Alert ${delivery.alertId} to ${delivery.target} failed after ${delivery.attempt} attempts: ${errorMessage(error)}`,
        );
      }
    }
    if (!recorded) {
      // The lease ran out and another process claimed the delivery: its outcome stands.
      this.logger.warn(
        `Alert ${delivery.alertId} to ${delivery.target}: attempt ${delivery.attempt} ended after its lease; outcome not recorded`,
      );
    }
  }
}
