import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { KAFKA_INBOUND_OPTIONS, KafkaInboundConsumer } from './kafka-inbound.consumer';

/** Touchpoints from touchline.inbound.v1 (CloudEvents or native JSON), when Kafka is configured. */
@Module({
  imports: [CqrsModule],
  providers: [KafkaInboundConsumer, { provide: KAFKA_INBOUND_OPTIONS, useValue: {} }],
  exports: [KafkaInboundConsumer],
})
export class KafkaInboundModule {}
