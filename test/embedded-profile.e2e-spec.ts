import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '@touchline/database';
import { PostgresEventStore, type EventToAppend } from '@touchline/event-store';
import { startService } from './support/service-process';

/**
 * The embedded profile is what a newcomer runs first: no DATABASE_URL, PostgreSQL in-process
 * (PGlite) with its data in a local folder. It must start, keep what it wrote, and restart on it.
 */
describe('embedded profile', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'touchline-embedded-'));
  });
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('appends, reads back, and finds the same events after a restart on the same data folder', async () => {
    const streamId = `customer-${randomUUID()}`;
    const events: EventToAppend[] = [
      {
        eventId: randomUUID(),
        type: 'purchase',
        data: { orderId: 'o-1', amount: 42.5, currency: 'EUR' },
      },
      { eventId: randomUUID(), type: 'survey.nps', data: { score: 9 } },
    ];

    let db = await openDatabase({ dataDir });
    expect(db.kind).toBe('embedded');
    await PostgresEventStore.migrate(db.pool);
    let store = new PostgresEventStore(db.pool);
    await store.appendToStream(streamId, events, 'no_stream');
    const before = await store.readStream(streamId);
    await store.close();
    await db.close();

    db = await openDatabase({ dataDir });
    await PostgresEventStore.migrate(db.pool); // applied already: a no-op
    store = new PostgresEventStore(db.pool);
    const after = await store.readStream(streamId);
    expect(after).toEqual(before);
    expect(after.map((e) => [e.revision, e.type, e.data])).toEqual([
      [0, 'purchase', { orderId: 'o-1', amount: 42.5, currency: 'EUR' }],
      [1, 'survey.nps', { score: 9 }],
    ]);
    const next = await store.appendToStream(
      streamId,
      [{ eventId: randomUUID(), type: 'browse', data: {} }],
      1,
    );
    expect(next.events[0]!.revision).toBe(2);
    // Idempotency survives the restart too.
    const retry = await store.appendToStream(streamId, [events[0]!], 'any');
    expect(retry.events[0]!.status).toBe('duplicate');
    await store.close();
    await db.close();
  });

  it('`npm start` serves on the embedded default, stops cleanly on SIGTERM, and restarts on its data', async () => {
    const env = { TOUCHLINE_DATA_DIR: dataDir, LOG_LEVEL: 'info' };
    const first = await startService(env);
    const ready = await fetch(`${first.baseUrl}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up', kind: 'embedded' } },
    });
    expect(await first.stop('SIGTERM')).toBe(0);
    expect(first.output()).toMatch(/SIGTERM received, shutting down/);

    const second = await startService(env);
    expect((await fetch(`${second.baseUrl}/health/live`)).status).toBe(200);
    expect(await second.stop('SIGTERM')).toBe(0);
  }, 240_000);

  it('refuses to start with a clear message for each wrong setting', async () => {
    await expect(
      startService({ TOUCHLINE_DATA_DIR: dataDir, PORT: 'abc', KAFKA_BROKERS: 'x' }, 60_000),
    ).rejects.toThrow(/exited \(78\)[\s\S]*PORT must be an integer[\s\S]*KAFKA_BROKERS must be/);
  }, 120_000);
});
