import type { TouchlineConfig } from '@touchline/config';
import type { ProjectionEngine } from '@touchline/projections';
import type { ChurnModel } from '../churn/churn-model.service';
import type { RfmSnapshots } from '../rfm/rfm-snapshots.service';
import { SnapshotJobs } from './snapshot-jobs';

/** Jobs whose snapshots are fresh, recording which schedules looked at them. */
function snapshotJobs(runProjections: boolean) {
  const looked: string[] = [];
  const rfm = {
    current: async () => {
      looked.push('rfm');
      return { computedAt: new Date() };
    },
  } as unknown as RfmSnapshots;
  const churn = {
    current: async () => {
      looked.push('churn');
      return { fittedAt: new Date() };
    },
  } as unknown as ChurnModel;
  const engine = { status: async () => [] } as unknown as ProjectionEngine;
  const config = {
    runProjections,
    rfm: { intervalMs: 60_000, windowDays: 365 },
    churnModel: { refitIntervalMs: 60_000 },
  } as TouchlineConfig;
  return { jobs: new SnapshotJobs(rfm, churn, engine, config), looked };
}

describe('SnapshotJobs', () => {
  it('schedules the jobs only in a process that runs the projections', async () => {
    const api = snapshotJobs(false);
    api.jobs.start();
    await api.jobs.stop();
    expect(api.looked).toEqual([]);

    const worker = snapshotJobs(true);
    worker.jobs.start(); // each schedule checks its snapshot's age at once
    await worker.jobs.stop();
    expect(worker.looked.sort()).toEqual(['churn', 'rfm']);
  });
});
