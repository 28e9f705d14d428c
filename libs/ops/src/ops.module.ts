import { Module } from '@nestjs/common';
import { DATABASE, type Database } from '@touchline/database';
import { EVENT_STORE, PostgresEventStore, type EventStore } from '@touchline/event-store';
import { touchpointUpcasters } from '@touchline/touchpoints';
import { ListAuditHttpController } from './audit/list-audit.http.controller';
import { OPS_UPCAST, OpsService } from './ops.service';
import { OPS_JOURNEY_STREAMS, ownStreamOnly } from './replay-journey/journey-streams';
import type { Upcast } from './replay-journey/replay-journey';
import { ReplayJourneyHttpController } from './replay-journey/replay-journey.http.controller';
import { PostgresStreamHeads } from './verify-chain/postgres-stream-heads.adapter';
import { OPS_STREAM_HEADS, type StreamHeads } from './verify-chain/stream-heads.port';
import { VerifyChainHttpController } from './verify-chain/verify-chain.http.controller';

const controllers = [
  ReplayJourneyHttpController,
  VerifyChainHttpController,
  ListAuditHttpController,
];

const adapters = [
  {
    provide: OPS_STREAM_HEADS,
    inject: [EVENT_STORE, DATABASE],
    // Heads are a PostgreSQL store's bookkeeping; other adapters verify from the events alone.
    useFactory: (store: EventStore, db: Database): StreamHeads | null =>
      store instanceof PostgresEventStore ? new PostgresStreamHeads(db.pool) : null,
  },
];

/** Merge and identity links rebind OPS_JOURNEY_STREAMS; see journey-streams.ts. */
const policies = [
  { provide: OPS_JOURNEY_STREAMS, useValue: ownStreamOnly },
  {
    provide: OPS_UPCAST,
    useValue: ((event) => touchpointUpcasters.upcast(event)) satisfies Upcast,
  },
];

const services = [OpsService];

/**
 * Operations: journey replay, hash-chain verification and the audit trail, over HTTP (scope
 * `ops`) and, through OpsService, the CLI. Needs the global EVENT_STORE and DATABASE.
 */
@Module({
  controllers,
  providers: [...adapters, ...policies, ...services],
  exports: [OpsService],
})
export class OpsModule {}
