import { Query } from '@nestjs/cqrs';
import type { Alert, AlertKind } from '../../alert';

export interface AlertsPage {
  items: Alert[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

/** Alerts, newest first, optionally of one kind / customer / raised since an instant. */
export class ListAlertsQuery extends Query<AlertsPage> {
  constructor(
    readonly kind: AlertKind | null,
    readonly customerId: string | null,
    readonly since: Date | null,
    readonly beforeSeq: string | null,
    readonly limit: number,
  ) {
    super();
  }
}
