import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { TOUCHLINE_CONFIG, type TouchlineConfig } from '@touchline/config';
import { DATABASE, type Database } from '@touchline/database';
import type { RecordedEvent } from '@touchline/event-store';
import { createKafka, TOPICS } from '@touchline/kafka';
import { PersonalDataVault } from '@touchline/privacy';
import { kafkaSource, type KafkaSourceFactory } from '@touchline/projections';

/**
 * Where the live projections read from: in the kafka profile, the consumer groups on
 * touchline.journey.v1 (one per projection), opened with the vault like the in-process feed; in
 * the other profiles nothing here (the engine reads the store in-process). Only a process whose
 * engine is started (the worker, by default) ever connects to Kafka for it.
 */
@Injectable()
export class ProjectionFeed implements OnApplicationShutdown {
  readonly liveSource: KafkaSourceFactory | undefined;

  constructor(
    @Inject(TOUCHLINE_CONFIG) config: TouchlineConfig,
    @Inject(DATABASE) db: Database,
    vault: PersonalDataVault,
  ) {
    if (!config.kafkaBrokers) return;
    const topic = TOPICS.journey;
    this.liveSource = kafkaSource({
      kafka: createKafka({ brokers: config.kafkaBrokers, clientId: 'touchline-projector' }),
      topic,
      // The relay's checkpoint (relay.checkpoints, named after the topic): everything up to it is
      // in Kafka, so partitions read to their end have applied it (docs/projections.md).
      publishedUpTo: async () => {
        const { rows } = await db.pool.query<{ checkpoint: string | null }>(
          `SELECT checkpoint FROM relay.checkpoints WHERE name = $1`,
          [topic],
        );
        return rows[0]?.checkpoint ?? null;
      },
      open: (events: RecordedEvent[]) => vault.openAll(events),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.liveSource?.close();
  }
}
