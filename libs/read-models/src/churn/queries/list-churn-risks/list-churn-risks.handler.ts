import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DATABASE, type Database } from '@touchline/database';
import { encodeCursor } from '../../../http/cursor';
import { readChurnModel } from '../../sql/readChurnModel';
import { listChurnRows } from '../../sql/readChurnRows';
import { ListChurnRisksQuery, type ChurnRiskPage } from './list-churn-risks.query';

@QueryHandler(ListChurnRisksQuery)
export class ListChurnRisksHandler implements IQueryHandler<ListChurnRisksQuery> {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async execute({ band, after, limit }: ListChurnRisksQuery): Promise<ChurnRiskPage> {
    const [model, rows] = await Promise.all([
      readChurnModel(this.db.pool),
      listChurnRows(this.db.pool, { band, after, limit: limit + 1 }),
    ]);
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      asOf: model?.asOf.toISOString() ?? null,
      items: items.map((row) => ({
        customerId: row.customerId,
        score: row.score,
        band: row.band,
        pAlive: row.pAlive,
        expectedPurchases90d: row.expectedPurchases90d,
        expectedOrderValue: row.expectedOrderValue,
        clv12m: row.clv12m,
        valueAtRisk: row.valueAtRisk,
        reasons: row.reasons,
        repeatPurchases: row.repeatPurchases,
        recencyDays: row.recencyDays,
      })),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor({ b: band ?? '', v: last.valueAtRiskText, k: last.customerId })
          : null,
    };
  }
}
