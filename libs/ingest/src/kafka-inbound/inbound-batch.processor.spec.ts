import { randomUUID } from 'node:crypto';
import type { Message } from 'kafkajs';
import { EventIdConflictError, EventStoreUnavailableError } from '@touchline/event-store';
import { touchpointExample, type Touchpoint } from '@touchline/touchpoints';
import type { RecordedTouchpoint } from '../commands/record-touchpoints/record-touchpoints.command';
import { DEAD_LETTER_HEADERS, type InboundKafkaMessage } from './dead-letter';
import {
  processInboundBatch,
  type InboundBatchContext,
  type RecordTouchpoints,
} from './inbound-batch.processor';

const TOPIC = 'touchline.inbound.v1';

function touchpoint(eventId: string = randomUUID(), score = 9): Touchpoint {
  const t = touchpointExample('survey.nps');
  return { ...t, eventId, data: { ...t.data, score } } as Touchpoint;
}

function batchOf(values: Array<Touchpoint | string | null>) {
  const messages: InboundKafkaMessage[] = values.map((v, i) => ({
    offset: String(100 + i),
    timestamp: '1767225600000',
    key: Buffer.from(`k${i}`),
    value: v === null ? null : Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)),
    headers: { origin: `h${i}` },
  }));
  return { topic: TOPIC, partition: 2, messages };
}

/** The store as the record command sees it: dedupes by id, conflicts on other content. */
function fakeStore() {
  const stored = new Map<string, string>();
  const calls: string[][] = [];
  const record: RecordTouchpoints = async (touchpoints) => {
    calls.push(touchpoints.map((t) => t.eventId));
    for (const t of touchpoints) {
      const known = stored.get(t.eventId);
      if (known !== undefined && known !== JSON.stringify(t)) {
        throw new EventIdConflictError(`customer-${t.customerId}`, t.eventId);
      }
    }
    return touchpoints.map((t): RecordedTouchpoint => {
      const status = stored.has(t.eventId) ? 'duplicate' : 'appended';
      stored.set(t.eventId, JSON.stringify(t));
      return { eventId: t.eventId, status, stream: 's', revision: 0, position: '0' };
    });
  };
  return { stored, calls, record };
}

function contextFor(record: RecordTouchpoints) {
  const deadLetters: Message[] = [];
  const resolved: string[] = [];
  const log: string[] = [];
  let active = true;
  const context: InboundBatchContext = {
    record: async (t) => {
      const r = await record(t);
      log.push(`record ${t.length}`);
      return r;
    },
    deadLetter: async (messages) => {
      deadLetters.push(...messages);
      log.push(`dlq ${messages.length}`);
    },
    resolveOffset: (offset) => {
      resolved.push(offset);
      log.push(`resolve ${offset}`);
    },
    commitOffsetsIfNecessary: async () => undefined,
    heartbeat: async () => undefined,
    isActive: () => active,
  };
  return { context, deadLetters, resolved, log, stop: () => (active = false) };
}

const header = (m: Message, name: string) => m.headers?.[name]?.toString();

describe('processInboundBatch', () => {
  it('records the valid messages in order, dead-letters the others, then resolves the offset', async () => {
    const store = fakeStore();
    const [a, b, c] = [touchpoint(), touchpoint(), touchpoint()];
    const { context, deadLetters, resolved, log } = contextFor(store.record);
    const batch = batchOf([a, 'not json', b, null, c]);
    const result = await processInboundBatch(batch, context, { maxChunk: 500 });

    expect(result).toMatchObject({ status: 'done', appended: 3, duplicates: 0, deadLettered: 2 });
    expect(store.calls).toEqual([[a.eventId, b.eventId, c.eventId]]);
    expect(log).toEqual(['record 3', 'dlq 2', 'resolve 104']);
    expect(resolved).toEqual(['104']);
    const [first, second] = deadLetters;
    expect(first!.key).toEqual(Buffer.from('k1'));
    expect(first!.value).toEqual(Buffer.from('not json'));
    expect(header(first!, 'origin')).toBe('h1');
    expect(header(first!, DEAD_LETTER_HEADERS.reason)).toBe('undecodable');
    expect(header(first!, DEAD_LETTER_HEADERS.topic)).toBe(TOPIC);
    expect(header(first!, DEAD_LETTER_HEADERS.partition)).toBe('2');
    expect(header(first!, DEAD_LETTER_HEADERS.offset)).toBe('101');
    expect(JSON.parse(header(first!, DEAD_LETTER_HEADERS.errors)!)).toEqual([
      { path: '', message: expect.stringContaining('not UTF-8 JSON') },
    ]);
    expect(second!.value).toBeNull();
    expect(header(second!, DEAD_LETTER_HEADERS.offset)).toBe('103');
  });

  it('settles a batch in chunks, resolving after each', async () => {
    const store = fakeStore();
    const { context, resolved } = contextFor(store.record);
    const batch = batchOf(Array.from({ length: 7 }, () => touchpoint()));
    await processInboundBatch(batch, context, { maxChunk: 3 });
    expect(store.calls.map((c) => c.length)).toEqual([3, 3, 1]);
    expect(resolved).toEqual(['102', '105', '106']);
  });

  it('starts a new chunk at a repeated event id: a copy is a duplicate, other content a conflict', async () => {
    const store = fakeStore();
    const { context, deadLetters } = contextFor(store.record);
    const a = touchpoint();
    const changed = touchpoint(a.eventId, 3);
    const result = await processInboundBatch(batchOf([a, a, changed]), context, {
      maxChunk: 500,
    });
    expect(store.calls).toEqual([[a.eventId], [a.eventId], [a.eventId]]);
    expect(result).toMatchObject({ appended: 1, duplicates: 1, deadLettered: 1 });
    expect(header(deadLetters[0]!, DEAD_LETTER_HEADERS.reason)).toBe('event_id_conflict');
    expect(header(deadLetters[0]!, DEAD_LETTER_HEADERS.eventId)).toBe(a.eventId);
    expect(header(deadLetters[0]!, DEAD_LETTER_HEADERS.offset)).toBe('102');
  });

  it('sets a conflicting message aside and appends the rest of its chunk', async () => {
    const store = fakeStore();
    const old = touchpoint();
    await store.record([old]);
    const { context, deadLetters } = contextFor(store.record);
    const [a, b] = [touchpoint(), touchpoint()];
    const result = await processInboundBatch(batchOf([a, touchpoint(old.eventId, 0), b]), context, {
      maxChunk: 500,
    });
    expect(result).toMatchObject({ status: 'done', appended: 2, deadLettered: 1 });
    expect([...store.stored.keys()]).toEqual([old.eventId, a.eventId, b.eventId]);
    expect(JSON.parse(header(deadLetters[0]!, DEAD_LETTER_HEADERS.errors)!)).toEqual([
      {
        path: 'eventId',
        message: `eventId ${old.eventId} is already recorded with different content`,
      },
    ]);
  });

  it('when the store is unavailable: no dead letter, nothing resolved past the last settled chunk', async () => {
    const store = fakeStore();
    let calls = 0;
    const unavailable = new EventStoreUnavailableError('down');
    const { context, deadLetters, resolved } = contextFor(async (t) => {
      if (++calls === 2) throw unavailable;
      return store.record(t);
    });
    const batch = batchOf([touchpoint(), touchpoint(), 'bad', touchpoint()]);
    const result = await processInboundBatch(batch, context, { maxChunk: 2 });
    expect(result).toMatchObject({ status: 'retry', error: unavailable, appended: 2 });
    expect(resolved).toEqual(['101']);
    expect(deadLetters).toEqual([]);
  });

  it('when the dead-letter write fails: the chunk stays unresolved', async () => {
    const store = fakeStore();
    const { context, resolved } = contextFor(store.record);
    context.deadLetter = async () => {
      throw new Error('broker gone');
    };
    const result = await processInboundBatch(batchOf([touchpoint(), 'bad']), context, {
      maxChunk: 500,
    });
    expect(result.status).toBe('retry');
    expect(resolved).toEqual([]);
  });

  it('stops between chunks when the consumer stops', async () => {
    const store = fakeStore();
    const handle = contextFor(async (t) => {
      handle.stop();
      return store.record(t);
    });
    const result = await processInboundBatch(
      batchOf([touchpoint(), touchpoint(), touchpoint()]),
      handle.context,
      { maxChunk: 1 },
    );
    expect(result.status).toBe('interrupted');
    expect(handle.resolved).toEqual(['100']);
  });
});
