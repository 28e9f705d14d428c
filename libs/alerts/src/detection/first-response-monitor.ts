import type { Pool } from 'pg';
import type { ResponseTargets } from '@touchline/config';
import { firstResponseMissedAlertId, type NewAlert } from '../alert';
import type { AlertsService } from '../alerts.service';
import type { Clock } from '../clock';
import { errorMessage, pause, SILENT_ALERTS_LOGGER, type AlertsLogger } from '../logger';
import { responseTargetMs, shortestResponseTargetMs } from '../response-targets';
import {
  claimMissedResponse,
  listWaitingComplaints,
  type WaitingComplaint,
} from '../sql/complaintWatch';
import { inTransaction } from '../sql/queryable';
import type { TierLookup } from './tier-lookup.port';

export interface FirstResponseMonitorOptions {
  pool: Pool;
  alerts: AlertsService;
  targets: ResponseTargets;
  tiers: TierLookup;
  clock: Clock;
  /**
   * The recording time of the oldest committed event the detector has not applied yet (visible
   * to readers or still behind an open transaction), null when there is none: a response
   * recorded from then on is not known yet.
   */
  oldestUnreadRecordedAt: () => Promise<Date | null>;
  /** How often to check. Default 10 s. */
  intervalMs?: number;
  pageSize?: number;
  logger?: AlertsLogger;
}

const MINUTE = 60_000;

function formatTarget(ms: number): string {
  return ms % MINUTE === 0 ? `${ms / MINUTE} min` : `${ms / 1000} s`;
}

/**
 * The timer behind `complaint.first-response-missed`: complaints the detector watches that have
 * had no response and are not resolved, whose target (severity × the customer's tier now) has
 * passed. "Now" is the clock, but never beyond the recording time of the first event the detector
 * has not read yet: a response it has not seen cannot make a complaint look late. Safe with
 * several processes: the watch row is claimed under its row lock, and the alert id is unique.
 */
export class FirstResponseMonitor {
  private stopping = new AbortController();
  private running: Promise<void> | null = null;
  private readonly logger: AlertsLogger;

  constructor(private readonly options: FirstResponseMonitorOptions) {
    this.logger = options.logger ?? SILENT_ALERTS_LOGGER;
  }

  start(): void {
    if (this.running) return;
    this.stopping = new AbortController();
    this.running = this.run();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
    this.running = null;
  }

  private async run(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      try {
        await this.checkOnce();
      } catch (error) {
        this.logger.warn(`First-response monitor: ${errorMessage(error)}`);
      }
      await pause(this.options.intervalMs ?? 10_000, this.stopping.signal);
    }
  }

  /** One check; returns the alerts raised. */
  async checkOnce(): Promise<number> {
    const now = await this.knownUntil();
    const openedBy = new Date(now.getTime() - shortestResponseTargetMs(this.options.targets));
    const pageSize = this.options.pageSize ?? 500;
    let after: WaitingComplaint | null = null;
    let raised = 0;
    for (;;) {
      const page = await listWaitingComplaints(this.options.pool, openedBy, after, pageSize);
      if (page.length === 0) break;
      const tiers = await this.options.tiers.tiersOf([...new Set(page.map((c) => c.customerId))]);
      for (const complaint of page) {
        const tier = tiers.get(complaint.customerId) ?? null;
        const targetMs = responseTargetMs(this.options.targets, complaint.severity, tier);
        const deadline = new Date(complaint.openedAt.getTime() + targetMs);
        if (deadline > now) continue;
        if (await this.alert(complaint, tier, targetMs, deadline)) raised++;
      }
      if (page.length < pageSize) break;
      after = page[page.length - 1]!;
    }
    if (raised > 0) this.options.alerts.raised();
    return raised;
  }

  private async knownUntil(): Promise<Date> {
    const now = this.options.clock();
    const unread = await this.options.oldestUnreadRecordedAt();
    return unread !== null && unread < now ? unread : now;
  }

  private alert(
    complaint: WaitingComplaint,
    tier: string | null,
    targetMs: number,
    deadline: Date,
  ): Promise<boolean> {
    const alert: NewAlert = {
      id: firstResponseMissedAlertId(complaint.complaintId),
      kind: 'complaint.first-response-missed',
      customerId: complaint.customerId,
      occurredAt: deadline,
      reasons: [
        `No first response to complaint ${complaint.complaintId} within its target of ${formatTarget(targetMs)} (severity ${complaint.severity ?? 'unknown'}, tier ${tier ?? 'unknown'})`,
      ],
      data: {
        complaintId: complaint.complaintId,
        severity: complaint.severity,
        category: complaint.category,
        channel: complaint.channel,
        tier,
        openedAt: complaint.openedAt.toISOString(),
        deadline: deadline.toISOString(),
        targetSeconds: targetMs / 1000,
      },
    };
    return inTransaction(this.options.pool, async (client) => {
      if (!(await claimMissedResponse(client, complaint.complaintId))) {
        return { commit: false, value: false };
      }
      return { commit: true, value: await this.options.alerts.raiseWithin(client, alert) };
    });
  }
}
