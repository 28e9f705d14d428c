import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { RecordTouchpointsHandler } from './commands/record-touchpoints/record-touchpoints.handler';
import { StoreErrorsFilter } from './http/store-errors.filter';

const commandHandlers = [RecordTouchpointsHandler];
const controllers: [] = [];

/** Touchpoints in: validation by the catalogue, the record command, and the HTTP entry points. */
@Module({
  imports: [CqrsModule],
  controllers,
  providers: [...commandHandlers, { provide: APP_FILTER, useClass: StoreErrorsFilter }],
})
export class IngestModule {}
