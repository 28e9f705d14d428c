import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DATABASE, type Database } from '@touchline/database';
import type { PoolClient } from 'pg';
import { encodeCursor } from '../../../http/cursor';
import { readOneSnapshot, SnapshotReplacedError } from '../../../snapshots/snapshot-read';
import { readChurnModel } from '../../sql/readChurnModel';
import { listChurnRows } from '../../sql/readChurnRows';
import { ListChurnRisksQuery, type ChurnRiskPage } from './list-churn-risks.query';

@QueryHandler(ListChurnRisksQuery)
export class ListChurnRisksHandler implements IQueryHandler<ListChurnRisksQuery> {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  execute(query: ListChurnRisksQuery): Promise<ChurnRiskPage> {
    return readOneSnapshot(this.db.pool, (client) => this.page(client, query));
  }

  /** The model and the rows of one snapshot; the cursor names it (its fittedAt). */
  private async page(
    client: PoolClient,
    { band, after, limit }: ListChurnRisksQuery,
  ): Promise<ChurnRiskPage> {
    const model = await readChurnModel(client);
    const snapshot = model?.fittedAt.toISOString() ?? null;
    if (after !== null && after.snapshot !== snapshot)
      throw new SnapshotReplacedError('churn', after.snapshot, snapshot);
    const rows =
      snapshot === null ? [] : await listChurnRows(client, { band, after, limit: limit + 1 });
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
        rows.length > limit && last && snapshot !== null
          ? encodeCursor({
              b: band ?? '',
              s: snapshot,
              v: last.valueAtRiskText,
              k: last.customerId,
            })
          : null,
    };
  }
}
