import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { TOUCHLINE_CONFIG, type TouchlineConfig } from '@touchline/config';
import { DATABASE, runMigrations, type Database } from '@touchline/database';
import { AlertDispatcher } from './delivery/alert-dispatcher';
import { AlertDetector } from './detection/alert-detector';
import { FirstResponseMonitor } from './detection/first-response-monitor';
import { ALERTS_MIGRATION_SCOPE, alertsMigrations } from './migrations';

/**
 * Migrates the schema `alerts`, then runs the detector, the first-response timer and the
 * dispatcher in this process, and stops them before the database closes. Every process with
 * AlertsModule runs them (each API process and the worker): the detector's checkpoint is
 * compare-and-set, the timer claims rows, the dispatcher leases.
 */
@Injectable()
export class AlertsLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Alerts');
  private started = false;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(TOUCHLINE_CONFIG) private readonly config: TouchlineConfig,
    private readonly detector: AlertDetector,
    private readonly monitor: FirstResponseMonitor,
    private readonly dispatcher: AlertDispatcher,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await runMigrations(this.db.pool, ALERTS_MIGRATION_SCOPE, alertsMigrations);
    if (this.config.profile === 'eventstoredb') {
      // The first-response targets need the customers' tiers from the read models, which do not
      // run in this profile yet; raised alerts (churn) are still stored and delivered.
      this.logger.warn('Alert detection does not run in the eventstoredb profile yet');
    } else {
      await this.detector.start();
      this.monitor.start();
    }
    this.dispatcher.start();
    this.started = true;
  }

  async onModuleDestroy(): Promise<void> {
    if (!this.started) return;
    await this.monitor.stop();
    await this.detector.stop();
    await this.dispatcher.stop();
  }
}
