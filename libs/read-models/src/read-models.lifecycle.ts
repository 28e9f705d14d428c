import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { TOUCHLINE_CONFIG, type TouchlineConfig } from '@touchline/config';
import { DATABASE, runMigrations, type Database } from '@touchline/database';
import { ProjectionEngine } from '@touchline/projections';
import { READ_MODELS_MIGRATION_SCOPE, readModelMigrations } from './migrations';
import { SnapshotJobs } from './snapshots/snapshot-jobs';
import { storeTierThresholds } from './sql/storeTierThresholds';

/**
 * Starts the projections when the application has booted and stops them before the database
 * closes. The analytics views are migrated after the start because they select from the views
 * `projections.<name>`, which the engine creates for a new projection.
 */
@Injectable()
export class ReadModelsLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ReadModels');

  constructor(
    private readonly engine: ProjectionEngine,
    @Inject(DATABASE) private readonly db: Database,
    @Inject(TOUCHLINE_CONFIG) private readonly config: TouchlineConfig,
    private readonly snapshotJobs: SnapshotJobs,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.profile === 'eventstoredb') {
      // PostgresLogStats reads touchline.events, which this profile does not have.
      this.logger.warn(
        'Read models are not run in the eventstoredb profile yet: the engine needs a LogStats for EventStoreDB',
      );
      return;
    }
    if (this.config.runProjections) {
      await this.engine.start();
    } else {
      // The worker runs them (TOUCHLINE_RUN_PROJECTIONS, docs/configuration.md); this process
      // serves queries, status and read-your-writes waits from the database.
      await this.engine.prepare();
      this.logger.log('Projections are run by the worker; this process only reads them');
    }
    await runMigrations(this.db.pool, READ_MODELS_MIGRATION_SCOPE, readModelMigrations);
    await storeTierThresholds(this.db.pool, this.config.tierThresholds);
    // After the migrations: the jobs write tables that migration 2 creates. They start only where
    // the projections run (SnapshotJobs.start).
    this.snapshotJobs.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.snapshotJobs.stop();
    await this.engine.close();
  }
}
