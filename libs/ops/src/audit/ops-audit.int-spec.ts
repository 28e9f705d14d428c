import { PostgresEventStore } from '@touchline/event-store';
import { createTestDatabase, type TestDatabase } from '@touchline/testing';
import { PostgresStreamHeads } from '../verify-chain/postgres-stream-heads.adapter';
import { verifyStream } from '../verify-chain/verify-stream';
import { listAudit, OPS_AUDIT_STREAM, recordOpsAction } from './ops-audit';

describe('ops audit trail', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    await PostgresEventStore.migrate(db.pool);
    store = new PostgresEventStore(db.pool);
  });
  afterAll(async () => {
    await store.close();
    await db.destroy();
  });

  it('appends who, what, target, when and outcome, and lists newest first in pages', async () => {
    expect(await listAudit(store)).toEqual({ entries: [], nextBefore: null });
    const startedAt = new Date('2026-03-01T12:00:00.000Z');
    for (let i = 0; i < 7; i++) {
      await recordOpsAction(store, {
        actor:
          i % 2 ? { kind: 'cli_user', id: 'alice', host: 'ops-1' } : { kind: 'api_key', id: 'ops' },
        action: 'chain.verify',
        target: `c-${i}`,
        outcome: i === 3 ? 'failed' : 'succeeded',
        detail: { i },
        startedAt,
        durationMs: i,
      });
    }

    // Both ways of finding the end of the stream: the store's heads, and probing through the port.
    for (const heads of [new PostgresStreamHeads(db.pool), null]) {
      const first = await listAudit(store, { limit: 3, heads });
      expect(first.entries.map((e) => e.target)).toEqual(['c-6', 'c-5', 'c-4']);
      expect(first.nextBefore).toBe(4);
      const second = await listAudit(store, { limit: 3, before: first.nextBefore!, heads });
      expect(second.entries.map((e) => e.target)).toEqual(['c-3', 'c-2', 'c-1']);
      const third = await listAudit(store, { limit: 3, before: second.nextBefore!, heads });
      expect(third).toMatchObject({ entries: [{ target: 'c-0' }], nextBefore: null });
    }

    const [latest] = (await listAudit(store, { limit: 1 })).entries;
    expect(latest).toEqual({
      revision: 6,
      eventId: expect.any(String),
      recordedAt: expect.any(Date),
      startedAt,
      durationMs: 6,
      actor: { kind: 'api_key', id: 'ops' },
      action: 'chain.verify',
      target: 'c-6',
      outcome: 'succeeded',
      detail: { i: 6 },
    });
    expect((await listAudit(store, { before: 4, limit: 1 })).entries[0]).toMatchObject({
      actor: { kind: 'cli_user', id: 'alice', host: 'ops-1' },
      outcome: 'failed',
    });
    // The trail is chained like every stream.
    expect((await verifyStream(store, OPS_AUDIT_STREAM)).ok).toBe(true);
  });
});
