import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { DATABASE, withTimeout, type Database } from '@touchline/database';
import { CHECK_TIMEOUT_MS } from './event-store.health';

/**
 * The database answers `SELECT 1` within the check's deadline (the event store and the read models
 * live there). A database that does not answer at all (a network that drops packets) makes the
 * check fail at the deadline rather than hang the probe.
 */
@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly health: HealthIndicatorService,
  ) {}

  async check(key = 'database') {
    const indicator = this.health.check(key);
    try {
      await withTimeout(this.db.pool.query('SELECT 1'), CHECK_TIMEOUT_MS, 'The database');
      return indicator.up({ kind: this.db.kind });
    } catch (error) {
      return indicator.down({ kind: this.db.kind, error: (error as Error).message });
    }
  }
}
