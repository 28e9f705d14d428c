import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import type { INestApplication } from '@nestjs/common';
import { openDatabase, type Database } from '@touchline/database';
import { OpsService } from '@touchline/ops';
import {
  createTestDatabase,
  describeWithPostgresServer,
  type TestDatabase,
} from '@touchline/testing';
import { touchpointExample } from '@touchline/touchpoints';
import request from 'supertest';
import { createApiApp, readModelsCaughtUp } from './support/api-app';

/**
 * GDPR erasure by crypto-shredding, end to end through the API on a real PostgreSQL server:
 * personal fields are encrypted at rest, erasure leaves no plaintext of the customer anywhere in
 * a pg_dump of the database, the other customer's data stays readable, non-personal history
 * still counts, the hash chain still verifies, and key rotation re-wraps every data key.
 */

const execFileAsync = promisify(execFile);
const INGEST = 'privacy-ingest-secret-0123456789';
const ANALYST = 'privacy-analyst-secret-012345678';
const OPS = 'privacy-ops-secret-0123456789abcd';
const API_KEYS = `shop:${INGEST}:ingest,bi:${ANALYST}:analyst,ops:${OPS}:ops`;
const MASTER_A = `mk-a:${randomBytes(32).toString('base64')}`;
const MASTER_B = `mk-b:${randomBytes(32).toString('base64')}`;

type Body = Record<string, unknown>;

/** A customer's personal values: unique strings, so that a dump can be searched for them. */
function person(label: string) {
  const tag = randomBytes(6).toString('hex');
  return {
    customerId: `c-${label}-${tag}`,
    anonymousId: `anon-${label}-${tag}`,
    email: `${label}.${tag}@example.com`,
    firstName: `${label}first${tag}`,
    phone: `+44207${parseInt(tag.slice(0, 6), 16).toString().padStart(8, '0').slice(0, 7)}`,
    complaint: `My parcel ${tag} came broken and ${label} is furious`,
    comment: `Quick refund ${tag} from the ${label} desk, thanks`,
    url: `https://shop.example.com/account?user=${label}-${tag}`,
  };
}
type Person = ReturnType<typeof person>;

const personalValues = (p: Person) => [
  p.email,
  p.firstName,
  p.phone,
  p.complaint,
  p.comment,
  p.url,
];

function journey(p: Person): Body[] {
  const at = (day: number) => `2026-03-${String(day).padStart(2, '0')}T10:00:00Z`;
  const base = (type: string, day: number, data: Body, ids: Body = { customerId: p.customerId }) =>
    ({
      ...touchpointExample(type as 'purchase'),
      eventId: randomUUID(),
      occurredAt: at(day),
      anonymousId: undefined,
      ...ids,
      data,
    }) as Body;
  return [
    base('browse', 1, { url: p.url, pageType: 'account' }, { anonymousId: p.anonymousId }),
    base('identity.linked', 2, { anonymousId: p.anonymousId }),
    base('profile.updated', 2, {
      attributes: { email: p.email, firstName: p.firstName, phone: p.phone },
    }),
    base('purchase', 3, { orderId: `o1-${p.customerId}`, amount: 120, currency: 'EUR' }),
    base('purchase', 5, { orderId: `o2-${p.customerId}`, amount: 30, currency: 'EUR' }),
    base('complaint.opened', 6, {
      complaintId: `k-${p.customerId}`,
      category: 'damaged-item',
      severity: 'medium',
      text: p.complaint,
    }),
    base('survey.nps', 8, { score: 9, comment: p.comment, surveyId: 'nps-2026-q1' }),
  ];
}

describeWithPostgresServer('privacy (crypto-shredding)', () => {
  let db: TestDatabase;
  /** The test's own connection: each app closes the pool it was given. */
  let probe: Database;
  let app: INestApplication;
  const alice = person('alice');
  const bob = person('bob');
  const aliceEvents = journey(alice);
  const bobEvents = journey(bob);

  async function startApp(masterKeys: string, database: Database): Promise<INestApplication> {
    const started = await createApiApp(
      database,
      { DATABASE_URL: db.url, TOUCHLINE_API_KEYS: API_KEYS, TOUCHLINE_MASTER_KEYS: masterKeys },
      { nestBodyParser: true, noNestLogger: true },
    );
    await started.init();
    return started;
  }

  const call = (method: 'get' | 'post', path: string, key: string | null) => {
    const req = request(app.getHttpServer())[method](path);
    return key === null ? req : req.set('Authorization', `Bearer ${key}`);
  };

  /** Every read model has applied `position`: only then does a dump show what they keep. */
  const caughtUp = (position: string) => readModelsCaughtUp(app, position);

  /** The whole test database as pg_dump writes it (data and schema, plain SQL). */
  async function dump(): Promise<string> {
    const { stdout } = await execFileAsync('pg_dump', ['--no-owner', db.url], {
      maxBuffer: 256 * 1024 * 1024,
    });
    return stdout;
  }

  /** Values found in the dump as text, or as the hex of their bytes (how bytea is dumped). */
  const foundIn = (text: string, values: string[]) =>
    values.filter((v) => text.includes(v) || text.includes(Buffer.from(v, 'utf8').toString('hex')));

  beforeAll(async () => {
    db = await createTestDatabase();
    probe = await openDatabase({ databaseUrl: db.url, poolSize: 2 });
    app = await startApp(MASTER_A, db);
  });
  afterAll(async () => {
    await app?.close();
    await probe?.close();
    await db?.destroy();
  });

  it('stores personal fields encrypted: no plaintext in the events table nor the read models', async () => {
    const res = await call('post', '/v1/touchpoints/batch', INGEST)
      .send({ touchpoints: [...aliceEvents, ...bobEvents] })
      .expect(202);
    await caughtUp(res.body.results.at(-1).position);
    const timeline = await call('get', `/v1/customers/${alice.customerId}/timeline`, ANALYST);
    expect(timeline.status).toBe(200);
    expect(JSON.stringify(timeline.body)).toContain('complaint.opened');

    const { rows } = await probe.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM touchline.events WHERE personal IS NOT NULL`,
    );
    // browse, profile, complaint and survey of each: the purchases here have no personal field.
    expect(Number(rows[0]!.n)).toBe(8);
    expect(foundIn(await dump(), [...personalValues(alice), ...personalValues(bob)])).toEqual([]);

    const profile = await call('get', `/v1/customers/${alice.customerId}`, ANALYST).expect(200);
    expect(profile.body.attributes).toEqual({
      email: '[personal]',
      firstName: '[personal]',
      phone: '[personal]',
    });
  });

  it('dedupes a retry with the same personal data and refuses other personal data under the same id', async () => {
    const profile = aliceEvents[2]!;
    const again = await call('post', '/v1/touchpoints', INGEST).send(profile).expect(202);
    expect(again.body.status).toBe('duplicate');
    const changed = {
      ...profile,
      data: { attributes: { email: 'someone.else@example.com', firstName: alice.firstName } },
    };
    await call('post', '/v1/touchpoints', INGEST).send(changed).expect(409);
  });

  it('exports the customer decrypted, to ops keys only, and audits it without personal data', async () => {
    await call('get', `/v1/ops/customers/${alice.customerId}/export`, null).expect(401);
    await call('get', `/v1/ops/customers/${alice.customerId}/export`, ANALYST).expect(403);
    await call('get', `/v1/ops/customers/${alice.customerId}/export`, INGEST).expect(403);
    await call('get', `/v1/ops/customers/c-nobody-${randomUUID()}/export`, OPS).expect(404);
    const res = await call('get', `/v1/ops/customers/${alice.customerId}/export`, OPS).expect(200);
    const text = JSON.stringify(res.body);
    expect(foundIn(text, personalValues(alice))).toEqual(personalValues(alice));
    expect(foundIn(text, personalValues(bob))).toEqual([]);
    const profile = res.body.events.find((e: Body) => e.type === 'profile.updated');
    expect(profile).toMatchObject({
      personalData: 'decrypted',
      data: { attributes: { email: alice.email, phone: alice.phone } },
    });
    // The linked anonymous visitor's browsing is part of the journey.
    expect(res.body.events.map((e: Body) => e.type)).toContain('browse');
  });

  it('erases a customer: keys destroyed, no plaintext of theirs left in the database', async () => {
    const path = `/v1/ops/customers/${alice.customerId}/erase`;
    const body = { reason: 'gdpr-request', requestId: `DSR-${alice.customerId}` };
    await call('post', path, null).send(body).expect(401);
    await call('post', path, ANALYST).send(body).expect(403);
    await call('post', path, INGEST).send(body).expect(403);
    await call('post', path, OPS).send({ reason: 'she asked us in a long email' }).expect(400);
    await call('post', path, OPS).send({ reason: 'gdpr-request', extra: 1 }).expect(400);
    await call('post', `/v1/ops/customers/c-nobody-${randomUUID()}/erase`, OPS)
      .send(body)
      .expect(404);

    const erased = await call('post', path, OPS).send(body).expect(200);
    expect(erased.body).toMatchObject({
      customerId: alice.customerId,
      keysDestroyed: 2, // the customer's stream and the linked anonymous visitor's
      erasedEvent: { status: 'appended' },
    });
    expect(erased.body.streams.sort()).toEqual(
      [`anonymous-${alice.anonymousId}`, `customer-${alice.customerId}`].sort(),
    );
    // A retried request is recorded once; the same request id with other details is a conflict.
    const retried = await call('post', path, OPS).send(body).expect(200);
    expect(retried.body).toMatchObject({ keysDestroyed: 0, erasedEvent: { status: 'duplicate' } });
    await call('post', path, OPS)
      .send({ ...body, reason: 'retention-policy' })
      .expect(409);

    await caughtUp(erased.body.erasedEvent.position);
    const profile = await call('get', `/v1/customers/${alice.customerId}`, ANALYST).expect(200);
    expect(profile.body.attributes).toEqual({});
    expect(profile.body.erasedAt).not.toBeNull();

    const text = await dump();
    expect(foundIn(text, personalValues(alice))).toEqual([]);
    expect(foundIn(text, personalValues(bob))).toEqual([]);
    const { rows } = await probe.pool.query(
      `SELECT subject, wrapped_key, master_key_id, destroyed_at FROM privacy.customer_keys
        WHERE subject = ANY($1::text[])`,
      [[`customer-${alice.customerId}`, `anonymous-${alice.anonymousId}`]],
    );
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toMatchObject({ wrapped_key: null, master_key_id: null });
      expect(row.destroyed_at).toBeInstanceOf(Date);
    }
  });

  it('after erasure: replay shows the fields as erased, the chain verifies, history still counts', async () => {
    const replay = await call('get', `/v1/ops/customers/${alice.customerId}/journey`, OPS).expect(
      200,
    );
    expect(replay.body.integrity.ok).toBe(true);
    const byType = (type: string) => replay.body.events.find((e: Body) => e.type === type);
    expect(byType('profile.updated')).toMatchObject({ personalData: 'erased', data: {} });
    expect(byType('complaint.opened').personalData).toBe('erased');
    expect(byType('complaint.opened').data).not.toHaveProperty('text');
    expect(byType('purchase')).toMatchObject({ personalData: 'none', data: { amount: 120 } });
    expect(byType('customer.erased')).toMatchObject({
      data: { reason: 'gdpr-request', requestId: `DSR-${alice.customerId}` },
    });
    expect(foundIn(JSON.stringify(replay.body), personalValues(alice))).toEqual([]);

    const verified = await call('get', `/v1/ops/verify/${alice.customerId}`, OPS).expect(200);
    expect(verified.body.ok).toBe(true);

    const profile = await call('get', `/v1/customers/${alice.customerId}`, ANALYST).expect(200);
    expect(profile.body).toMatchObject({ orders: 2, grossSpend: 150 });
    expect(profile.body.lastSurveys.nps).toMatchObject({ score: 9 });
    const nps = await call(
      'get',
      '/v1/analytics/nps?interval=month&from=2026-03-01&to=2026-03-31',
      ANALYST,
    ).expect(200);
    expect(sumOf(nps.body, 'promoters')).toBe(2); // alice's answer still counts

    const exported = await call('get', `/v1/ops/customers/${alice.customerId}/export`, OPS).expect(
      200,
    );
    expect(exported.body.erasedEvents).toBe(4);
    expect(foundIn(JSON.stringify(exported.body), personalValues(alice))).toEqual([]);
    // The other customer's data is untouched and still decrypts.
    const bobs = await call('get', `/v1/ops/customers/${bob.customerId}/export`, OPS).expect(200);
    expect(foundIn(JSON.stringify(bobs.body), personalValues(bob))).toEqual(personalValues(bob));
    expect(bobs.body.erasedEvents).toBe(0);
  });

  it('audits erasure and export with who, what and outcome, and no personal data', async () => {
    const audit = await call('get', '/v1/ops/audit?limit=100', OPS).expect(200);
    const entries = audit.body.entries as Body[];
    expect(entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'customer.erase',
          target: alice.customerId,
          outcome: 'succeeded',
          actor: { kind: 'api_key', id: 'ops' },
        }),
        expect.objectContaining({ action: 'customer.export', target: bob.customerId }),
        expect.objectContaining({ action: 'customer.erase', outcome: 'not_found' }),
      ]),
    );
    const text = JSON.stringify(entries);
    expect(foundIn(text, [...personalValues(alice), ...personalValues(bob)])).toEqual([]);
  });

  it('rotates the master key: data keys re-wrapped, events untouched, data still decrypts', async () => {
    const before = await probe.pool.query<{ wrapped_key: Buffer }>(
      `SELECT wrapped_key FROM privacy.customer_keys WHERE destroyed_at IS NULL`,
    );
    expect(before.rows.length).toBe(2); // bob's customer and anonymous streams
    const eventsBefore = await probe.pool.query(
      `SELECT event_id, personal, hash FROM touchline.events ORDER BY global_position`,
    );
    await app.close();

    // mk-b first: the active key; mk-a still configured to unwrap what it wrapped.
    app = await startApp(`${MASTER_B},${MASTER_A}`, await openDatabase({ databaseUrl: db.url }));
    const result = await app.get(OpsService).rotateKeys({ kind: 'cli_user', id: 'privacy-e2e' });
    expect(result).toEqual({
      activeMasterKeyId: 'mk-b',
      rewrapped: { 'mk-a': 2 },
      liveKeys: { 'mk-b': 2 },
    });
    const again = await app.get(OpsService).rotateKeys({ kind: 'cli_user', id: 'privacy-e2e' });
    expect(again.rewrapped).toEqual({});

    const text = await dump();
    for (const row of before.rows) expect(text).not.toContain(row.wrapped_key.toString('hex'));
    const { rows } = await probe.pool.query(
      `SELECT count(*)::int AS n FROM privacy.customer_keys WHERE master_key_id = 'mk-a'`,
    );
    expect(rows[0].n).toBe(0);
    const eventsAfter = await probe.pool.query(
      `SELECT event_id, personal, hash FROM touchline.events ORDER BY global_position`,
    );
    expect(eventsAfter.rows.slice(0, eventsBefore.rows.length)).toEqual(eventsBefore.rows);
    await app.close();

    // The old master key can go now.
    app = await startApp(MASTER_B, await openDatabase({ databaseUrl: db.url }));
    const bobs = await call('get', `/v1/ops/customers/${bob.customerId}/export`, OPS).expect(200);
    expect(foundIn(JSON.stringify(bobs.body), personalValues(bob))).toEqual(personalValues(bob));
  });

  it('gives a customer who comes back after erasure a new key', async () => {
    const [, , profile] = journey(alice);
    const res = await call('post', '/v1/touchpoints', INGEST).send(profile!).expect(202);
    expect(res.body.status).toBe('appended');
    const exported = await call('get', `/v1/ops/customers/${alice.customerId}/export`, OPS).expect(
      200,
    );
    const profiles = exported.body.events.filter((e: Body) => e.type === 'profile.updated');
    expect(profiles.map((e: Body) => e.personalData)).toEqual(['erased', 'decrypted']);
  });
});

/** The sum of every numeric `field` anywhere in a JSON value. */
function sumOf(value: unknown, field: string): number {
  if (Array.isArray(value)) return value.reduce((s: number, v) => s + sumOf(v, field), 0);
  if (value === null || typeof value !== 'object') return 0;
  return Object.entries(value).reduce(
    (s, [k, v]) => s + (k === field && typeof v === 'number' ? v : sumOf(v, field)),
    0,
  );
}
