import { waitFor } from '@touchline/testing';
import { SnapshotScheduler, type SnapshotSchedule } from './snapshot-scheduler';

function schedule(overrides: Partial<SnapshotSchedule>) {
  const runs: Date[] = [];
  let computedAt: Date | null = null;
  const s: SnapshotSchedule = {
    intervalMs: 50,
    lastComputedAt: async () => computedAt,
    caughtUp: async () => true,
    run: async (olderThan) => {
      runs.push(olderThan);
      computedAt = new Date();
    },
    onError: () => undefined,
    ...overrides,
  };
  return { s, runs, setComputedAt: (d: Date | null) => (computedAt = d) };
}

describe('SnapshotScheduler', () => {
  it('computes a missing snapshot at start once the read models caught up, then every interval', async () => {
    let caughtUp = false;
    const { s, runs } = schedule({ caughtUp: async () => caughtUp });
    const scheduler = new SnapshotScheduler({
      ...s,
      caughtUp: async () => {
        await waitFor(() => (caughtUp ? true : undefined), { what: 'catch-up' });
        return true;
      },
    });
    scheduler.start();
    expect(runs).toHaveLength(0);
    caughtUp = true;
    await waitFor(() => (runs.length >= 3 ? true : undefined), { what: 'three runs' });
    await scheduler.stop();
    const after = runs.length;
    await new Promise((resolve) => setImmediate(resolve));
    expect(runs.length).toBe(after);
  });

  it('leaves a fresh snapshot alone and does nothing when the interval is 0', async () => {
    const fresh = schedule({ intervalMs: 60_000 });
    const computedAt = new Date();
    fresh.setComputedAt(computedAt);
    const checked: (Date | null)[] = [];
    const scheduler = new SnapshotScheduler({
      ...fresh.s,
      lastComputedAt: async () => {
        const last = await fresh.s.lastComputedAt();
        checked.push(last);
        return last;
      },
    });
    scheduler.start();
    await waitFor(() => (checked.length > 0 ? true : undefined));
    await scheduler.stop();
    expect(checked[0]).toBe(computedAt); // the snapshot it judged fresh is the one set above
    expect(fresh.runs).toEqual([]);

    const off = schedule({ intervalMs: 0 });
    const idle = new SnapshotScheduler(off.s);
    idle.start();
    await idle.stop();
    expect(off.runs).toEqual([]);
  });

  it('reports a failed run and keeps its schedule', async () => {
    const errors: unknown[] = [];
    let attempts = 0;
    const { s } = schedule({
      run: async () => {
        attempts++;
        throw new Error('database away');
      },
      onError: (error) => errors.push(error),
    });
    const scheduler = new SnapshotScheduler(s);
    scheduler.start();
    await waitFor(() => (attempts >= 2 ? true : undefined), { what: 'a retry' });
    await scheduler.stop();
    expect((errors[0] as Error).message).toBe('database away');
  });
});
