import { Inject, Injectable } from '@nestjs/common';
import { TOUCHLINE_CONFIG, type TouchlineConfig } from '@touchline/config';
import { DATABASE, type Database } from '@touchline/database';
import { withJobLock } from '../snapshots/job-lock';
import { scoreRfm, type RfmRow } from './rfm-scores';
import { readRfmInputs } from './sql/readRfmInputs';
import { readRfmSnapshot } from './sql/readRfmSnapshot';
import { replaceRfmSnapshot, type RfmSnapshotHeader } from './sql/replaceRfmSnapshot';

export const RFM_JOB = 'rfm';

export type RfmCell = { r: number; f: number; m: number; customers: number };

export interface RfmRecomputed {
  header: RfmSnapshotHeader;
  cells: RfmCell[];
}

function countCells(rows: readonly RfmRow[]): RfmCell[] {
  const cells = new Map<number, RfmCell>();
  for (const { r, f, m } of rows) {
    const key = r * 100 + f * 10 + m;
    const cell = cells.get(key);
    if (cell) cell.customers++;
    else cells.set(key, { r, f, m, customers: 1 });
  }
  return [...cells.values()];
}

export interface RfmRecomputeOptions {
  asOf: Date;
  /** Default: the configuration's TOUCHLINE_RFM_WINDOW_DAYS. */
  windowDays?: number;
  /**
   * Scheduled runs: skip (answer null) if another process holds the job, or if the stored
   * snapshot was computed after this instant. Absent: wait for the lock (JobBusyError after
   * JOB_LOCK_WAIT_MS) and always compute.
   */
  onlyIfOlderThan?: Date;
}

/**
 * The RFM snapshot: aggregated by SQL from the timeline (as of a date, identity applied), scored
 * by analytics' quintile rules and segment map, stored whole in one transaction.
 */
@Injectable()
export class RfmSnapshots {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(TOUCHLINE_CONFIG) private readonly config: TouchlineConfig,
  ) {}

  /** The new snapshot's header and cell counts; null when a scheduled run was skipped. */
  async recompute(options: RfmRecomputeOptions): Promise<RfmRecomputed | null> {
    const windowDays = options.windowDays ?? this.config.rfm.windowDays;
    const scheduled = options.onlyIfOlderThan !== undefined;
    const result = await withJobLock(
      this.db.pool,
      RFM_JOB,
      { mode: scheduled ? 'skip' : 'wait' },
      async (client) => {
        if (scheduled) {
          const current = await readRfmSnapshot(client);
          if (current && current.computedAt > options.onlyIfOlderThan!) return null;
        }
        const started = Date.now();
        const rows = scoreRfm(await readRfmInputs(client, options.asOf, windowDays));
        const header: RfmSnapshotHeader = {
          asOf: options.asOf,
          computedAt: new Date(),
          windowDays,
          customers: rows.length,
          durationMs: Date.now() - started,
        };
        await replaceRfmSnapshot(client, header, rows);
        return { header, cells: countCells(rows) };
      },
    );
    return result.ran ? result.value : null;
  }

  current(): Promise<RfmSnapshotHeader | null> {
    return readRfmSnapshot(this.db.pool);
  }
}
