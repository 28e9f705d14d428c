import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ChurnModel, type BandRise } from '@touchline/read-models';
import { churnBandRiseAlertId, type NewAlert } from '../alert';
import { AlertsService } from '../alerts.service';

/**
 * A `churn.band-rise` alert for one rise: id from the customer, the refit's as-of instant and the
 * band reached, so a repeated refit as of the same instant (or a second process) finds it taken.
 * The reasons are the churn score's, in words, most points first.
 */
function churnBandRiseAlert(rise: BandRise, asOf: Date): NewAlert {
  const reasons = rise.reasons.map((r) => r.text);
  const from = rise.from ?? 'unscored';
  return {
    id: churnBandRiseAlertId(rise.customerId, asOf, rise.to),
    kind: 'churn.band-rise',
    customerId: rise.customerId,
    occurredAt: asOf,
    reasons:
      reasons.length > 0
        ? reasons
        : [`churn risk ${rise.score}/100: band rose from ${from} to ${rise.to}`],
    data: {
      from: rise.from,
      to: rise.to,
      score: rise.score,
      asOf: asOf.toISOString(),
      reasons: rise.reasons.map((r) => ({ code: r.code, points: r.points, text: r.text })),
    },
  };
}

/**
 * Turns the churn refit's band rises into alerts. The alerts (and their pending deliveries) are
 * written inside the refit's transaction, so they commit with the new snapshot or not at all;
 * the dispatcher is woken after the commit.
 */
@Injectable()
export class ChurnBandRiseAlerts implements OnModuleInit, OnModuleDestroy {
  private unregister: Array<() => void> = [];
  /** Alerts written by the last refit's transaction: wake the dispatcher once it committed. */
  private written = 0;

  constructor(
    private readonly churn: ChurnModel,
    private readonly alerts: AlertsService,
  ) {}

  onModuleInit(): void {
    this.unregister = [
      this.churn.onBandRisesWithin(async (rises, model, tx) => {
        this.written = 0;
        for (const rise of rises) {
          if (await this.alerts.raiseWithin(tx, churnBandRiseAlert(rise, model.asOf)))
            this.written += 1;
        }
      }),
      // After the commit (not called when the refit failed): new alerts only.
      this.churn.onBandRises(() => {
        if (this.written > 0) this.alerts.raised();
        this.written = 0;
      }),
    ];
  }

  onModuleDestroy(): void {
    for (const unregister of this.unregister) unregister();
    this.unregister = [];
  }
}
