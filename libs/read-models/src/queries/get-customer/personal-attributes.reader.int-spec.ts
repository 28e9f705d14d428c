import { randomUUID } from 'node:crypto';
import { PostgresEventStore, type JsonObject } from '@touchline/event-store';
import { DecryptingEventStore, openPersonalDataVault, TEST_MASTER_KEYS } from '@touchline/privacy';
import { createTestDatabase, type TestDatabase } from '@touchline/testing';
import { toEventToAppend } from '@touchline/touchpoints';
import { append, touchpoint } from '../../testing/touchpoints';
import { readPersonalAttributes } from './personal-attributes.reader';

/** What readPersonalAttributes costs in store reads and key lookups, besides what it answers. */
describe('readPersonalAttributes (PostgreSQL)', () => {
  let db: TestDatabase;
  let raw: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    await PostgresEventStore.migrate(db.pool);
    raw = new PostgresEventStore(db.pool);
  });
  afterAll(async () => {
    await raw?.close();
    await db?.destroy();
  });

  const id = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
  const profileUpdated = (
    who: { customerId: string } | { anonymousId: string },
    at: string,
    attributes: JsonObject,
  ) => touchpoint({ type: 'profile.updated', ...who, at, data: { attributes } });

  it("reads each stream of the group once and fetches the group's keys in one batch", async () => {
    const { vault: sealing } = await openPersonalDataVault(db.pool, TEST_MASTER_KEYS);
    // Seals personal fields as ingestion does: one data key per stream.
    const store = new DecryptingEventStore(raw, sealing);
    const s = id('s');
    const m = id('m');
    const a = id('a');
    await append(store, [
      profileUpdated({ anonymousId: a }, '2026-02-01T10:00:00.000Z', { favouriteShop: 'Porto' }),
      profileUpdated({ customerId: m }, '2026-02-02T10:00:00.000Z', { phone: '+351910000002' }),
      profileUpdated({ customerId: s }, '2026-02-03T10:00:00.000Z', { firstName: 'Ines' }),
      touchpoint({
        type: 'identity.linked',
        customerId: s,
        at: '2026-02-04T10:00:00.000Z',
        data: { anonymousId: a },
      }),
    ]);
    await store.appendToStreams(
      [s, m].map((customerId) => {
        const { streamId, event } = toEventToAppend(
          touchpoint({
            type: 'customer.merged',
            customerId,
            at: '2026-02-05T10:00:00.000Z',
            channel: 'other',
            data: { survivorId: s, mergedId: m },
          }),
        );
        return { streamId, events: [event], expectedRevision: 'any' as const };
      }),
    );

    // A reader with a cold key cache, as a request after the cache's time to live meets it.
    const { vault, keys } = await openPersonalDataVault(db.pool, TEST_MASTER_KEYS);
    const reads = jest.spyOn(raw, 'readStream');
    const oneKey = jest.spyOn(keys, 'byKeyId');
    const manyKeys = jest.spyOn(keys, 'byKeyIds');
    try {
      const read = await readPersonalAttributes(raw, vault, keys, s, [
        'favouriteShop',
        'phone',
        'firstName',
      ]);
      expect(read).toMatchObject({
        attributes: { favouriteShop: 'Porto', phone: '+351910000002', firstName: 'Ines' },
        decrypted: 3,
        erased: 0,
        erasedAt: null,
      });
      expect([...read.streams].sort()).toEqual(
        [`customer-${s}`, `customer-${m}`, `anonymous-${a}`].sort(),
      );
      // The resolver's reads of the customer streams serve the attributes too.
      expect(reads.mock.calls.map(([streamId]) => streamId).sort()).toEqual(
        [`customer-${s}`, `customer-${m}`, `anonymous-${a}`].sort(),
      );
      // Three events, three keys (one per stream): one lookup for all of them.
      expect(manyKeys).toHaveBeenCalledTimes(1);
      expect(oneKey).not.toHaveBeenCalled();
    } finally {
      reads.mockRestore();
      oneKey.mockRestore();
      manyKeys.mockRestore();
    }
  });
});
