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

  it('sorts keys, drops undefined members and prints no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [true, null, { d: undefined, c: 'x' }] })).toBe(
      '{"a":[true,null,{"c":"x"}],"b":1}',
    );
  });
});
