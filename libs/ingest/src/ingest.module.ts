import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { PrivacyModule } from '@touchline/privacy';
import { RecordTouchpointsHandler } from './commands/record-touchpoints/record-touchpoints.handler';
import { RecordTouchpointHttpController } from './commands/record-touchpoint/record-touchpoint.http.controller';
import { RecordSegmentCallsHttpController } from './commands/record-segment-calls/record-segment-calls.http.controller';
import { RequestBodyErrorsFilter } from './http/request-body-errors.filter';
import { StoreErrorsFilter } from './http/store-errors.filter';
import { KafkaInboundModule } from './kafka-inbound/kafka-inbound.module';

const commandHandlers = [RecordTouchpointsHandler];
const controllers = [RecordTouchpointHttpController, RecordSegmentCallsHttpController];
// Each catches only its own error classes, so neither can shadow the other (or any other filter).
const filters = [
  { provide: APP_FILTER, useClass: StoreErrorsFilter },
  { provide: APP_FILTER, useClass: RequestBodyErrorsFilter },
];

/** Touchpoints in: validation by the catalogue, the record command, and the HTTP entry points. */
@Module({
  imports: [CqrsModule, PrivacyModule, KafkaInboundModule],
  controllers,
  providers: [...commandHandlers, ...filters],
})
export class IngestModule {}
