import { Inject, Injectable, Optional } from '@nestjs/common';
import { EVENT_STORE, type EventStore, type JsonObject } from '@touchline/event-store';
import { DataKeys, PersonalDataVault, type RotationResult } from '@touchline/privacy';
import type { RebuildStarted } from '@touchline/projections';
import {
  listAudit,
  recordOpsAction,
  type AuditPage,
  type OpsAction,
  type OpsActor,
  type OpsOutcome,
} from './audit/ops-audit';
import {
  customerStreamId,
  ownStreamOnly,
  OPS_JOURNEY_STREAMS,
  type JourneyStreams,
} from './replay-journey/journey-streams';
import {
  MergeRefusedError,
  recordMerge,
  type MergeKind,
  type MergeRequest,
  type MergeResult,
  type SealPersonalData,
} from './merge-customers/merge-customers';
import {
  eraseCustomer,
  type CustomerErasure,
  type ErasureRequest,
} from './erase-customer/erase-customer';
import { exportCustomer, type CustomerExport } from './export-customer/export-customer';
import { replayJourney, type JourneyReplay, type Upcast } from './replay-journey/replay-journey';
import type { StreamVerification } from './verify-chain/check-chain';
import { OPS_STREAM_HEADS, type StreamHeads } from './verify-chain/stream-heads.port';
import { verifyAll, type StoreVerification, type VerifyProgress } from './verify-chain/verify-all';
import { verifyStream } from './verify-chain/verify-stream';

export const OPS_UPCAST = Symbol('OPS_UPCAST');
/** Seals personal fields of the events ops records (a merge's reason); see OpsModule. */
export const OPS_SEAL_PERSONAL = Symbol('OPS_SEAL_PERSONAL');

export interface JourneyWindow {
  asOf?: Date;
  from?: Date;
  to?: Date;
}

/** What starts a projection's rebuild: the caller's ProjectionEngine. */
export interface ProjectionRebuilds {
  rebuild(name: string): Promise<RebuildStarted>;
}

/** How a followed rebuild ended: `switched`, or why not (`failed`, `timed out`, ...). */
export interface RebuildResult {
  projection: string;
  generation: number;
  result: string;
  error?: string;
}

/** Broken streams named in the audit entry of a whole-store verification; the rest are counted. */
const AUDITED_BROKEN_STREAMS = 20;

/**
 * The operations actions, each recorded in the ops-audit stream with who, what, target, when and
 * outcome. The HTTP controllers and the CLI both come through here, so neither can skip the audit.
 * An action's result is handed back only after its audit entry is durable: when the entry cannot
 * be written, the caller gets the error instead of the result.
 */
@Injectable()
export class OpsService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly keys: DataKeys,
    private readonly vault: PersonalDataVault,
    @Optional() @Inject(OPS_STREAM_HEADS) private readonly heads: StreamHeads | null = null,
    @Optional() @Inject(OPS_JOURNEY_STREAMS) private readonly journeyStreams?: JourneyStreams,
    @Optional() @Inject(OPS_UPCAST) private readonly upcast?: Upcast,
    @Optional() @Inject(OPS_SEAL_PERSONAL) private readonly seal?: SealPersonalData | null,
  ) {}

  /**
   * Merges the duplicate `mergedId` into `survivorId`: customer.merged in both streams, at once.
   * Refusals throw MergeRefusedError (invalid, not_found, conflict) and are audited as such.
   */
  mergeCustomers(actor: OpsActor, request: MergeRequest): Promise<MergeResult> {
    return this.merge(actor, 'merge', request);
  }

  /** Undoes a merge with customer.unmerged in both streams (a compensating event). */
  unmergeCustomers(actor: OpsActor, request: MergeRequest): Promise<MergeResult> {
    return this.merge(actor, 'unmerge', request);
  }

  private async merge(
    actor: OpsActor,
    kind: MergeKind,
    request: MergeRequest,
  ): Promise<MergeResult> {
    const outcome = await this.audited(
      actor,
      kind === 'merge' ? 'customer.merge' : 'customer.unmerge',
      typeof request.mergedId === 'string' ? request.mergedId : null,
      async () => {
        try {
          return await recordMerge(this.store, kind, request, this.seal ?? undefined);
        } catch (error) {
          // A refusal is an outcome of the action, audited as such, not a failure of it.
          if (error instanceof MergeRefusedError) return error;
          throw error;
        }
      },
      (result): { outcome: OpsOutcome; detail: JsonObject } =>
        result instanceof MergeRefusedError
          ? {
              outcome: result.reason === 'not_found' ? 'not_found' : 'refused',
              detail: {
                survivorId: String(request.survivorId),
                mergedId: String(request.mergedId),
                refused: result.message,
              },
            }
          : {
              outcome: 'succeeded',
              detail: {
                survivorId: result.survivorId,
                mergedId: result.mergedId,
                events: result.events.map((e) => ({ ...e })),
              },
            },
    );
    if (outcome instanceof MergeRefusedError) throw outcome;
    return outcome;
  }

  /** Null when the store had no event of the customer by `asOf`. */
  replayJourney(
    actor: OpsActor,
    customerId: string,
    window: JourneyWindow = {},
  ): Promise<JourneyReplay | null> {
    return this.audited(
      actor,
      'journey.replay',
      customerId,
      () =>
        replayJourney(this.store, customerId, {
          ...window,
          heads: this.heads,
          streams: this.journeyStreams,
          upcast: this.upcast,
          open: (event) => this.vault.open(event),
        }),
      (replay) => ({
        outcome: replay ? 'succeeded' : 'not_found',
        detail: {
          ...windowDetail(window),
          ...(replay
            ? {
                events: replay.events.length,
                recorded: replay.recorded,
                intact: replay.integrity?.ok ?? null,
              }
            : {}),
        },
      }),
    );
  }

  /** Null when the customer's stream has no events and the store no head for it. */
  verifyCustomer(actor: OpsActor, customerId: string): Promise<StreamVerification | null> {
    return this.audited(
      actor,
      'chain.verify',
      customerId,
      async () => {
        const result = await verifyStream(this.store, customerStreamId(customerId), {
          heads: this.heads,
        });
        return result.events === 0 && result.ok ? null : result;
      },
      (result) => ({
        outcome: result ? 'succeeded' : 'not_found',
        detail: result ? verificationDetail(result) : {},
      }),
    );
  }

  verifyStore(
    actor: OpsActor,
    onProgress?: (progress: VerifyProgress) => void,
  ): Promise<StoreVerification> {
    return this.audited(
      actor,
      'store.verify',
      null,
      () => verifyAll(this.store, { heads: this.heads, onProgress }),
      (result) => ({
        outcome: 'succeeded',
        detail: {
          streams: result.streams,
          events: result.events,
          ok: result.ok,
          brokenStreams: result.broken.length,
          broken: result.broken.slice(0, AUDITED_BROKEN_STREAMS).map((b) => ({
            streamId: b.streamId,
            revision: b.firstBroken?.revision ?? null,
            reason: b.firstBroken?.reason ?? null,
          })),
        },
      }),
    );
  }

  /**
   * GDPR erasure (crypto-shredding): destroys the data keys of the customer's journey and records
   * customer.erased. Null when the customer has neither events nor keys.
   */
  eraseCustomer(
    actor: OpsActor,
    customerId: string,
    request: ErasureRequest,
  ): Promise<CustomerErasure | null> {
    return this.audited(
      actor,
      'customer.erase',
      customerId,
      () => eraseCustomer(this.store, this.keys, this.journeyOf, customerId, request),
      (erasure) => ({
        outcome: erasure ? 'succeeded' : 'not_found',
        // Labels and counts only: the audit trail must hold no personal data either.
        detail: {
          reason: request.reason ?? null,
          requestId: request.requestId ?? null,
          ...(erasure
            ? {
                streams: erasure.streams.length,
                keysDestroyed: erasure.keysDestroyed,
                eventId: erasure.erasedEvent.eventId,
                status: erasure.erasedEvent.status,
              }
            : {}),
        },
      }),
    );
  }

  /** Subject access: every event of the customer's journey, decrypted. Null without events. */
  exportCustomer(actor: OpsActor, customerId: string): Promise<CustomerExport | null> {
    return this.audited(
      actor,
      'customer.export',
      customerId,
      () => exportCustomer(this.store, this.vault, this.journeyOf, customerId, this.upcast),
      (result): { outcome: OpsOutcome; detail: JsonObject } =>
        result
          ? {
              outcome: 'succeeded',
              detail: {
                streams: result.streams.length,
                events: result.events.length,
                erasedEvents: result.erasedEvents,
              },
            }
          : { outcome: 'not_found', detail: {} },
    );
  }

  /** Re-wraps every data key under the active master key; events are untouched. */
  rotateKeys(actor: OpsActor, onProgress?: (done: number) => void): Promise<RotationResult> {
    return this.audited(
      actor,
      'keys.rotate',
      null,
      () => this.keys.rotate({ onProgress }),
      (result) => ({
        outcome: 'succeeded',
        detail: {
          activeMasterKeyId: result.activeMasterKeyId,
          rewrapped: { ...result.rewrapped },
          liveKeys: { ...result.liveKeys },
        },
      }),
    );
  }

  /**
   * Starts rebuilds of the named projections on the caller's engine (a running API or worker does
   * the work), audited as projections.rebuild, phase `started`. `target`: the one projection asked
   * for, or null for all of them.
   */
  startRebuilds(
    actor: OpsActor,
    target: string | null,
    names: readonly string[],
    engine: ProjectionRebuilds,
  ): Promise<RebuildStarted[]> {
    return this.audited(
      actor,
      'projections.rebuild',
      target,
      async () => {
        const started: RebuildStarted[] = [];
        for (const name of names) started.push(await engine.rebuild(name));
        return started;
      },
      (started) => ({
        outcome: 'succeeded',
        detail: {
          phase: 'started',
          builds: started.map((s) => ({
            projection: s.projection,
            version: s.version,
            generation: s.generation,
            joined: s.alreadyRunning,
          })),
        },
      }),
    );
  }

  /**
   * Follows started rebuilds to their end (`follow`: the caller's wait, with its progress display)
   * and audits how they ended, phase `finished`: failed unless every one switched.
   */
  finishRebuilds(
    actor: OpsActor,
    target: string | null,
    follow: () => Promise<RebuildResult[]>,
  ): Promise<RebuildResult[]> {
    return this.audited(actor, 'projections.rebuild', target, follow, (results) => ({
      outcome: results.every((r) => r.result === 'switched') ? 'succeeded' : 'failed',
      detail: {
        phase: 'finished',
        results: results.map((r) => ({
          projection: r.projection,
          generation: r.generation,
          result: r.result,
          error: r.error ?? null,
        })),
      },
    }));
  }

  listAudit(
    actor: OpsActor,
    options: { limit?: number; before?: number } = {},
  ): Promise<AuditPage> {
    return this.audited(
      actor,
      'audit.list',
      null,
      () => listAudit(this.store, { ...options, heads: this.heads }),
      (page) => ({
        outcome: 'succeeded',
        detail: {
          limit: options.limit ?? null,
          before: options.before ?? null,
          entries: page.entries.length,
        },
      }),
    );
  }

  private readonly journeyOf: JourneyStreams = (customerId, asOf) =>
    (this.journeyStreams ?? ownStreamOnly)(customerId, asOf);

  private async audited<T>(
    actor: OpsActor,
    action: OpsAction,
    target: string | null,
    run: () => Promise<T>,
    describe: (result: T) => { outcome: OpsOutcome; detail: JsonObject },
  ): Promise<T> {
    const startedAt = new Date();
    const record = (outcome: OpsOutcome, detail: JsonObject) =>
      recordOpsAction(this.store, {
        actor,
        action,
        target,
        outcome,
        detail,
        startedAt,
        durationMs: Date.now() - startedAt.getTime(),
      });
    let result: T;
    try {
      result = await run();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // The action's own error is what the caller needs; a failing audit write must not mask it.
      await record('failed', { error: message }).catch(() => undefined);
      throw error;
    }
    const { outcome, detail } = describe(result);
    await record(outcome, detail);
    return result;
  }
}

function windowDetail({ asOf, from, to }: JourneyWindow): JsonObject {
  return {
    asOf: asOf?.toISOString() ?? null,
    from: from?.toISOString() ?? null,
    to: to?.toISOString() ?? null,
  };
}

function verificationDetail(result: StreamVerification): JsonObject {
  return {
    streamId: result.streamId,
    events: result.events,
    ok: result.ok,
    ...(result.firstBroken ? { firstBroken: { ...result.firstBroken } } : {}),
  };
}
