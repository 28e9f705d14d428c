import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DATABASE, type Database } from '@touchline/database';
import { listAlerts } from '../../sql/listAlerts';
import { encodeAlertCursor } from './alert-cursor';
import { ListAlertsQuery, type AlertsPage } from './list-alerts.query';

@QueryHandler(ListAlertsQuery)
export class ListAlertsHandler implements IQueryHandler<ListAlertsQuery> {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async execute(query: ListAlertsQuery): Promise<AlertsPage> {
    // One more than asked tells whether a next page exists.
    const rows = await listAlerts(this.db.pool, {
      kind: query.kind,
      customerId: query.customerId,
      since: query.since,
      beforeSeq: query.beforeSeq,
      limit: query.limit + 1,
    });
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    return {
      items: items.map((alert) => ({
        ...alert,
        deliveries: alert.deliveries.map((d) => ({ ...d, target: displayTarget(d.target) })),
      })),
      nextCursor: rows.length > query.limit && last ? encodeAlertCursor(last.seq) : null,
    };
  }
}

/** Webhook URLs may carry credentials in their userinfo or query: show origin and path only. */
export function displayTarget(target: string): string {
  if (!target.startsWith('webhook:')) return target;
  try {
    const url = new URL(target.slice('webhook:'.length));
    return `webhook:${url.origin}${url.pathname}`;
  } catch {
    return 'webhook';
  }
}
