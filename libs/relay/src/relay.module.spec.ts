import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TOUCHLINE_CONFIG } from '@touchline/config';
import { DATABASE } from '@touchline/database';
import { EVENT_STORE } from '@touchline/event-store';
import { RelayModule } from './index';

function context(config: object, database: object) {
  @Global()
  @Module({
    providers: [
      { provide: TOUCHLINE_CONFIG, useValue: config },
      { provide: DATABASE, useValue: database },
      { provide: EVENT_STORE, useValue: {} },
    ],
    exports: [TOUCHLINE_CONFIG, DATABASE, EVENT_STORE],
  })
  class Context {}
  return Context;
}

describe('RelayModule', () => {
  it('refuses the embedded database: the leader lock needs a connection of its own', async () => {
    const compile = Test.createTestingModule({
      imports: [
        context({ kafkaBrokers: ['127.0.0.1:9092'] }, { kind: 'embedded' }),
        RelayModule.forRoot(),
      ],
    }).compile();
    await expect(compile).rejects.toThrow(/needs a PostgreSQL server/);
  });

  it('refuses to start without Kafka', async () => {
    const compile = Test.createTestingModule({
      imports: [context({ kafkaBrokers: undefined }, { kind: 'server' }), RelayModule.forRoot()],
    }).compile();
    await expect(compile).rejects.toThrow(/KAFKA_BROKERS/);
  });
});
