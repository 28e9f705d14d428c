import { createHash, randomUUID } from 'node:crypto';
import { canonicalJson, eventDigests } from './canonical';
import type { EventToAppend } from './event-store.port';

describe('canonical digests', () => {
  const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

  it('writes the two digests exactly as canonicalJson of the documents they stand for', () => {
    const events: EventToAppend[] = [
      { eventId: randomUUID(), type: 'purchase', data: { b: [1, { z: 2, a: 'ü' }], a: 1.5 } },
      {
        eventId: randomUUID(),
        type: 'survey.nps',
        version: 2,
        data: { score: 9, comment: 'quote " and \\ backslash' },
        metadata: { source: 's', channel: 'web' },
        occurredAt: new Date('2026-01-02T03:04:05.678Z'),
      },
    ];
    for (const event of events) {
      const { content, record } = eventDigests('customer-1', event);
      const common = {
        streamId: 'customer-1',
        type: event.type,
        version: event.version ?? 1,
        data: event.data,
        metadata: event.metadata ?? {},
        occurredAt: event.occurredAt ? event.occurredAt.toISOString() : null,
      };
      expect(content.toString('hex')).toBe(sha(canonicalJson(common)));
      expect(record.toString('hex')).toBe(
        sha(canonicalJson({ ...common, eventId: event.eventId })),
      );
    }
  });

  it('covers a personal part: its MAC in the content digest, its key id and ciphertext in the record', () => {
    const personal = {
      keyId: 'k-1',
      ciphertext: Buffer.from([1, 2, 250]),
      digest: Buffer.from('0a0b', 'hex'),
    };
    const event: EventToAppend = {
      eventId: randomUUID(),
      type: 'enquiry',
      data: { topic: 'sizes' },
      personal,
    };
    const { content, record } = eventDigests('customer-1', event);
    const common = {
      streamId: 'customer-1',
      type: 'enquiry',
      version: 1,
      data: { topic: 'sizes' },
      metadata: {},
      occurredAt: null,
    };
    expect(content.toString('hex')).toBe(sha(canonicalJson({ ...common, personal: '0a0b' })));
    expect(record.toString('hex')).toBe(
      sha(
        canonicalJson({
          ...common,
          eventId: event.eventId,
          personal: { ciphertext: personal.ciphertext.toString('base64'), keyId: 'k-1' },
        }),
      ),
    );
    // A retry encrypts again (another ciphertext) and must compare equal; the chain must not.
    const retry = { ...event, personal: { ...personal, ciphertext: Buffer.from([9]) } };
    expect(eventDigests('customer-1', retry).content).toEqual(content);
    expect(eventDigests('customer-1', retry).record).not.toEqual(record);
    expect(() =>
      eventDigests('customer-1', { ...event, personal: { ...personal, digest: undefined! } }),
    ).toThrow(/needs its digest/);
  });

  it('sorts keys, drops undefined members and prints no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [true, null, { d: undefined, c: 'x' }] })).toBe(
      '{"a":[true,null,{"c":"x"}],"b":1}',
    );
  });
});
