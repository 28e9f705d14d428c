import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { DATABASE, type Database } from '@touchline/database';

/** Ready only when the database answers (the event store and the read models live there). */
@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly health: HealthIndicatorService,
  ) {}

  async check(key = 'database') {
    const indicator = this.health.check(key);
    try {
      await this.db.pool.query('SELECT 1');
      return indicator.up({ kind: this.db.kind });
    } catch (error) {
      return indicator.down({ kind: this.db.kind, error: (error as Error).message });
    }
  }
}
