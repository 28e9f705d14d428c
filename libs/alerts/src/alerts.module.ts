import { Logger, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TOUCHLINE_CONFIG, type TouchlineConfig } from '@touchline/config';
import { DATABASE, type Database } from '@touchline/database';
import { EVENT_STORE, type EventStore } from '@touchline/event-store';
import { createKafka, createProducer } from '@touchline/kafka';
import { PostgresLogStats } from '@touchline/projections';
import { ReadModelsModule } from '@touchline/read-models';
import { AlertsLifecycle } from './alerts.lifecycle';
import { AlertsService } from './alerts.service';
import { ALERTS_CLOCK, systemClock, type Clock } from './clock';
import type { AlertChannel } from './delivery/alert-channel.port';
import { AlertDispatcher } from './delivery/alert-dispatcher';
import { KafkaAlertChannel } from './delivery/kafka.channel';
import { WebhookChannel } from './delivery/webhook.channel';
import { AlertDetector } from './detection/alert-detector';
import { ChurnBandRiseAlerts } from './detection/churn-band-rises';
import { FirstResponseMonitor } from './detection/first-response-monitor';
import { SqlTierLookup } from './detection/sql-tier-lookup.adapter';
import { TIER_LOOKUP, type TierLookup } from './detection/tier-lookup.port';
import { ListAlertsHandler } from './queries/list-alerts/list-alerts.handler';
import { ListAlertsHttpController } from './queries/list-alerts/list-alerts.http.controller';

const logger = new Logger('Alerts');
const alertsLogger = { warn: (m: string) => logger.warn(m), info: (m: string) => logger.log(m) };

const CHANNELS = Symbol('ALERT_CHANNELS');

const infrastructure = [
  { provide: ALERTS_CLOCK, useValue: systemClock },
  {
    provide: CHANNELS,
    inject: [TOUCHLINE_CONFIG, ALERTS_CLOCK],
    useFactory: (config: TouchlineConfig, clock: Clock): AlertChannel[] => {
      const channels: AlertChannel[] = config.alerts.webhooks.map(
        (url) => new WebhookChannel({ url, secret: config.alerts.webhookSecret!, clock }),
      );
      if (config.kafkaBrokers) {
        const kafka = createKafka({ clientId: 'touchline-alerts', brokers: config.kafkaBrokers });
        channels.unshift(new KafkaAlertChannel(createProducer(kafka)));
      }
      return channels;
    },
  },
  {
    provide: TIER_LOOKUP,
    inject: [DATABASE],
    useFactory: (db: Database) => new SqlTierLookup(db.pool),
  },
];

const workers = [
  {
    provide: AlertDispatcher,
    inject: [DATABASE, CHANNELS, ALERTS_CLOCK],
    useFactory: (db: Database, channels: AlertChannel[], clock: Clock) =>
      new AlertDispatcher({ pool: db.pool, channels, clock, logger: alertsLogger }),
  },
  {
    provide: AlertsService,
    inject: [DATABASE, CHANNELS, ALERTS_CLOCK, AlertDispatcher],
    useFactory: (
      db: Database,
      channels: AlertChannel[],
      clock: Clock,
      dispatcher: AlertDispatcher,
    ) =>
      new AlertsService({
        pool: db.pool,
        targets: channels.map((c) => c.target),
        clock,
        onRaised: () => dispatcher.wake(),
      }),
  },
  {
    provide: AlertDetector,
    inject: [DATABASE, EVENT_STORE, AlertsService],
    useFactory: (db: Database, store: EventStore, alerts: AlertsService) =>
      new AlertDetector({
        pool: db.pool,
        store,
        alerts,
        startAt: 'head',
        head: () => new PostgresLogStats(db.pool).head(),
        logger: alertsLogger,
      }),
  },
  {
    provide: FirstResponseMonitor,
    inject: [DATABASE, AlertsService, TOUCHLINE_CONFIG, TIER_LOOKUP, ALERTS_CLOCK, AlertDetector],
    useFactory: (
      db: Database,
      alerts: AlertsService,
      config: TouchlineConfig,
      tiers: TierLookup,
      clock: Clock,
      detector: AlertDetector,
    ) =>
      new FirstResponseMonitor({
        pool: db.pool,
        alerts,
        targets: config.alerts.responseTargets,
        tiers,
        clock,
        oldestUnreadRecordedAt: async () =>
          (await new PostgresLogStats(db.pool).backlog(await detector.checkpoint()))
            .oldestRecordedAt,
        logger: alertsLogger,
      }),
  },
];

/**
 * Alerts: detection from the event log (detractors, complaints awaiting a first response), the
 * first-response timer, the outbox dispatcher to Kafka (kafka profile) and signed webhooks, the
 * listing route (scope analyst), the churn refit's band rises (ChurnBandRiseAlerts, on the read
 * models' ChurnModel) and AlertsService for other detectors.
 */
@Module({
  imports: [CqrsModule, ReadModelsModule],
  controllers: [ListAlertsHttpController],
  providers: [
    ...infrastructure,
    ...workers,
    ChurnBandRiseAlerts,
    AlertsLifecycle,
    ListAlertsHandler,
  ],
  exports: [AlertsService],
})
export class AlertsModule {}
