import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { DATABASE, type Database } from '@touchline/database';
import type { PoolClient } from 'pg';
import { JobBusyError, withJobLock } from '../snapshots/job-lock';
import {
  bandRises,
  NothingToFitError,
  type BandRise,
  type ChurnFit,
  type ChurnFitInput,
  type ChurnFitter,
} from './churn-scores';
import { fitChurnOffThread } from './fit-churn-off-thread';
import { readChurnModel } from './sql/readChurnModel';
import { readChurnSignals } from './sql/readChurnSignals';
import { readPurchaseHistories } from './sql/readPurchaseHistories';
import {
  readChurnBands,
  replaceChurnSnapshot,
  type ChurnModelHeader,
} from './sql/replaceChurnSnapshot';

export const CHURN_JOB = 'churn';

/** Replaces the fitter that runs in a worker thread (tests). */
export const CHURN_FITTER = Symbol('CHURN_FITTER');

/** An on-demand refit fits again when another one replaced the snapshot meanwhile, this often. */
export const CHURN_REFIT_ATTEMPTS = 3;

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

/** What the read phase saw: the snapshot it would replace, and the fit's input. */
interface ChurnRead {
  /** fitted_at of the snapshot current when the data was read; null without one. */
  replacing: number | null;
  input: ChurnFitInput;
  startedAt: number;
}

/**
 * The churn snapshot: BG/NBD and Gamma-Gamma fitted on every customer's purchase days as of a
 * date, each customer scored (P(alive), expected purchases, CLV, analytics' churnRisk with the
 * experience signals as of the same date), stored whole in one transaction.
 *
 * A refit holds a database connection (and the job's lock) only to read and to write: it reads
 * the histories and signals, gives the connection back, fits in a worker thread (seconds of CPU
 * that would otherwise stop this process's event loop, and with a pool of one connection every
 * query), then takes the lock again and writes only if the snapshot is still the one it read.
 * When another refit replaced it meanwhile, a scheduled run gives up (the period has its
 * snapshot) and an on-demand run reads and fits again, as if it had waited for the other one.
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
  private readonly fitter: ChurnFitter;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Optional() @Inject(CHURN_FITTER) fitter?: ChurnFitter,
  ) {
    this.fitter = fitter ?? fitChurnOffThread;
  }

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
    for (let attempt = 1; ; attempt++) {
      const read = await this.read(options);
      if (read === null) return null;
      const fit = await this.fitter(read.input);
      const written = await this.write(read, fit);
      if (written !== null) {
        await this.notify(written);
        return written;
      }
      if (scheduled) return null;
      if (attempt === CHURN_REFIT_ATTEMPTS) {
        throw new JobBusyError(
          CHURN_JOB,
          `Other churn refits replaced the snapshot while this one was fitting, ${attempt} ` +
            'times: nothing was written; retry later',
        );
      }
    }
  }

  /** The fit's input, under the job's lock; null when a scheduled run has nothing to do. */
  private async read(options: ChurnRefitOptions): Promise<ChurnRead | null> {
    const scheduled = options.onlyIfOlderThan !== undefined;
    const result = await withJobLock(
      this.db.pool,
      CHURN_JOB,
      { mode: scheduled ? 'skip' : 'wait' },
      async (client): Promise<ChurnRead | null> => {
        const current = await readChurnModel(client);
        if (scheduled && current && current.fittedAt > options.onlyIfOlderThan!) return null;
        const startedAt = Date.now();
        const histories = await readPurchaseHistories(client, options.asOf);
        if (histories.length === 0) throw new NothingToFitError(options.asOf);
        const signals = await readChurnSignals(client, options.asOf);
        return {
          replacing: current?.fittedAt.getTime() ?? null,
          input: { histories, signals, asOf: options.asOf },
          startedAt,
        };
      },
    );
    return result.ran ? result.value : null;
  }

  /**
   * Replaces the snapshot if it is still the one the read phase saw (under the job's lock, so
   * that no other refit writes between the check and the write); null when it is not.
   */
  private async write(read: ChurnRead, { fitted, rows }: ChurnFit): Promise<ChurnRefit | null> {
    const asOf = read.input.asOf;
    const result = await withJobLock(
      this.db.pool,
      CHURN_JOB,
      { mode: 'wait' },
      async (client): Promise<ChurnRefit | null> => {
        const current = await readChurnModel(client);
        if ((current?.fittedAt.getTime() ?? null) !== read.replacing) return null;
        const comparable = current !== null && current.asOf <= asOf;
        const previous = comparable ? await readChurnBands(client) : null;
        const model: ChurnModelHeader = {
          ...fitted,
          asOf,
          fittedAt: new Date(),
          durationMs: Date.now() - read.startedAt,
        };
        const rises = bandRises(previous, rows);
        await replaceChurnSnapshot(client, model, rows, async () => {
          if (rises.length === 0) return;
          for (const writer of this.writers) await writer(rises, model, client);
        });
        return { model, bandRises: rises };
      },
    );
    return result.ran ? result.value : null;
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
