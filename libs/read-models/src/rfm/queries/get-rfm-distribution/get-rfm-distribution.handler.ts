import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DATABASE, type Database } from '@touchline/database';
import { rfmDistribution, type RfmDistributionView } from '../../rfm-distribution';
import { readRfmCells } from '../../sql/readRfmDistribution';
import { readRfmSnapshot } from '../../sql/readRfmSnapshot';
import { GetRfmDistributionQuery } from './get-rfm-distribution.query';

@QueryHandler(GetRfmDistributionQuery)
export class GetRfmDistributionHandler implements IQueryHandler<GetRfmDistributionQuery> {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async execute(): Promise<RfmDistributionView | null> {
    // One snapshot: header and cells in one repeatable-read transaction, never across a replace.
    const client = await this.db.pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const header = await readRfmSnapshot(client);
      const cells = header ? await readRfmCells(client) : [];
      await client.query('COMMIT');
      return header && rfmDistribution(header, cells);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
