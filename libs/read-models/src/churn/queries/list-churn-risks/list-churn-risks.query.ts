import { Query } from '@nestjs/cqrs';
import type { ChurnBand } from '@touchline/analytics';
import type { CustomerChurnRiskView } from '../../churn-model.view';

export interface ChurnRiskItem extends Omit<CustomerChurnRiskView, 'asOf'> {
  customerId: string;
  repeatPurchases: number;
  /** Days since the last purchase day. */
  recencyDays: number;
}

export interface ChurnRiskPage {
  /** The snapshot's asOf; null before the first fit (and then no items). */
  asOf: string | null;
  items: ChurnRiskItem[];
  nextCursor: string | null;
}

/** Customers of the churn snapshot by value at risk (score/100 × 12-month CLV) descending. */
export class ListChurnRisksQuery extends Query<ChurnRiskPage> {
  constructor(
    readonly band: ChurnBand | null,
    /** The last row of the previous page, and the snapshot it was read from (its fittedAt). */
    readonly after: { snapshot: string; valueAtRisk: string; customerId: string } | null,
    readonly limit: number,
  ) {
    super();
  }
}
