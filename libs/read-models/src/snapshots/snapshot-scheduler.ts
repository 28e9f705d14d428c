/**
 * Runs a snapshot job on a schedule: checks every `min(interval, 1 minute)` whether the stored
 * snapshot is older than the interval (or missing), and runs the job then. The job itself takes
 * the advisory lock and checks again under it, so with several processes each period is
 * computed once, by whichever process gets there first; a manual run counts as the period's run.
 * A missing snapshot is computed at start, once the read models have caught up (a snapshot of
 * half-replayed read models would be wrong until the next period).
 */
export interface SnapshotSchedule {
  /** 0 turns the schedule off (nor is anything computed at start). */
  intervalMs: number;
  /** When the current snapshot was computed; null when there is none. */
  lastComputedAt(): Promise<Date | null>;
  /** Resolves true once the read models the job reads have caught up, false if stopped. */
  caughtUp(signal: AbortSignal): Promise<boolean>;
  /** Runs the job if the snapshot is still older than `olderThan` under the lock. */
  run(olderThan: Date): Promise<void>;
  onError(error: unknown): void;
}

const MAX_CHECK_MS = 60_000;

export class SnapshotScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private readonly abort = new AbortController();

  constructor(private readonly schedule: SnapshotSchedule) {}

  start(): void {
    if (this.schedule.intervalMs <= 0 || this.abort.signal.aborted) return;
    this.tick();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private tick(): void {
    this.running = this.check()
      .catch((error) => this.schedule.onError(error))
      .finally(() => {
        this.running = null;
        if (this.abort.signal.aborted) return;
        this.timer = setTimeout(
          () => this.tick(),
          Math.min(this.schedule.intervalMs, MAX_CHECK_MS),
        );
        this.timer.unref();
      });
  }

  private async check(): Promise<void> {
    const last = await this.schedule.lastComputedAt();
    const now = Date.now();
    if (last !== null && last.getTime() + this.schedule.intervalMs > now) return;
    if (last === null && !(await this.schedule.caughtUp(this.abort.signal))) return;
    if (this.abort.signal.aborted) return;
    await this.schedule.run(new Date(Date.now() - this.schedule.intervalMs));
  }
}
