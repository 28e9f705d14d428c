import { Inject, Injectable, Logger } from '@nestjs/common';
import { DATABASE, type Database } from '@touchline/database';
import type { PoolClient } from 'pg';
import { withJobLock } from '../snapshots/job-lock';
import { bandRises, fitChurnModel, scoreChurn, type BandRise } from './churn-scores';
import { readChurnModel } from './sql/readChurnModel';
import { readChurnSignals } from './sql/readChurnSignals';
import { readPurchaseHistories } from './sql/readPurchaseHistories';
import {
  readChurnBands,
  replaceChurnSnapshot,
  type ChurnModelHeader,
} from './sql/replaceChurnSnapshot';

export const CHURN_JOB = 'churn';

export interface ChurnRefit {
  model: ChurnModelHeader;
  /** Customers whose band rose to high or critical compared with the snapshot replaced. */
  bandRises: BandRise[];
}

export type BandRiseListener = (rises: BandRise[], model: ChurnModelHeader) => void | Promise<void>;

/**
 * Writes something for band rises inside the refit's transaction, on its connection (`tx`): what
 * it writes commits with the new snapshot or not at all (a crash between the two cannot lose or
 * repeat it). It must use only `tx`; a throw rolls the refit back.
 */
export type BandRiseWriter = (
  rises: readonly BandRise[],
  model: ChurnModelHeader,
  tx: PoolClient,
) => Promise<void>;

export interface ChurnRefitOptions {
  asOf: Date;
  /** Scheduled runs: skip (null) when another process holds the job or the model is newer. */
  onlyIfOlderThan?: Date;
}

/**
 * The churn snapshot: BG/NBD and Gamma-Gamma fitted on every customer's purchase days as of a
 * date, each customer scored (P(alive), expected purchases, CLV, analytics' churnRisk with the
 * experience signals as of the same date), stored whole in one transaction.
 *
 * Band rises (to high or critical) are reported in the refit's result, to the writers registered
 * with onBandRisesWithin inside the snapshot's transaction (the alerts: durable, exactly once),
 * and to the listeners registered with onBandRises after the commit, in this process only; a
 * listener that throws is logged and does not fail the refit. Rises are only computed when the new asOf is not
 * earlier than the replaced snapshot's (a refit into the past is analysis, not news).
 */
@Injectable()
export class ChurnModel {
  private readonly logger = new Logger('ChurnModel');
  private readonly listeners = new Set<BandRiseListener>();
  private readonly writers = new Set<BandRiseWriter>();

  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** Registers a listener for band rises; returns the function that unregisters it. */
  onBandRises(listener: BandRiseListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Registers a writer run inside the refit's transaction; returns the function that unregisters it. */
  onBandRisesWithin(writer: BandRiseWriter): () => void {
    this.writers.add(writer);
    return () => this.writers.delete(writer);
  }

  async refit(options: ChurnRefitOptions): Promise<ChurnRefit | null> {
    const scheduled = options.onlyIfOlderThan !== undefined;
    const result = await withJobLock(
      this.db.pool,
      CHURN_JOB,
      { mode: scheduled ? 'skip' : 'wait' },
      async (client): Promise<ChurnRefit | null> => {
        const current = await readChurnModel(client);
        if (scheduled && current && current.fittedAt > options.onlyIfOlderThan!) return null;
        const started = Date.now();
        const histories = await readPurchaseHistories(client, options.asOf);
        const signals = await readChurnSignals(client, options.asOf);
        const fitted = fitChurnModel(histories, options.asOf);
        const rows = scoreChurn(histories, signals, fitted);
        const comparable = current !== null && current.asOf <= options.asOf;
        const previous = comparable ? await readChurnBands(client) : null;
        const model: ChurnModelHeader = {
          ...fitted,
          asOf: options.asOf,
          fittedAt: new Date(),
          durationMs: Date.now() - started,
        };
        const rises = bandRises(previous, rows);
        await replaceChurnSnapshot(client, model, rows, async () => {
          if (rises.length === 0) return;
          for (const writer of this.writers) await writer(rises, model, client);
        });
        return { model, bandRises: rises };
      },
    );
    if (!result.ran || result.value === null) return null;
    await this.notify(result.value);
    return result.value;
  }

  current(): Promise<ChurnModelHeader | null> {
    return readChurnModel(this.db.pool);
  }

  private async notify({ model, bandRises: rises }: ChurnRefit): Promise<void> {
    if (rises.length === 0) return;
    for (const listener of this.listeners) {
      try {
        await listener(rises, model);
      } catch (error) {
        this.logger.warn(
          `A band-rise listener failed: ${String((error as Error)?.message ?? error)}`,
        );
      }
    }
  }
}
