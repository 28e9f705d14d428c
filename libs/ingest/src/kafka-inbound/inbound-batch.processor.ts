import type { Message } from 'kafkajs';
import { EventIdConflictError } from '@touchline/event-store';
import type { Touchpoint } from '@touchline/touchpoints';
import type { RecordedTouchpoint } from '../commands/record-touchpoints/record-touchpoints.command';
import { toCloudEventPath } from './cloud-event.mapping';
import { toDeadLetterMessage, type DeadLetter, type InboundKafkaMessage } from './dead-letter';
import { decodeInboundMessage, type InboundDecision } from './inbound-message.decoder';

/** The record command as a function: resolves once the touchpoints are durably in the store. */
export type RecordTouchpoints = (touchpoints: Touchpoint[]) => Promise<RecordedTouchpoint[]>;

/** One partition's fetched messages, in offset order (kafkajs's Batch fits). */
export interface InboundBatch {
  topic: string;
  partition: number;
  messages: InboundKafkaMessage[];
}

/** What processing a batch needs from the consumer; kafkajs's eachBatch payload provides most. */
export interface InboundBatchContext {
  record: RecordTouchpoints;
  /** Writes to the dead-letter topic; resolves once every in-sync replica has them (acks -1). */
  deadLetter(messages: Message[]): Promise<void>;
  resolveOffset(offset: string): void;
  commitOffsetsIfNecessary(): Promise<void>;
  heartbeat(): Promise<void>;
  /** False once the consumer stops or the partition was revoked or sought. */
  isActive(): boolean;
}

export interface InboundBatchOptions {
  /** Most touchpoints in one record command (one store transaction). */
  maxChunk: number;
}

export interface InboundBatchResult {
  /**
   * done: every message settled; interrupted: the consumer stopped or lost the partition;
   * retry: the store or the dead-letter write failed, `error` says how; the unsettled messages
   * keep their offsets unresolved and will be read again.
   */
  status: 'done' | 'interrupted' | 'retry';
  error?: unknown;
  appended: number;
  duplicates: number;
  deadLettered: number;
}

interface Entry {
  message: InboundKafkaMessage;
  decision: InboundDecision;
}

/**
 * Settles one partition's batch in chunks: the valid touchpoints of a chunk in one record
 * command, its invalid messages in one dead-letter write, and only then the chunk's last offset
 * is resolved (so a commit never covers a message that is not durably somewhere). Order within
 * the partition is kept: chunks run one after the other, and the record command keeps each
 * stream's events in the order given.
 *
 * A crash between the append and the commit redelivers the chunk: the store answers "duplicate"
 * for every event id it already has, so nothing is stored twice. The dead-letter topic, a log
 * for people, is at-least-once.
 */
export async function processInboundBatch(
  batch: InboundBatch,
  context: InboundBatchContext,
  options: InboundBatchOptions,
): Promise<InboundBatchResult> {
  const result: InboundBatchResult = {
    status: 'done',
    appended: 0,
    duplicates: 0,
    deadLettered: 0,
  };
  const { messages } = batch;
  let next = 0;
  while (next < messages.length) {
    if (!context.isActive()) return { ...result, status: 'interrupted' };
    const chunk = takeChunk(messages, next, options.maxChunk);
    let settled: { recorded: RecordedTouchpoint[]; deadLetters: DeadLetter[] };
    try {
      settled = await settle(batch, chunk, context);
    } catch (error) {
      return { ...result, status: 'retry', error };
    }
    next += chunk.length;
    context.resolveOffset(chunk[chunk.length - 1]!.message.offset);
    for (const r of settled.recorded) {
      if (r.status === 'appended') result.appended++;
      else result.duplicates++;
    }
    result.deadLettered += settled.deadLetters.length;
    await context.commitOffsetsIfNecessary();
    await context.heartbeat();
  }
  return result;
}

/**
 * Up to maxChunk messages from `start`. A chunk ends before an event id it already holds: one
 * append cannot carry an id twice, and the later copy must be judged against the stored one
 * (same content: duplicate; other content: conflict).
 */
function takeChunk(messages: InboundKafkaMessage[], start: number, maxChunk: number): Entry[] {
  const now = new Date();
  const chunk: Entry[] = [];
  const ids = new Set<string>();
  for (let i = start; i < messages.length && chunk.length < maxChunk; i++) {
    const message = messages[i]!;
    const decision = decodeInboundMessage(message, { now });
    if (decision.ok) {
      if (ids.has(decision.touchpoint.eventId)) break;
      ids.add(decision.touchpoint.eventId);
    }
    chunk.push({ message, decision });
  }
  return chunk;
}

async function settle(
  origin: { topic: string; partition: number },
  chunk: Entry[],
  context: InboundBatchContext,
): Promise<{ recorded: RecordedTouchpoint[]; deadLetters: DeadLetter[] }> {
  const rejected = new Map<Entry, DeadLetter>();
  for (const entry of chunk) {
    const { decision } = entry;
    if (!decision.ok) {
      rejected.set(entry, {
        message: entry.message,
        reason: decision.reason,
        errors: decision.errors,
      });
    }
  }
  let pending = chunk.filter((entry) => entry.decision.ok);
  let recorded: RecordedTouchpoint[] = [];
  while (pending.length > 0) {
    try {
      recorded = await context.record(pending.map(touchpointOf));
      break;
    } catch (error) {
      // The append is all or nothing: set the conflicting message aside and append the others.
      if (!(error instanceof EventIdConflictError)) throw error;
      const eventId = error.eventId.toLowerCase();
      const conflicting = pending.filter((entry) => touchpointOf(entry).eventId === eventId);
      if (conflicting.length === 0) throw error;
      for (const entry of conflicting) rejected.set(entry, conflict(entry, eventId));
      pending = pending.filter((entry) => !conflicting.includes(entry));
    }
  }
  // In offset order, so the dead-letter topic reads like the inbound one.
  const deadLetters = chunk.flatMap((entry) => rejected.get(entry) ?? []);
  if (deadLetters.length > 0) {
    await context.deadLetter(deadLetters.map((d) => toDeadLetterMessage(origin, d)));
  }
  return { recorded, deadLetters };
}

function touchpointOf(entry: Entry): Touchpoint {
  if (!entry.decision.ok) throw new TypeError('not a valid touchpoint');
  return entry.decision.touchpoint;
}

function conflict(entry: Entry, eventId: string): DeadLetter {
  const path = entry.decision.format === 'json' ? 'eventId' : toCloudEventPath('eventId');
  return {
    message: entry.message,
    reason: 'event_id_conflict',
    errors: [{ path, message: `eventId ${eventId} is already recorded with different content` }],
    eventId,
  };
}
