import { randomUUID } from 'node:crypto';
import { isConnectionError } from '@touchline/database';
import { EventStoreUnavailableError } from '@touchline/event-store';
import type { Pool } from 'pg';
import { inTransaction } from './transaction';
import {
  deriveKeys,
  newDataKey,
  unwrapDataKey,
  wrapDataKey,
  type DerivedKeys,
} from '../crypto/envelope';
import type { MasterKeyring } from '../crypto/master-keyring';
import { countKeys, destroyKeys } from './sql/destroyKeys';
import { readDestroyedAt } from './sql/readDestroyedAt';
import {
  insertLiveKey,
  insertLiveKeys,
  readKey,
  readKeys,
  readLiveKey,
  readLiveKeys,
  type KeyRow,
} from './sql/liveKey';
import { countLiveKeysByMaster, lockKeysToRewrap, storeRewrapped } from './sql/rewrapKeys';

export interface DataKey extends DerivedKeys {
  keyId: string;
}

export interface DataKeysOptions {
  /**
   * How long a key read from the database is used without reading it again. Bounds how long
   * another process keeps encrypting or decrypting with a key this one destroyed. Default 30 s.
   */
  cacheTtlMs?: number;
  /** Keys kept in memory at most (least recently used go first). Default 10,000. */
  cacheSize?: number;
  now?: () => number;
}

export interface RotationResult {
  activeMasterKeyId: string;
  /** Data keys re-wrapped now, by the master key that wrapped them before. */
  rewrapped: Record<string, number>;
  /** Live keys per master key after the rotation (only the active one, when it completed). */
  liveKeys: Record<string, number>;
}

type Cached = { value: DataKey | null; expires: number };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The keys live in the event store's database: when it cannot be reached, appends and reads
 * fail the way the store's own do (503 with Retry-After over HTTP), not as an internal error.
 */
async function unavailableOnOutage<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (isConnectionError(error))
      throw new EventStoreUnavailableError('Data keys unavailable', { cause: error });
    throw error;
  }
}

/**
 * The data keys of data subjects in privacy.customer_keys, unwrapped with the configured master
 * keys and cached briefly: the write path asks for a subject's key on every append, so a cache
 * hit is the common case (no query, no unwrap, no HKDF).
 */
export class DataKeys {
  private readonly bySubject = new Map<string, Cached>();
  private readonly byId = new Map<string, Cached>();
  private readonly pending = new Map<string, Promise<DataKey>>();
  private readonly pendingById = new Map<string, Promise<DataKey | null>>();
  private readonly ttl: number;
  private readonly size: number;
  private readonly now: () => number;

  constructor(
    private readonly pool: Pool,
    private readonly masters: MasterKeyring,
    options: DataKeysOptions = {},
  ) {
    this.ttl = options.cacheTtlMs ?? 30_000;
    this.size = options.cacheSize ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** The subject's live key, created on first use (one per subject even under concurrency). */
  async forSubject(subject: string): Promise<DataKey> {
    const cached = this.fresh(this.bySubject, subject);
    if (cached) return cached;
    let loading = this.pending.get(subject);
    if (!loading) {
      loading = unavailableOnOutage(this.loadOrCreate(subject)).finally(() =>
        this.pending.delete(subject),
      );
      this.pending.set(subject, loading);
    }
    return loading;
  }

  /**
   * The live keys of many subjects (a batch of touchpoints for many customers): what the cache
   * lacks is read, and what the database lacks created, in one statement each.
   */
  async forSubjects(subjects: readonly string[]): Promise<Map<string, DataKey>> {
    const found = new Map<string, DataKey>();
    const missing: string[] = [];
    for (const subject of new Set(subjects)) {
      const cached = this.fresh(this.bySubject, subject);
      if (cached) found.set(subject, cached);
      else missing.push(subject);
    }
    if (missing.length === 1) found.set(missing[0]!, await this.forSubject(missing[0]!));
    if (missing.length <= 1) return found;
    const rows = await unavailableOnOutage(
      (async () => {
        const rows = await readLiveKeys(this.pool, missing);
        const have = new Set(rows.map((r) => r.subject));
        const toCreate = missing.filter((s) => !have.has(s)).map((subject) => this.newRow(subject));
        if (toCreate.length > 0) {
          const inserted = await insertLiveKeys(this.pool, toCreate);
          rows.push(...inserted);
          // Subjects a concurrent writer gave a key first.
          const lost = toCreate
            .filter((r) => !inserted.some((i) => i.subject === r.subject))
            .map((r) => r.subject);
          if (lost.length > 0) rows.push(...(await readLiveKeys(this.pool, lost)));
        }
        return rows;
      })(),
    );
    const destroyedMeanwhile: string[] = [];
    for (const row of rows) {
      // Destroyed here while the rows were being read: these subjects go the single path, which
      // reads again (the destroy has committed by now) and creates a new key if need be.
      if (this.destroyedHere(row.key_id)) destroyedMeanwhile.push(row.subject);
      else found.set(row.subject, this.cacheLive(row));
    }
    for (const subject of destroyedMeanwhile) found.set(subject, await this.forSubject(subject));
    for (const subject of missing) {
      if (!found.has(subject))
        throw new Error(`no live data key for ${subject} after creating one`);
    }
    return found;
  }

  /** The key by id; null when it was destroyed (or never existed: both read as erased). */
  async byKeyId(keyId: string): Promise<DataKey | null> {
    const cached = this.byId.get(keyId);
    if (cached && (cached.value === null || cached.expires > this.now())) {
      this.touch(this.byId, keyId, cached);
      return cached.value;
    }
    // A page of events of one customer asks for the same key many times at once: one query.
    let loading = this.pendingById.get(keyId);
    if (!loading) {
      loading = this.loadById(keyId).finally(() => this.pendingById.delete(keyId));
      this.pendingById.set(keyId, loading);
    }
    return loading;
  }

  /**
   * byKeyId for many ids (a page of events of many customers, read by a projection): what the
   * cache lacks is read in one query, not one per customer.
   */
  async byKeyIds(keyIds: readonly string[]): Promise<Map<string, DataKey | null>> {
    const found = new Map<string, DataKey | null>();
    const waiting: Promise<void>[] = [];
    const missing: string[] = [];
    for (const keyId of new Set(keyIds)) {
      const cached = this.byId.get(keyId);
      if (cached && (cached.value === null || cached.expires > this.now())) {
        this.touch(this.byId, keyId, cached);
        found.set(keyId, cached.value);
        continue;
      }
      const loading = this.pendingById.get(keyId);
      if (loading) waiting.push(loading.then((key) => void found.set(keyId, key)));
      else missing.push(keyId);
    }
    if (missing.length === 1) {
      waiting.push(this.byKeyId(missing[0]!).then((key) => void found.set(missing[0]!, key)));
    } else if (missing.length > 1) {
      // An id that is no uuid was never created (read as erased, like byKeyId's unknown ids).
      const valid = missing.filter((id) => UUID.test(id));
      const rows = (
        valid.length > 0 ? unavailableOnOutage(readKeys(this.pool, valid)) : Promise.resolve([])
      ).then((list) => new Map(list.map((row) => [row.key_id, row])));
      for (const keyId of missing) {
        const loading = rows
          .then((byId) => this.settleLoaded(keyId, byId.get(keyId.toLowerCase())))
          .finally(() => this.pendingById.delete(keyId));
        this.pendingById.set(keyId, loading);
        waiting.push(loading.then((key) => void found.set(keyId, key)));
      }
    }
    await Promise.all(waiting);
    return found;
  }

  private async loadById(keyId: string): Promise<DataKey | null> {
    return this.settleLoaded(keyId, await unavailableOnOutage(readKey(this.pool, keyId)));
  }

  /** The key of a row just read (undefined: none), cached. */
  private settleLoaded(keyId: string, row: KeyRow | undefined): DataKey | null {
    // Destroyed here while the row was being read: it stays destroyed.
    if (this.destroyedHere(keyId)) return null;
    const key = row?.wrapped_key ? this.unwrap(row) : null;
    // A destroyed key never comes back: remember that for good (within the cache's size).
    this.remember(this.byId, keyId, key, key ? this.ttl : Number.POSITIVE_INFINITY);
    return key;
  }

  /** Destroys the subjects' live keys. Returns the ids destroyed now. */
  async destroy(subjects: readonly string[]): Promise<string[]> {
    const destroyed = await destroyKeys(this.pool, subjects);
    for (const subject of subjects) this.bySubject.delete(subject);
    for (const keyId of destroyed) this.remember(this.byId, keyId, null, Number.POSITIVE_INFINITY);
    return destroyed;
  }

  /**
   * When each of these keys was destroyed (erasure), for readers that report when personal data
   * became unreadable; live and unknown keys are left out.
   */
  destroyedAt(keyIds: readonly string[]): Promise<Map<string, Date>> {
    if (keyIds.length === 0) return Promise.resolve(new Map());
    return unavailableOnOutage(readDestroyedAt(this.pool, [...new Set(keyIds)]));
  }

  /** How many keys (live or destroyed) the subjects ever had. */
  countKeys(subjects: readonly string[]): Promise<number> {
    return countKeys(this.pool, subjects);
  }

  /**
   * Re-wraps every live data key that another master key wraps with the active one, in batches
   * (each its own transaction, rows locked, so that concurrent rotations share the work and
   * a crash loses nothing). Events are untouched: data keys do not change, only their wrapping.
   */
  async rotate(
    options: { batchSize?: number; onProgress?: (done: number) => void } = {},
  ): Promise<RotationResult> {
    const active = this.masters.activeId;
    const rewrapped: Record<string, number> = {};
    let done = 0;
    for (;;) {
      const count = await inTransaction(this.pool, async (client) => {
        const rows = await lockKeysToRewrap(client, active, options.batchSize ?? 500);
        const updates = rows.map((row) => {
          const dataKey = unwrapDataKey(
            this.masters.get(row.master_key_id!),
            row.wrapped_key!,
            row.key_id,
            row.subject,
          );
          rewrapped[row.master_key_id!] = (rewrapped[row.master_key_id!] ?? 0) + 1;
          return {
            keyId: row.key_id,
            wrapped: wrapDataKey(this.masters.active, dataKey, row.key_id, row.subject),
          };
        });
        if (updates.length > 0) await storeRewrapped(client, updates, active);
        return updates.length;
      });
      if (count === 0) break;
      done += count;
      options.onProgress?.(done);
    }
    return {
      activeMasterKeyId: active,
      rewrapped,
      liveKeys: await countLiveKeysByMaster(this.pool),
    };
  }

  private async loadOrCreate(subject: string): Promise<DataKey> {
    for (;;) {
      const row =
        (await readLiveKey(this.pool, subject)) ??
        (await insertLiveKey(this.pool, this.newRow(subject))) ??
        (await readLiveKey(this.pool, subject));
      if (!row) throw new Error(`no live data key for ${subject} after creating one`);
      // Destroyed here while the row was being read: read again. The destroy has committed, so
      // the next read finds the subject's next key or none (then one is created).
      if (!this.destroyedHere(row.key_id)) return this.cacheLive(row);
    }
  }

  /** A new data key, wrapped by the active master key; the plain key is not kept. */
  private newRow(subject: string): KeyRow {
    const keyId = randomUUID();
    return {
      key_id: keyId,
      subject,
      wrapped_key: wrapDataKey(this.masters.active, newDataKey(), keyId, subject),
      master_key_id: this.masters.activeId,
    };
  }

  /** Caches a live key just read; callers first re-read a key this process destroyed meanwhile. */
  private cacheLive(row: KeyRow): DataKey {
    // A destroyed key never comes back: its tombstone is never replaced by the key read before.
    if (this.destroyedHere(row.key_id))
      throw new Error(`data key ${row.key_id} was destroyed while it was being read`);
    const key = this.unwrap(row);
    this.remember(this.bySubject, row.subject, key, this.ttl);
    this.remember(this.byId, key.keyId, key, this.ttl);
    return key;
  }

  private unwrap(row: KeyRow): DataKey {
    const dataKey = unwrapDataKey(
      this.masters.get(row.master_key_id!),
      row.wrapped_key!,
      row.key_id,
      row.subject,
    );
    return { keyId: row.key_id, ...deriveKeys(dataKey) };
  }

  private destroyedHere(keyId: string): boolean {
    const cached = this.byId.get(keyId);
    return cached !== undefined && cached.value === null;
  }

  private fresh(cache: Map<string, Cached>, id: string): DataKey | null {
    const cached = cache.get(id);
    if (!cached?.value || cached.expires <= this.now()) return null;
    this.touch(cache, id, cached);
    return cached.value;
  }

  private touch(cache: Map<string, Cached>, id: string, entry: Cached): void {
    cache.delete(id);
    cache.set(id, entry);
  }

  private remember(
    cache: Map<string, Cached>,
    id: string,
    value: DataKey | null,
    ttl: number,
  ): void {
    cache.delete(id);
    cache.set(id, { value, expires: this.now() + ttl });
    while (cache.size > this.size) cache.delete(cache.keys().next().value!);
  }
}
