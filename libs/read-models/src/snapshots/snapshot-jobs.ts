import { Inject, Injectable, Logger } from '@nestjs/common';
import { TOUCHLINE_CONFIG, type TouchlineConfig } from '@touchline/config';
import { ProjectionEngine } from '@touchline/projections';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChurnModel } from '../churn/churn-model.service';
import { NothingToFitError } from '../churn/churn-scores';
import { CUSTOMER_PROFILE } from '../projections/customer-profile.projection';
import { CUSTOMER_TIMELINE } from '../projections/customer-timeline.projection';
import { RfmSnapshots } from '../rfm/rfm-snapshots.service';
import { SnapshotScheduler } from './snapshot-scheduler';

/** The read models the snapshot jobs read (the timeline; the profile for identity). */
const SOURCES = [CUSTOMER_TIMELINE, CUSTOMER_PROFILE];
const CATCH_UP_POLL_MS = 1_000;

/**
 * The scheduled RFM recompute and churn refit (TOUCHLINE_RFM_INTERVAL,
 * TOUCHLINE_CHURN_REFIT_INTERVAL). Started by ReadModelsLifecycle once the views exist, in the
 * processes that run the projections only (TOUCHLINE_RUN_PROJECTIONS: the API in the embedded and
 * postgres profiles, the worker in the kafka profile), so that API nodes that only serve queries
 * never spend their CPU and connections on them.
 */
@Injectable()
export class SnapshotJobs {
  private readonly logger = new Logger('ReadModels');
  private readonly schedulers: SnapshotScheduler[];

  constructor(
    rfm: RfmSnapshots,
    churn: ChurnModel,
    private readonly engine: ProjectionEngine,
    @Inject(TOUCHLINE_CONFIG) private readonly config: TouchlineConfig,
  ) {
    this.schedulers = [
      new SnapshotScheduler({
        intervalMs: config.rfm.intervalMs,
        lastComputedAt: async () => (await rfm.current())?.computedAt ?? null,
        caughtUp: (signal) => this.caughtUp(signal),
        run: async (olderThan) => {
          const done = await rfm.recompute({ asOf: new Date(), onlyIfOlderThan: olderThan });
          if (done) {
            this.logger.log(
              `RFM recomputed: ${done.header.customers} customers in ${done.header.durationMs} ms`,
            );
          }
        },
        onError: (error) => this.logger.warn(`RFM recompute failed: ${messageOf(error)}`),
      }),
      new SnapshotScheduler({
        intervalMs: config.churnModel.refitIntervalMs,
        lastComputedAt: async () => (await churn.current())?.fittedAt ?? null,
        caughtUp: (signal) => this.caughtUp(signal),
        run: async (olderThan) => {
          const done = await churn.refit({ asOf: new Date(), onlyIfOlderThan: olderThan });
          if (done) {
            this.logger.log(
              `Churn model refitted: ${done.model.customers} customers in ${done.model.durationMs} ms, ${done.bandRises.length} band rises`,
            );
          }
        },
        onError: (error) =>
          error instanceof NothingToFitError
            ? this.logger.debug(`Churn model not fitted: ${error.message}`)
            : this.logger.warn(`Churn refit failed: ${messageOf(error)}`),
      }),
    ];
  }

  start(): void {
    if (!this.config.runProjections) {
      this.logger.log('Scheduled snapshot jobs run where the projections run; not in this process');
      return;
    }
    for (const scheduler of this.schedulers) scheduler.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.schedulers.map((s) => s.stop()));
  }

  private async caughtUp(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      const status = await this.engine.status();
      const sources = status.filter((s) => SOURCES.includes(s.name));
      if (sources.length === SOURCES.length && sources.every((s) => s.caughtUp)) return true;
      await sleep(CATCH_UP_POLL_MS, undefined, { signal }).catch(() => undefined);
    }
    return false;
  }
}

function messageOf(error: unknown): string {
  return String((error as Error)?.message ?? error);
}
