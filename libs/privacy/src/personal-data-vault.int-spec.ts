import { randomUUID } from 'node:crypto';
import { PostgresEventStore, type EventToAppend, type RecordedEvent } from '@touchline/event-store';
import { createTestDatabase, type TestDatabase } from '@touchline/testing';
import { MasterKeyMissingError } from './crypto/master-keyring';
import { DecryptingEventStore } from './decrypting-event-store';
import { openPersonalDataVault } from './open-vault';
import { TEST_MASTER_KEYS } from './testing/test-master-keys';

const complaint = (text: string): EventToAppend => ({
  eventId: randomUUID(),
  type: 'complaint.opened',
  data: { complaintId: 'K-1', category: 'damaged-item', severity: 'low', text },
  metadata: { source: 'vault-spec', channel: 'email' },
  occurredAt: new Date('2026-03-01T10:00:00Z'),
});

describe('PersonalDataVault and DataKeys (PostgreSQL)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    await PostgresEventStore.migrate(db.pool);
    store = new PostgresEventStore(db.pool);
  });
  afterAll(async () => {
    await store?.close();
    await db?.destroy();
  });

  it('seals the catalogue personal fields and opens them again; other events pass unchanged', async () => {
    const { vault } = await openPersonalDataVault(db.pool, TEST_MASTER_KEYS);
    const stream = `customer-${randomUUID()}`;
    const event = complaint('The box was crushed');
    const sealed = await vault.seal(stream, event);
    expect(sealed.data).toEqual({ complaintId: 'K-1', category: 'damaged-item', severity: 'low' });
    expect(sealed.personal).toMatchObject({ keyId: expect.any(String) });
    const audit: EventToAppend = { ...event, eventId: randomUUID(), type: 'ops.action' };
    expect(await vault.seal(stream, audit)).toBe(audit);
    const purchase: EventToAppend = {
      ...event,
      eventId: randomUUID(),
      type: 'purchase',
      data: { orderId: 'o', amount: 5, currency: 'EUR' },
    };
    expect(await vault.seal(stream, purchase)).toBe(purchase);

    await store.appendToStream(stream, [sealed], 'no_stream');
    const [stored] = await store.readStream(stream);
    expect(JSON.stringify(stored!.data)).not.toContain('crushed');
    expect(await vault.open(stored!)).toMatchObject({
      personalData: 'decrypted',
      data: { complaintId: 'K-1', text: 'The box was crushed' },
    });
    expect(await vault.open({ ...stored!, personal: undefined })).toMatchObject({
      personalData: 'none',
    });
  });

  it('gives each subject exactly one live key, also under concurrent first use', async () => {
    const { keys } = await openPersonalDataVault(db.pool, TEST_MASTER_KEYS);
    const others = await Promise.all(
      [1, 2, 3].map(() => openPersonalDataVault(db.pool, TEST_MASTER_KEYS)),
    );
    const subject = `customer-${randomUUID()}`;
    const got = await Promise.all([
      keys.forSubject(subject),
      ...others.map((o) => o.keys.forSubject(subject)),
      ...others.map((o) => o.keys.forSubjects([subject, `customer-${randomUUID()}`])),
    ]);
    const ids = new Set(got.map((k) => (k instanceof Map ? k.get(subject)!.keyId : k.keyId)));
    expect(ids.size).toBe(1);
  });

  it('reads as erased once the key is destroyed, in this process and, after the cache TTL, in others', async () => {
    let now = 0;
    const mine = await openPersonalDataVault(db.pool, TEST_MASTER_KEYS);
    const theirs = await openPersonalDataVault(db.pool, TEST_MASTER_KEYS, {
      cacheTtlMs: 1_000,
      now: () => now,
    });
    const stream = `customer-${randomUUID()}`;
    await store.appendToStream(stream, [await mine.vault.seal(stream, complaint('x'))], 'any');
    const [stored] = await store.readStream(stream);
    expect((await theirs.vault.open(stored!)).personalData).toBe('decrypted');

    expect(await mine.keys.destroy([stream])).toHaveLength(1);
    expect(await mine.keys.destroy([stream])).toEqual([]);
    const erased = await mine.vault.open(stored!);
    expect(erased).toMatchObject({ personalData: 'erased' });
    expect(erased.data).not.toHaveProperty('text');
    // Another process may use its cached copy for at most the TTL.
    expect((await theirs.vault.open(stored!)).personalData).toBe('decrypted');
    now += 1_001;
    expect((await theirs.vault.open(stored!)).personalData).toBe('erased');
  });

  it.each([
    ['one subject (forSubject)', false],
    ['a batch of subjects (forSubjects)', true],
  ])(
    'a key destroyed here while %s was reading it stays destroyed: the subject gets a new one',
    async (_path, batch) => {
      const erased = `customer-${randomUUID()}`;
      const old = await (
        await openPersonalDataVault(db.pool, TEST_MASTER_KEYS)
      ).keys.forSubject(erased);
      const { keys } = await openPersonalDataVault(db.pool, TEST_MASTER_KEYS);

      // The first live-key read answers only once the destroy below has completed.
      let readDone!: () => void;
      const read = new Promise<void>((resolve) => (readDone = resolve));
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const query = db.pool.query.bind(db.pool) as (...args: unknown[]) => Promise<unknown>;
      let held = false;
      const spy = jest.spyOn(db.pool, 'query').mockImplementation((async (...args: unknown[]) => {
        const result = await query(...args);
        if (!held && /^\s*SELECT[\s\S]*destroyed_at IS NULL/.test(String(args[0]))) {
          held = true;
          readDone();
          await released;
        }
        return result;
      }) as never);
      try {
        const loading = batch
          ? keys.forSubjects([erased, `customer-${randomUUID()}`]).then((m) => m.get(erased)!)
          : keys.forSubject(erased);
        await read;
        expect(await keys.destroy([erased])).toEqual([old.keyId]);
        release();
        const key = await loading;
        expect(key.keyId).not.toBe(old.keyId);
        expect(await keys.byKeyId(old.keyId)).toBeNull();
        expect((await keys.forSubject(erased)).keyId).toBe(key.keyId);
      } finally {
        release();
        spy.mockRestore();
      }
    },
  );

  it('serves projections decrypted events through DecryptingEventStore, and seals its appends', async () => {
    const { vault } = await openPersonalDataVault(db.pool, TEST_MASTER_KEYS);
    const decrypting = new DecryptingEventStore(store, vault);
    const stream = `customer-${randomUUID()}`;
    const appended = await decrypting.appendToStream(stream, [complaint('loud and clear')], 'any');
    const [raw] = await store.readStream(stream);
    expect(raw!.personal).toBeDefined();
    expect(JSON.stringify(raw!.data)).not.toContain('loud');
    const [read] = await decrypting.readStream(stream);
    expect(read!.data).toMatchObject({ text: 'loud and clear' });

    const seen: RecordedEvent[] = [];
    const subscription = decrypting.subscribeToAll({}, async (events) => {
      seen.push(...events.filter((e) => e.streamId === stream));
      if (seen.length > 0) void subscription.stop();
    });
    await subscription.done;
    expect(seen[0]).toMatchObject({
      eventId: appended.events[0]!.eventId,
      data: { text: 'loud and clear' },
    });
  });

  it('opens a page of many subjects with one key query, as open does event by event', async () => {
    const writer = await openPersonalDataVault(db.pool, TEST_MASTER_KEYS);
    const streams = Array.from({ length: 6 }, () => `customer-${randomUUID()}`);
    for (const [i, stream] of streams.entries()) {
      const sealed = await writer.vault.seal(stream, complaint(`text ${i}`));
      await store.appendToStream(
        stream,
        [sealed, { ...complaint('plain'), eventId: randomUUID(), type: 'ops.action' }],
        'any',
      );
    }
    await writer.keys.destroy([streams[0]!]);
    const page = (await Promise.all(streams.map((s) => store.readStream(s)))).flat();
    const unknown = { ...page[2]!, personal: { ...page[2]!.personal!, keyId: randomUUID() } };
    const events = [...page, unknown];

    const reader = await openPersonalDataVault(db.pool, TEST_MASTER_KEYS);
    const query = jest.spyOn(db.pool, 'query');
    const opened = await reader.vault.openAll(events);
    expect(query).toHaveBeenCalledTimes(1);
    query.mockRestore();
    const oneByOne = await Promise.all(
      events.map(async (e) =>
        (await openPersonalDataVault(db.pool, TEST_MASTER_KEYS)).vault.open(e),
      ),
    );
    expect(opened).toEqual(oneByOne);
    expect(opened.map((e) => e.personalData)).toEqual([
      'erased',
      'none',
      ...streams.slice(1).flatMap(() => ['decrypted', 'none']),
      'erased',
    ]);
    expect(opened[2]!.data).toMatchObject({ text: 'text 1' });
    // Cached now: no query at all for the same page.
    const again = jest.spyOn(db.pool, 'query');
    expect(await reader.vault.openAll(events)).toEqual(opened);
    expect(again).not.toHaveBeenCalled();
    again.mockRestore();
  });

  it('rotates: re-wraps under the active master key, refuses when an old master key is missing', async () => {
    const stream = `customer-${randomUUID()}`;
    const { vault } = await openPersonalDataVault(db.pool, TEST_MASTER_KEYS);
    await store.appendToStream(stream, [await vault.seal(stream, complaint('rotate me'))], 'any');
    const [stored] = await store.readStream(stream);

    const next = {
      keys: [{ id: 'next', key: Buffer.alloc(32, 9) }, ...TEST_MASTER_KEYS.keys],
      activeId: 'next',
    };
    const rotating = await openPersonalDataVault(db.pool, next);
    const result = await rotating.keys.rotate({ batchSize: 2 });
    expect(result.activeMasterKeyId).toBe('next');
    expect(result.rewrapped['test-master']).toBeGreaterThan(0);
    expect(result.liveKeys).toEqual({ next: expect.any(Number) });

    const onlyNext = await openPersonalDataVault(db.pool, {
      keys: [next.keys[0]!],
      activeId: 'next',
    });
    expect(await onlyNext.vault.open(stored!)).toMatchObject({
      personalData: 'decrypted',
      data: { text: 'rotate me' },
    });
    // The old master key alone can no longer unwrap anything it wrapped.
    const onlyOld = await openPersonalDataVault(db.pool, TEST_MASTER_KEYS);
    await expect(onlyOld.vault.open(stored!)).rejects.toBeInstanceOf(MasterKeyMissingError);
  });
});
