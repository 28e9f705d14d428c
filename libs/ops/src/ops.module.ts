import { Module } from '@nestjs/common';
import { DATABASE, type Database } from '@touchline/database';
import { EVENT_STORE, PostgresEventStore, type EventStore } from '@touchline/event-store';
import { PersonalDataVault, PrivacyModule } from '@touchline/privacy';
import { touchpointUpcasters } from '@touchline/touchpoints';
import { ListAuditHttpController } from './audit/list-audit.http.controller';
import { EraseCustomerHttpController } from './erase-customer/erase-customer.http.controller';
import { ExportCustomerHttpController } from './export-customer/export-customer.http.controller';
import { MergeCustomersHttpController } from './merge-customers/merge-customers.http.controller';
import type { SealPersonalData } from './merge-customers/merge-customers';
import { OPS_SEAL_PERSONAL, OPS_UPCAST, OpsService } from './ops.service';
import { OPS_JOURNEY_STREAMS, linkedStreams } from './replay-journey/journey-streams';
import type { Upcast } from './replay-journey/replay-journey';
import { ReplayJourneyHttpController } from './replay-journey/replay-journey.http.controller';
import { PostgresStreamHeads } from './verify-chain/postgres-stream-heads.adapter';
import { OPS_STREAM_HEADS, type StreamHeads } from './verify-chain/stream-heads.port';
import { VerifyChainHttpController } from './verify-chain/verify-chain.http.controller';

const controllers = [
  ReplayJourneyHttpController,
  VerifyChainHttpController,
  ListAuditHttpController,
  MergeCustomersHttpController,
  EraseCustomerHttpController,
  ExportCustomerHttpController,
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

/** Journeys follow the identity links recorded in the store (journey-streams.ts). */
const policies = [
  {
    provide: OPS_JOURNEY_STREAMS,
    inject: [EVENT_STORE],
    useFactory: (store: EventStore) => linkedStreams(store),
  },
  {
    provide: OPS_SEAL_PERSONAL,
    inject: [{ token: PersonalDataVault, optional: true }],
    // The privacy vault (global PrivacyModule) encrypts a merge's reason with each customer's key.
    useFactory: (vault?: PersonalDataVault): SealPersonalData | null =>
      vault ? (streamId, event) => vault.seal(streamId, event) : null,
  },
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
  // Erasure, export and key rotation use the data keys; replay and export decrypt.
  imports: [PrivacyModule],
  controllers,
  providers: [...adapters, ...policies, ...services],
  exports: [OpsService],
})
export class OpsModule {}
