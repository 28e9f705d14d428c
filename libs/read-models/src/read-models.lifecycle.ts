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
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.profile === 'eventstoredb') {
      // PostgresLogStats reads touchline.events, which this profile does not have.
      this.logger.warn(
        'Read models are not run in the eventstoredb profile yet: the engine needs a LogStats for EventStoreDB',
      );
      return;
    }
    await this.engine.start();
    await runMigrations(this.db.pool, READ_MODELS_MIGRATION_SCOPE, readModelMigrations);
    await storeTierThresholds(this.db.pool, this.config.tierThresholds);
  }

  async onModuleDestroy(): Promise<void> {
    await this.engine.close();
  }
}
