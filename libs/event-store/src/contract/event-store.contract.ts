import { randomUUID } from 'node:crypto';
import type { EventStore, EventToAppend, RecordedEvent } from '../event-store.port';
import { EventIdConflictError, WrongExpectedRevisionError } from '../errors';

/**
 * The contract every event store adapter must pass. Each adapter's spec calls this with a factory
 * for a store on an empty database. Streams get unique names, so tests do not depend on each other.
 */
export function describeEventStoreContract(
  adapterName: string,
  setup: () => Promise<{ store: EventStore; teardown: () => Promise<void> }>,
): void {
  describe(`EventStore contract: ${adapterName}`, () => {
    let store: EventStore;
    let teardown: () => Promise<void>;

    beforeAll(async () => {
      ({ store, teardown } = await setup());
    });
    afterAll(async () => {
      await teardown?.();
    });

    const stream = () => `customer-${randomUUID()}`;

    /**
     * Waits until the global log shows everything up to a position: a reader may see a commit a
     * moment late (on PostgreSQL, while an older transaction anywhere in the cluster is open).
     */
    const visible = async (position: string): Promise<void> => {
      const deadline = Date.now() + 10_000;
      let checkpoint: string | null = null;
      while (store.compareCheckpoints(checkpoint, position) < 0) {
        if (Date.now() > deadline) throw new Error(`position ${position} not visible after 10 s`);
        const page = await store.readAll(checkpoint, 1000);
        if (page.events.length === 0) await new Promise((r) => setTimeout(r, 10));
        checkpoint = page.checkpoint;
      }
    };
    const event = (
      type = 'purchase',
      data: Record<string, unknown> = { amount: 10 },
    ): EventToAppend => ({
      eventId: randomUUID(),
      type,
      data: data as EventToAppend['data'],
      metadata: { source: 'contract-test' },
      occurredAt: new Date('2026-01-01T10:00:00.000Z'),
    });

    describe('appendToStream', () => {
      it('numbers a new stream from revision 0, gap-free, and reads it back as written', async () => {
        const id = stream();
        const events = [
          event('purchase', { amount: 12.5, items: [{ sku: 'a' }] }),
          event('enquiry', { text: 'hi' }),
        ];
        const result = await store.appendToStream(id, events, 'no_stream');
        expect(result.nextExpectedRevision).toBe(1);
        expect(result.events.map((e) => [e.revision, e.status])).toEqual([
          [0, 'appended'],
          [1, 'appended'],
        ]);
        const more = await store.appendToStream(id, [event()], 1);
        expect(more.events[0]!.revision).toBe(2);

        const read = await store.readStream(id);
        expect(read.map((e) => e.revision)).toEqual([0, 1, 2]);
        expect(read[0]).toMatchObject({
          streamId: id,
          eventId: events[0]!.eventId,
          type: 'purchase',
          version: 1,
          data: { amount: 12.5, items: [{ sku: 'a' }] },
          metadata: { source: 'contract-test' },
          occurredAt: new Date('2026-01-01T10:00:00.000Z'),
        });
        expect(read[0]!.recordedAt).toBeInstanceOf(Date);
        expect(read[0]!.position).toBe(result.events[0]!.position);
      });

      it('checks expectedRevision: a number, no_stream, stream_exists and any', async () => {
        const id = stream();
        await expect(store.appendToStream(id, [event()], 'stream_exists')).rejects.toBeInstanceOf(
          WrongExpectedRevisionError,
        );
        await expect(store.appendToStream(id, [event()], 0)).rejects.toMatchObject({
          code: 'wrong_expected_revision',
          actual: -1,
        });
        await store.appendToStream(id, [event()], 'no_stream');
        await expect(store.appendToStream(id, [event()], 'no_stream')).rejects.toMatchObject({
          actual: 0,
        });
        await expect(store.appendToStream(id, [event()], 5)).rejects.toMatchObject({
          name: 'WrongExpectedRevisionError',
          streamId: id,
          expected: 5,
          actual: 0,
        });
        await store.appendToStream(id, [event()], 'stream_exists');
        await store.appendToStream(id, [event()], 'any');
        await store.appendToStream(stream(), [event()], 'any');
        expect((await store.readStream(id)).map((e) => e.revision)).toEqual([0, 1, 2]);
      });

      it('writes nothing of an append that fails its check', async () => {
        const id = stream();
        await store.appendToStream(id, [event()], 'no_stream');
        await expect(store.appendToStream(id, [event(), event()], 7)).rejects.toBeInstanceOf(
          WrongExpectedRevisionError,
        );
        expect(await store.readStream(id)).toHaveLength(1);
      });

      it('is idempotent by event id: the same content returns the original positions, appends nothing', async () => {
        const id = stream();
        const events = [event(), event('survey.nps', { score: 9 })];
        const first = await store.appendToStream(id, events, 'no_stream');
        // A producer's retry: same ids, same content, and an expected revision that is stale by now.
        const again = await store.appendToStream(id, events, 'no_stream');
        expect(again.events.map((e) => e.status)).toEqual(['duplicate', 'duplicate']);
        expect(again.events.map((e) => [e.revision, e.position])).toEqual(
          first.events.map((e) => [e.revision, e.position]),
        );
        expect(await store.readStream(id)).toHaveLength(2);
        // Also when a later event followed it.
        await store.appendToStream(id, [event()], 1);
        const third = await store.appendToStream(id, [events[1]!], 'any');
        expect(third.events[0]).toMatchObject({ status: 'duplicate', revision: 1 });
        expect(await store.readStream(id)).toHaveLength(3);
      });

      it('treats an event id stored with other content, or in another stream, as a conflict', async () => {
        const id = stream();
        const original = event('purchase', { amount: 10 });
        await store.appendToStream(id, [original], 'no_stream');
        await expect(
          store.appendToStream(id, [{ ...original, data: { amount: 11 } }], 'any'),
        ).rejects.toBeInstanceOf(EventIdConflictError);
        await expect(store.appendToStream(stream(), [original], 'any')).rejects.toMatchObject({
          code: 'event_id_conflict',
          eventId: original.eventId,
        });
        expect(await store.readStream(id)).toHaveLength(1);
      });

      it('keeps a personal part as given, and compares its digest (not its ciphertext) for idempotency', async () => {
        const id = stream();
        const personal = {
          keyId: 'key-1',
          ciphertext: Buffer.from('opaque bytes one'),
          digest: Buffer.from('mac-of-plaintext'),
        };
        const original = { ...event('enquiry', { topic: 'billing' }), personal };
        const first = await store.appendToStream(id, [original], 'no_stream');
        // A retry encrypts again with a fresh IV: other ciphertext, same plaintext MAC.
        const retry = {
          ...original,
          personal: { ...personal, ciphertext: Buffer.from('opaque bytes two') },
        };
        const again = await store.appendToStream(id, [retry], 'any');
        expect(again.events[0]).toMatchObject({
          status: 'duplicate',
          position: first.events[0]!.position,
        });
        await expect(
          store.appendToStream(
            id,
            [{ ...original, personal: { ...personal, digest: Buffer.from('other plaintext') } }],
            'any',
          ),
        ).rejects.toBeInstanceOf(EventIdConflictError);
        const [read] = await store.readStream(id);
        expect(read!.data).toEqual({ topic: 'billing' });
        expect(read!.personal).toEqual({ keyId: 'key-1', ciphertext: personal.ciphertext });
        const other = stream();
        await store.appendToStream(other, [event()], 'no_stream');
        const [plain] = await store.readStream(other);
        expect(plain!.personal).toBeUndefined();
      });

      it('lets exactly one of many concurrent appends win each revision', async () => {
        const id = stream();
        await store.appendToStream(id, [event()], 'no_stream');
        const attempts = await Promise.allSettled(
          Array.from({ length: 10 }, () => store.appendToStream(id, [event()], 0)),
        );
        expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
        for (const failed of attempts.filter((a) => a.status === 'rejected')) {
          expect((failed as PromiseRejectedResult).reason).toBeInstanceOf(
            WrongExpectedRevisionError,
          );
        }
        // Retrying on conflict from the actual revision, every writer gets in, one revision each.
        await Promise.all(
          Array.from({ length: 10 }, async () => {
            const e = event();
            for (;;) {
              const head = (await store.readStream(id)).length - 1;
              try {
                return await store.appendToStream(id, [e], head);
              } catch (error) {
                if (!(error instanceof WrongExpectedRevisionError)) throw error;
              }
            }
          }),
        );
        expect((await store.readStream(id)).map((e) => e.revision)).toEqual(
          Array.from({ length: 12 }, (_, i) => i),
        );
      });

      it('rejects malformed arguments before writing', async () => {
        const id = stream();
        await expect(store.appendToStream(id, [], 'any')).rejects.toThrow(TypeError);
        await expect(
          store.appendToStream(id, [{ ...event(), eventId: 'nope' }], 'any'),
        ).rejects.toThrow(/uuid/);
        await expect(store.appendToStream(id, [event()], -4 as never)).rejects.toThrow(
          /expectedRevision/,
        );
        const twice = event();
        await expect(store.appendToStream(id, [twice, twice], 'any')).rejects.toThrow(/twice/);
        expect(await store.readStream(id)).toEqual([]);
      });
    });

    describe('appendToStreams', () => {
      it('appends to several streams in one call, results in the order given', async () => {
        const [a, b] = [stream(), stream()];
        const results = await store.appendToStreams([
          { streamId: a, events: [event(), event()], expectedRevision: 'no_stream' },
          { streamId: b, events: [event()], expectedRevision: 'any' },
        ]);
        expect(results.map((r) => [r.streamId, r.nextExpectedRevision])).toEqual([
          [a, 1],
          [b, 0],
        ]);
        expect(await store.readStream(a)).toHaveLength(2);
        expect(await store.readStream(b)).toHaveLength(1);
      });

      it('is idempotent: the same call again reports every event as a duplicate', async () => {
        const appends = [
          { streamId: stream(), events: [event()], expectedRevision: 'no_stream' as const },
          {
            streamId: stream(),
            events: [event(), event()],
            expectedRevision: 'no_stream' as const,
          },
        ];
        const first = await store.appendToStreams(appends);
        const again = await store.appendToStreams(appends);
        expect(again.flatMap((r) => r.events.map((e) => e.status))).toEqual([
          'duplicate',
          'duplicate',
          'duplicate',
        ]);
        expect(again.flatMap((r) => r.events.map((e) => e.position))).toEqual(
          first.flatMap((r) => r.events.map((e) => e.position)),
        );
      });

      it('writes nothing at all when one part fails its check, where the store is atomic', async () => {
        const [a, b] = [stream(), stream()];
        const taken = event();
        await store.appendToStream(stream(), [taken], 'no_stream');
        const failing = [
          { streamId: a, events: [event()], expectedRevision: 'no_stream' as const },
          { streamId: b, events: [event()], expectedRevision: 3 },
        ];
        await expect(store.appendToStreams(failing)).rejects.toMatchObject({
          code: 'wrong_expected_revision',
          streamId: b,
          actual: -1,
        });
        await expect(
          store.appendToStreams([
            { streamId: b, events: [event()], expectedRevision: 'any' },
            { streamId: a, events: [{ ...taken, data: { other: true } }], expectedRevision: 'any' },
          ]),
        ).rejects.toBeInstanceOf(EventIdConflictError);
        if (store.atomicMultiStreamAppends) {
          expect(await store.readStream(a)).toEqual([]);
          expect(await store.readStream(b)).toEqual([]);
        }
      });

      it('rejects an event id that appears in two parts', async () => {
        const twice = event();
        await expect(
          store.appendToStreams([
            { streamId: stream(), events: [twice], expectedRevision: 'any' },
            { streamId: stream(), events: [twice], expectedRevision: 'any' },
          ]),
        ).rejects.toThrow(/twice/);
      });
    });

    describe('readStream', () => {
      it('reads a revision range, and the stream as it stood at an instant', async () => {
        const id = stream();
        await store.appendToStream(id, [event(), event(), event()], 'no_stream');
        const recorded = (await store.readStream(id))[2]!.recordedAt;
        await new Promise((r) => setTimeout(r, 20));
        await store.appendToStream(id, [event()], 2);
        expect(
          (await store.readStream(id, { fromRevision: 1, toRevision: 2 })).map((e) => e.revision),
        ).toEqual([1, 2]);
        expect((await store.readStream(id, { asOf: recorded })).map((e) => e.revision)).toEqual([
          0, 1, 2,
        ]);
        expect(await store.readStream(id, { asOf: new Date(recorded.getTime() - 60_000) })).toEqual(
          [],
        );
        expect(await store.readStream(stream())).toEqual([]);
      });
    });

    describe('readAll and subscribeToAll', () => {
      it('reads the global log in pages; an empty page does not move the checkpoint', async () => {
        const id = stream();
        const appended = await store.appendToStream(id, [event(), event(), event()], 'no_stream');
        await visible(appended.events[2]!.position);
        const all: RecordedEvent[] = [];
        let checkpoint: string | null = null;
        for (;;) {
          const page = await store.readAll(checkpoint, 2);
          if (page.events.length === 0) {
            expect(page.checkpoint).toBe(checkpoint);
            break;
          }
          expect(store.compareCheckpoints(page.checkpoint, checkpoint)).toBeGreaterThan(0);
          all.push(...page.events);
          checkpoint = page.checkpoint;
        }
        const mine = all.filter((e) => e.streamId === id);
        expect(mine.map((e) => e.revision)).toEqual([0, 1, 2]);
        for (let i = 1; i < all.length; i++) {
          expect(store.compareCheckpoints(all[i - 1]!.position, all[i]!.position)).toBeLessThan(0);
        }
        expect(store.compareCheckpoints(null, all[0]!.position)).toBeLessThan(0);
        expect(store.compareCheckpoints(all[0]!.position, all[0]!.position)).toBe(0);
      });

      it('catches up from a checkpoint and then follows live appends, in order, once each', async () => {
        const id = stream();
        const before = await store.appendToStream(id, [event(), event()], 'no_stream');
        const seen: RecordedEvent[] = [];
        const subscription = store.subscribeToAll(
          { fromCheckpoint: before.events[0]!.position, batchSize: 3 },
          async (events) => {
            seen.push(...events.filter((e) => e.streamId === id));
          },
        );
        for (let i = 0; i < 5; i++) await store.appendToStream(id, [event()], 'any');
        const deadline = Date.now() + 10_000;
        while (seen.length < 6 && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 10));
        await subscription.stop();
        expect(seen.map((e) => e.revision)).toEqual([1, 2, 3, 4, 5, 6]);
      });

      it('stops the subscription when the handler fails', async () => {
        await store.appendToStream(stream(), [event()], 'no_stream');
        const subscription = store.subscribeToAll({}, async () => {
          throw new Error('handler failed');
        });
        await expect(subscription.done).rejects.toThrow('handler failed');
      });
    });
  });
}
