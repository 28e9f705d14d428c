import { randomUUID } from 'node:crypto';
import { chainHash, PostgresEventStore, recordDigest } from '@touchline/event-store';
import { createTestDatabase, waitFor, type TestDatabase } from '@touchline/testing';
import { PostgresStreamHeads } from './postgres-stream-heads.adapter';
import { verifyAll, type VerifyProgress } from './verify-all';
import { verifyStream } from './verify-stream';

/**
 * Appends through the store; tampers the way an intruder with database access would: SQL on
 * touchline.events, bypassing the store and leaving touchline.streams (the heads) as they were.
 */
function tamperKit(db: TestDatabase, store: PostgresEventStore) {
  const sql = (text: string, values: unknown[] = []) => db.pool.query(text, values);

  async function journey(length: number, streamId = `customer-${randomUUID()}`): Promise<string> {
    for (let i = 0; i < length; i++) {
      await store.appendToStream(
        streamId,
        [
          {
            eventId: randomUUID(),
            type: 'purchase',
            data: { amount: 10 + i, items: [{ sku: `sku-${i}`, qty: 1 }] },
            metadata: { source: 'shop-backend', correlationId: `checkout-${i}` },
            occurredAt: new Date(Date.UTC(2026, 2, 1, 9, i)),
          },
        ],
        i === 0 ? 'no_stream' : i - 1,
      );
    }
    return streamId;
  }

  /** Moves revisions >= from up by one; two steps because the unique constraint is checked per row. */
  async function renumberUp(streamId: string, from: number): Promise<void> {
    await sql(
      `UPDATE touchline.events SET stream_revision = -stream_revision - 2
        WHERE stream_id = $1 AND stream_revision >= $2`,
      [streamId, from],
    );
    await sql(
      `UPDATE touchline.events SET stream_revision = -stream_revision - 1
        WHERE stream_id = $1 AND stream_revision < 0`,
      [streamId],
    );
  }

  async function forge(streamId: string, revision: number, hash: Buffer): Promise<string> {
    const eventId = randomUUID();
    await sql(
      `INSERT INTO touchline.events (stream_id, stream_revision, event_id, event_type, event_version,
         data, metadata, occurred_at, recorded_at, content_digest, hash)
       VALUES ($1, $2, $3, 'refund', 1, '{"amount": 500}', '{"source": "shop-backend"}',
               '2026-03-01T09:02:30Z', date_trunc('milliseconds', now()), '\\x00', $4)`,
      [streamId, revision, eventId, hash],
    );
    return eventId;
  }

  return { sql, journey, renumberUp, forge };
}

describe('hash-chain verification against tampering on PostgreSQL', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let heads: PostgresStreamHeads;

  let sql: ReturnType<typeof tamperKit>['sql'];
  let journey: ReturnType<typeof tamperKit>['journey'];
  let renumberUp: ReturnType<typeof tamperKit>['renumberUp'];
  let forge: ReturnType<typeof tamperKit>['forge'];

  beforeAll(async () => {
    db = await createTestDatabase();
    await PostgresEventStore.migrate(db.pool);
    store = new PostgresEventStore(db.pool);
    heads = new PostgresStreamHeads(db.pool);
    ({ sql, journey, renumberUp, forge } = tamperKit(db, store));
  });
  afterAll(async () => {
    await store.close();
    await db.destroy();
  });

  it('an untouched stream verifies, with and without the heads', async () => {
    const streamId = await journey(5);
    expect(await verifyStream(store, streamId, { heads })).toEqual({
      streamId,
      events: 5,
      ok: true,
      headChecked: true,
    });
    expect((await verifyStream(store, streamId)).ok).toBe(true);
  });

  it('UPDATE of a row: changed, at that revision', async () => {
    const streamId = await journey(5);
    const [{ hash }] = (
      await sql(
        `UPDATE touchline.events SET data = jsonb_set(data, '{amount}', '1000')
          WHERE stream_id = $1 AND stream_revision = 2 RETURNING hash`,
        [streamId],
      )
    ).rows as [{ hash: Buffer }];
    const result = await verifyStream(store, streamId, { heads });
    expect(result).toMatchObject({ ok: false, events: 5 });
    expect(result.firstBroken).toMatchObject({
      revision: 2,
      reason: 'changed',
      expected: hash.toString('hex'),
    });
    expect((await verifyStream(store, streamId)).firstBroken).toMatchObject({
      revision: 2,
      reason: 'changed',
    });
  });

  it('DELETE of a row: deleted, at that revision; also with the gap closed by renumbering', async () => {
    const gap = await journey(5);
    await sql('DELETE FROM touchline.events WHERE stream_id = $1 AND stream_revision = 1', [gap]);
    expect((await verifyStream(store, gap, { heads })).firstBroken).toMatchObject({
      revision: 1,
      reason: 'deleted',
    });

    const closed = await journey(5);
    await sql('DELETE FROM touchline.events WHERE stream_id = $1 AND stream_revision = 1', [
      closed,
    ]);
    await sql(
      `UPDATE touchline.events SET stream_revision = stream_revision - 1
        WHERE stream_id = $1 AND stream_revision > 1`,
      [closed],
    );
    expect((await verifyStream(store, closed)).firstBroken).toMatchObject({
      revision: 1,
      reason: 'deleted',
    });
  });

  it('DELETE of the last row: deleted, seen through the stream head', async () => {
    const streamId = await journey(4);
    await sql('DELETE FROM touchline.events WHERE stream_id = $1 AND stream_revision = 3', [
      streamId,
    ]);
    const result = await verifyStream(store, streamId, { heads });
    expect(result.firstBroken).toMatchObject({ revision: 3, reason: 'deleted' });
    // Without the head the remaining rows are a perfect chain: the documented limit.
    expect((await verifyStream(store, streamId)).ok).toBe(true);
  });

  it('INSERT of a forged row (revisions renumbered to make room): inserted, at its revision', async () => {
    const streamId = await journey(5);
    await renumberUp(streamId, 2);
    const forgedId = await forge(streamId, 2, Buffer.alloc(32, 0xab));
    const result = await verifyStream(store, streamId, { heads });
    expect(result).toMatchObject({ events: 6, ok: false });
    expect(result.firstBroken).toMatchObject({ revision: 2, reason: 'inserted' });
    expect(result.firstBroken!.actual).toContain(forgedId);
  });

  it('INSERT of a forged row whose hash links correctly to its predecessor: still inserted', async () => {
    const streamId = await journey(5);
    const [previous] = await store.readStream(streamId, { fromRevision: 1, toRevision: 1 });
    await renumberUp(streamId, 2);
    const forgedId = await forge(streamId, 2, Buffer.alloc(32));
    const [forged] = await store.readStream(streamId, { fromRevision: 2, toRevision: 2 });
    const wellFormed = chainHash(
      Buffer.from(previous!.hash!, 'hex'),
      recordDigest(streamId, { ...forged!, occurredAt: forged!.occurredAt ?? undefined }),
      2,
      forged!.recordedAt,
    );
    await sql('UPDATE touchline.events SET hash = $2 WHERE event_id = $1', [forgedId, wellFormed]);
    expect((await verifyStream(store, streamId, { heads })).firstBroken).toMatchObject({
      revision: 2,
      reason: 'inserted',
    });
  });

  it('INSERT of a forged row after the last one: inserted, seen through the stream head', async () => {
    const streamId = await journey(3);
    await forge(streamId, 3, Buffer.alloc(32, 1));
    expect((await verifyStream(store, streamId, { heads })).firstBroken).toMatchObject({
      revision: 3,
      reason: 'inserted',
    });
  });

  it('swap of two rows’ revisions: reordered, at the lower one', async () => {
    const streamId = await journey(5);
    const swap = [
      'UPDATE touchline.events SET stream_revision = -1 WHERE stream_id = $1 AND stream_revision = 1',
      'UPDATE touchline.events SET stream_revision = 1 WHERE stream_id = $1 AND stream_revision = 2',
      'UPDATE touchline.events SET stream_revision = 2 WHERE stream_id = $1 AND stream_revision = -1',
    ];
    for (const statement of swap) await sql(statement, [streamId]);
    const result = await verifyStream(store, streamId, { heads });
    expect(result.firstBroken).toMatchObject({ revision: 1, reason: 'reordered' });
  });

  describe('verifyAll over the global log', () => {
    let fresh: TestDatabase;
    let freshStore: PostgresEventStore;

    beforeAll(async () => {
      fresh = await createTestDatabase();
      await PostgresEventStore.migrate(fresh.pool);
      freshStore = new PostgresEventStore(fresh.pool);
    });
    afterAll(async () => {
      await freshStore.close();
      await fresh.destroy();
    });

    it('names the first broken link of each broken stream, and reports progress', async () => {
      const { sql, journey, renumberUp, forge } = tamperKit(fresh, freshStore);
      const intact = await Promise.all([journey(6), journey(3), journey(1)]);
      const changed = await journey(4);
      const tail = await journey(4);
      const moved = await journey(4);
      await sql(
        `UPDATE touchline.events SET metadata = '{"source": "forger"}'
            WHERE stream_id = $1 AND stream_revision = 1`,
        [changed],
      );
      await sql('DELETE FROM touchline.events WHERE stream_id = $1 AND stream_revision = 3', [
        tail,
      ]);
      await renumberUp(moved, 0);
      await forge(moved, 0, Buffer.alloc(32, 7));

      const freshHeads = new PostgresStreamHeads(fresh.pool);
      const progress: VerifyProgress[] = [];
      const result = await verifyAll(freshStore, {
        heads: freshHeads,
        pageSize: 5,
        onProgress: (p) => progress.push(p),
      });

      expect(result).toMatchObject({ streams: 6, events: 22, ok: false });
      const byStream = Object.fromEntries(
        result.broken.map((b) => [b.streamId, b.firstBroken && { ...b.firstBroken }]),
      );
      expect(Object.keys(byStream).sort()).toEqual([changed, tail, moved].sort());
      expect(byStream[changed]).toMatchObject({ revision: 1, reason: 'changed' });
      expect(byStream[tail]).toMatchObject({ revision: 3, reason: 'deleted' });
      expect(byStream[moved]).toMatchObject({ revision: 0, reason: 'inserted' });
      for (const streamId of intact) expect(byStream[streamId]).toBeUndefined();

      expect(progress[0]).toEqual({ events: 0, total: 22 });
      expect(progress[progress.length - 1]).toEqual({ events: 22, total: 22 });
      expect(progress.length).toBeGreaterThan(4);

      // Without the heads the deleted tail is invisible; the other two still show, once the log
      // shows every event (a transaction open elsewhere on a shared cluster holds readers back).
      await waitFor(
        async () => ((await freshStore.readAll(null, 100)).events.length === 22 ? true : undefined),
        { what: 'the global log to show all 22 events' },
      );
      const blind = await verifyAll(freshStore);
      expect(blind.broken.map((b) => b.streamId).sort()).toEqual([changed, moved].sort());
    });
  });
});
