import { Inject, Injectable, Optional } from '@nestjs/common';
import { EVENT_STORE, type EventStore, type JsonObject } from '@touchline/event-store';
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
  OPS_JOURNEY_STREAMS,
  type JourneyStreams,
} from './replay-journey/journey-streams';
import { replayJourney, type JourneyReplay, type Upcast } from './replay-journey/replay-journey';
import type { StreamVerification } from './verify-chain/check-chain';
import { OPS_STREAM_HEADS, type StreamHeads } from './verify-chain/stream-heads.port';
import { verifyAll, type StoreVerification, type VerifyProgress } from './verify-chain/verify-all';
import { verifyStream } from './verify-chain/verify-stream';

export const OPS_UPCAST = Symbol('OPS_UPCAST');

export interface JourneyWindow {
  asOf?: Date;
  from?: Date;
  to?: Date;
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
    @Optional() @Inject(OPS_STREAM_HEADS) private readonly heads: StreamHeads | null = null,
    @Optional() @Inject(OPS_JOURNEY_STREAMS) private readonly journeyStreams?: JourneyStreams,
    @Optional() @Inject(OPS_UPCAST) private readonly upcast?: Upcast,
  ) {}

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
