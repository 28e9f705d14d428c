import type { Pool } from 'pg';
import { ALERT_KINDS, type NewAlert } from './alert';
import type { Clock } from './clock';
import { insertAlert } from './sql/insertAlert';
import { inTransaction, type Queryable } from './sql/queryable';

export interface AlertsServiceOptions {
  pool: Pool;
  /** Delivery targets every new alert gets: `kafka`, `webhook:<url>`. */
  targets: readonly string[];
  clock: Clock;
  /** Called after a new alert was committed (wakes the dispatcher). */
  onRaised?: () => void;
}

/**
 * Raises alerts: writes the alert and its pending deliveries (the outbox) in one transaction, once
 * per id. Everything that detects something worth an alert calls it, including the churn refit
 * (`churn.band-rise`, id from churnBandRiseAlertId).
 */
export class AlertsService {
  constructor(private readonly options: AlertsServiceOptions) {}

  /** True when the alert is new; false when that occurrence was alerted already. */
  async raise(alert: NewAlert): Promise<boolean> {
    assertAlert(alert);
    const created = await inTransaction(this.options.pool, async (client) => ({
      commit: true,
      value: await insertAlert(client, alert, this.options.targets, this.options.clock()),
    }));
    if (created) this.options.onRaised?.();
    return created;
  }

  /**
   * The same inside the caller's transaction (the detector's, with its checkpoint). The caller
   * calls `raised()` after its commit.
   */
  raiseWithin(db: Queryable, alert: NewAlert): Promise<boolean> {
    assertAlert(alert);
    return insertAlert(db, alert, this.options.targets, this.options.clock());
  }

  raised(): void {
    this.options.onRaised?.();
  }
}

function assertAlert(alert: NewAlert): void {
  if (!ALERT_KINDS.includes(alert.kind)) throw new TypeError(`unknown alert kind ${alert.kind}`);
  if (alert.id.length === 0 || alert.customerId.length === 0) {
    throw new TypeError('an alert needs an id and a customer id');
  }
  if (Number.isNaN(alert.occurredAt.getTime())) throw new TypeError('occurredAt is not a date');
}
