import type { ReadAllResult, RecordedEvent } from '@touchline/event-store';
import { SharedLogPages } from './shared-log-pages';

/** A log of `size` events whose checkpoints are their positions ('1', '2', …). */
function fakeStore(size: number) {
  const reads: string[] = [];
  let fail = false;
  const store = {
    reads,
    failNext: () => (fail = true),
    readAll(from: string | null, limit: number): Promise<ReadAllResult> {
      reads.push(`${from ?? '-'}:${limit}`);
      if (fail) {
        fail = false;
        return Promise.reject(new Error('read failed'));
      }
      const start = from === null ? 0 : Number(from);
      const events = Array.from(
        { length: Math.max(0, Math.min(limit, size - start)) },
        (_, i) => ({ position: String(start + i + 1) }) as RecordedEvent,
      );
      return Promise.resolve({
        events,
        checkpoint: events.length > 0 ? events[events.length - 1]!.position : from,
      });
    },
  };
  return store;
}

/** Reads the whole log the way a catching-up source does; returns the positions seen. */
async function readThrough(pages: SharedLogPages, limit: number): Promise<string[]> {
  const leave = pages.join();
  const seen: string[] = [];
  try {
    let cursor: string | null = null;
    for (;;) {
      const page = await pages.read(cursor, limit);
      seen.push(...page.events.map((e) => e.position));
      if (page.events.length < limit) return seen;
      cursor = page.checkpoint;
    }
  } finally {
    leave();
  }
}

describe('SharedLogPages', () => {
  it('reads each page once for readers catching up together, and each gets every event', async () => {
    const store = fakeStore(10);
    const pages = new SharedLogPages(store);
    const all = await Promise.all([1, 2, 3].map(() => readThrough(pages, 4)));
    for (const seen of all)
      expect(seen).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    // Three full pages shared; the short page at the head may be read by each of them.
    expect(store.reads.filter((r) => r.endsWith(':4') && !r.startsWith('8')).sort()).toEqual([
      '-:4',
      '4:4',
    ]);
    expect(pages.heldEvents).toBe(0);
  });

  it('keeps a page until every reader took it, even a reader far behind', async () => {
    const store = fakeStore(100);
    const pages = new SharedLogPages(store);
    const leaveA = pages.join();
    const leaveB = pages.join();
    await pages.read(null, 10);
    await pages.read('10', 10);
    expect(pages.heldEvents).toBe(20);
    await pages.read(null, 10);
    expect(pages.heldEvents).toBe(10);
    await pages.read('10', 10);
    expect(pages.heldEvents).toBe(0);
    expect(store.reads).toEqual(['-:10', '10:10']);
    leaveA();
    leaveB();
  });

  it('drops the oldest pages beyond maxEvents: the reader behind reads them itself', async () => {
    const store = fakeStore(100);
    const pages = new SharedLogPages(store, { maxEvents: 15 });
    const leave = [pages.join(), pages.join()];
    await pages.read(null, 10);
    await pages.read('10', 10);
    expect(pages.heldEvents).toBe(10);
    await pages.read(null, 10);
    expect(store.reads).toEqual(['-:10', '10:10', '-:10']);
    leave.forEach((l) => l());
  });

  it('keeps neither short pages (the head) nor failed reads, nor anything for a lone reader', async () => {
    const store = fakeStore(5);
    const pages = new SharedLogPages(store);
    await pages.read(null, 10);
    expect(pages.heldEvents).toBe(0);
    const leave = [pages.join(), pages.join()];
    await pages.read(null, 10);
    await pages.read(null, 10);
    expect(store.reads).toEqual(['-:10', '-:10', '-:10']);
    store.failNext();
    await expect(pages.read('5', 10)).rejects.toThrow('read failed');
    expect((await pages.read('5', 10)).events).toEqual([]);
    expect(pages.heldEvents).toBe(0);
    leave.forEach((l) => l());
  });
});
