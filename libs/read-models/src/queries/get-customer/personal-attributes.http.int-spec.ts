import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { AuthModule } from '@touchline/auth';
import { ConfigModule, loadConfig } from '@touchline/config';
import { DATABASE, DatabaseModule } from '@touchline/database';
import {
  EVENT_STORE,
  EventStoreModule,
  type EventStore,
  type JsonObject,
} from '@touchline/event-store';
import { eraseCustomer, linkedStreams, OPS_AUDIT_STREAM } from '@touchline/ops';
import {
  DataKeys,
  DecryptingEventStore,
  PersonalDataVault,
  TEST_MASTER_KEYS_ENV,
} from '@touchline/privacy';
import { ProjectionEngine } from '@touchline/projections';
import { createTestDatabase, type TestDatabase } from '@touchline/testing';
import { toEventToAppend, type JourneyEvent } from '@touchline/touchpoints';
import request from 'supertest';
import { READ_MODEL_PROJECTIONS } from '../../projections/read-model-projections';
import { ReadModelsModule } from '../../read-models.module';
import { append, purchase, touchpoint } from '../../testing/touchpoints';
import { ERASED_VALUE } from './personal-attributes';

const ANALYST = 'analyst-secret-0123456789abcdef';
const AGENT = 'agent-secret-0123456789abcdefgh';
const ADMIN = 'admin-secret-0123456789abcdefgh';

const id = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

const profileUpdated = (
  who: { customerId: string } | { anonymousId: string },
  at: string,
  attributes: JsonObject,
): JourneyEvent => touchpoint({ type: 'profile.updated', ...who, at, data: { attributes } });

/** GET /v1/customers/{id}?personal=true: decrypted attributes for keys with the personal scope, audited. */
describe('customer profile with personal data (PostgreSQL)', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let raw: EventStore;
  /** Seals personal fields as ingestion does. */
  let store: EventStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = loadConfig({
      TOUCHLINE_API_KEYS: [
        `analyst:${ANALYST}:analyst`,
        `agent:${AGENT}:analyst+personal`,
        `root:${ADMIN}:admin`,
      ].join(','),
      TOUCHLINE_RFM_INTERVAL: '0',
      TOUCHLINE_CHURN_REFIT_INTERVAL: '0',
      TOUCHLINE_MASTER_KEYS: TEST_MASTER_KEYS_ENV,
      LOG_LEVEL: 'silent',
    });
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(config),
        AuthModule,
        DatabaseModule,
        EventStoreModule,
        ReadModelsModule,
      ],
    })
      .overrideProvider(DATABASE)
      .useValue(db)
      .compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    raw = app.get<EventStore>(EVENT_STORE);
    store = new DecryptingEventStore(raw, app.get(PersonalDataVault));
  });
  afterAll(async () => {
    await app?.close();
    await db?.destroy();
  });

  const get = (path: string, secret: string) =>
    request(app.getHttpServer()).get(path).set('Authorization', `Bearer ${secret}`);

  /** Waits until every read model has applied the position. */
  async function projected(position: string): Promise<void> {
    const reached = await app.get(ProjectionEngine).waitForPosition(
      READ_MODEL_PROJECTIONS.map((p) => p.name),
      position,
      30_000,
    );
    expect(reached.reached).toBe(true);
  }

  async function auditEntries(target: string): Promise<JsonObject[]> {
    const events = await raw.readStream(OPS_AUDIT_STREAM);
    return events
      .map((e) => e.data)
      .filter((d) => d.action === 'customer.personal.read' && d.target === target);
  }

  it('masks for analysts; decrypts for a key with the personal scope, by the profile merge rule, and audits it', async () => {
    const c = id('c');
    await projected(
      await append(store, [
        profileUpdated({ customerId: c }, '2026-01-02T10:00:00.000Z', {
          email: 'ana@example.com',
          firstName: 'Ana',
          city: 'Porto',
        }),
        purchase(c, '2026-01-03T10:00:00.000Z', 25),
        profileUpdated({ customerId: c }, '2026-01-04T10:00:00.000Z', {
          email: 'ana.silva@example.com',
          city: null,
        }),
      ]),
    );
    // Nothing personal in clear in the store.
    expect(JSON.stringify(await raw.readStream(`customer-${c}`))).not.toContain('ana');

    const masked = await get(`/v1/customers/${c}`, ANALYST).expect(200);
    expect(masked.body).toMatchObject({
      personalData: 'masked',
      attributes: { email: '[personal]', firstName: '[personal]' },
      orders: 1,
    });
    expect(await auditEntries(c)).toEqual([]);

    const personal = await get(`/v1/customers/${c}?personal=true`, AGENT).expect(200);
    expect(personal.headers['cache-control']).toBe('no-store');
    expect(personal.body).toMatchObject({
      customerId: c,
      personalData: 'decrypted',
      attributes: { email: 'ana.silva@example.com', firstName: 'Ana' },
      erasedAt: null,
      orders: 1,
    });
    expect(Object.keys(personal.body.attributes).sort()).toEqual(['email', 'firstName']);
    // admin has every scope; personal=false is the masked profile.
    await get(`/v1/customers/${c}?personal=true`, ADMIN).expect(200);
    const notPersonal = await get(`/v1/customers/${c}?personal=false`, AGENT).expect(200);
    expect(notPersonal.body.attributes).toEqual(masked.body.attributes);

    const entries = await auditEntries(c);
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      actor: { kind: 'api_key', id: 'agent' },
      action: 'customer.personal.read',
      target: c,
      outcome: 'succeeded',
      startedAt: expect.any(String),
      detail: { streams: 1, decryptedAttributes: 2, erasedAttributes: 0 },
    });
    expect(entries[1]).toMatchObject({ actor: { id: 'root' }, outcome: 'succeeded' });
    const auditText = JSON.stringify(await raw.readStream(OPS_AUDIT_STREAM));
    for (const value of ['ana.silva@example.com', 'ana@example.com', 'Ana', 'Porto'])
      expect(auditText).not.toContain(value);
  });

  it('refuses personal=true without the personal scope (403, audited) and a flag that is not a boolean (400)', async () => {
    const c = id('c');
    await projected(
      await append(store, [
        profileUpdated({ customerId: c }, '2026-01-02T10:00:00.000Z', { email: 'x@example.com' }),
      ]),
    );
    const refused = await get(`/v1/customers/${c}?personal=true`, ANALYST).expect(403);
    expect(refused.body.message).toBe(
      'API key "analyst" lacks the "personal" scope: personal=true answers decrypted personal ' +
        'data (docs/privacy.md); without it the attributes are masked',
    );
    expect(JSON.stringify(refused.body)).not.toContain('x@example.com');
    expect(await auditEntries(c)).toEqual([
      expect.objectContaining({ actor: { kind: 'api_key', id: 'analyst' }, outcome: 'refused' }),
    ]);

    const bad = await get(`/v1/customers/${c}?personal=yes`, AGENT).expect(400);
    expect(bad.body.message).toBe('personal must be true or false');
    expect(await auditEntries(c)).toHaveLength(1);

    // Unknown customers: 404, and the attempt is on the record.
    const unknown = id('nobody');
    await get(`/v1/customers/${unknown}?personal=true`, AGENT).expect(404);
    expect(await auditEntries(unknown)).toEqual([
      expect.objectContaining({ outcome: 'not_found' }),
    ]);
  });

  it('follows identity: a linked visitor and a merged duplicate count; a duplicate redirects keeping the flag', async () => {
    const s = id('s');
    const m = id('m');
    const a = id('a');
    await append(store, [
      profileUpdated({ anonymousId: a }, '2026-02-01T10:00:00.000Z', { favouriteShop: 'Lisboa' }),
      profileUpdated({ customerId: m }, '2026-02-02T10:00:00.000Z', {
        phone: '+351910000001',
        firstName: 'Rui',
      }),
      profileUpdated({ customerId: s }, '2026-02-03T10:00:00.000Z', { firstName: 'Rui Pedro' }),
      touchpoint({
        type: 'identity.linked',
        customerId: s,
        at: '2026-02-04T10:00:00.000Z',
        data: { anonymousId: a },
      }),
    ]);
    const merged = await store.appendToStreams(
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
    await projected(merged[1]!.events[0]!.position);

    const survivor = await get(`/v1/customers/${s}?personal=true`, AGENT).expect(200);
    expect(survivor.body).toMatchObject({
      personalData: 'decrypted',
      ids: { mergedIds: [m], anonymousIds: [a] },
      // In log order: m's firstName, then s's.
      attributes: { favouriteShop: 'Lisboa', phone: '+351910000001', firstName: 'Rui Pedro' },
    });
    expect(await auditEntries(s)).toEqual([
      expect.objectContaining({
        detail: { streams: 3, decryptedAttributes: 3, erasedAttributes: 0 },
      }),
    ]);

    const moved = await get(`/v1/customers/${m}?personal=true`, AGENT).expect(307);
    expect(moved.headers.location).toBe(`/v1/customers/${s}?personal=true`);
    expect(JSON.stringify(moved.body)).not.toContain('Rui');
    // Nothing was decrypted for the redirect, and the request is on the record.
    expect(await auditEntries(m)).toEqual([
      expect.objectContaining({
        actor: { kind: 'api_key', id: 'agent' },
        outcome: 'succeeded',
        detail: { redirectedTo: s, decryptedAttributes: 0 },
      }),
    ]);
  });

  it('after an erasure the values are gone for good; an interrupted erasure shows them as erased', async () => {
    const c = id('c');
    await projected(
      await append(store, [
        profileUpdated({ customerId: c }, '2026-03-01T10:00:00.000Z', {
          email: 'gone@example.com',
          firstName: 'Inês',
        }),
      ]),
    );
    const keys = app.get(DataKeys);
    const erasure = await eraseCustomer(raw, keys, linkedStreams(raw), c, {
      reason: 'gdpr-request',
      requestId: `DSR-${c}`,
    });
    expect(erasure).not.toBeNull();
    await projected(erasure!.erasedEvent.position);

    const erased = await get(`/v1/customers/${c}?personal=true`, AGENT).expect(200);
    expect(erased.body).toMatchObject({
      personalData: 'decrypted',
      attributes: {},
      erasedAt: expect.any(String),
    });
    expect(JSON.stringify(erased.body)).not.toMatch(/gone@example\.com|Inês/);

    // Back after the erasure: a new key, new values readable again.
    await projected(
      await append(store, [
        profileUpdated({ customerId: c }, '2026-04-01T10:00:00.000Z', { firstName: 'Inês M.' }),
      ]),
    );
    const back = await get(`/v1/customers/${c}?personal=true`, AGENT).expect(200);
    expect(back.body.attributes).toEqual({ firstName: 'Inês M.' });

    // Keys destroyed but customer.erased not recorded yet (an erasure interrupted before its
    // append, to be retried): the read model still lists the attributes; their values are erased.
    const d = id('d');
    await projected(
      await append(store, [
        profileUpdated({ customerId: d }, '2026-03-01T10:00:00.000Z', { email: 'd@example.com' }),
      ]),
    );
    const before = Date.now();
    expect(await keys.destroy([`customer-${d}`])).toHaveLength(1);
    const interrupted = await get(`/v1/customers/${d}?personal=true`, AGENT).expect(200);
    expect(interrupted.body).toMatchObject({
      personalData: 'decrypted',
      attributes: { email: ERASED_VALUE },
    });
    expect(new Date(interrupted.body.erasedAt).getTime()).toBeGreaterThanOrEqual(before - 1_000);
    expect(await auditEntries(d)).toEqual([
      expect.objectContaining({
        detail: { streams: 1, decryptedAttributes: 0, erasedAttributes: 1 },
      }),
    ]);
  });

  it('documents the personal parameter in OpenAPI', () => {
    const document = SwaggerModule.createDocument(app, new DocumentBuilder().build());
    const operation = document.paths['/v1/customers/{id}']!.get!;
    expect(operation.parameters).toContainEqual(
      expect.objectContaining({
        name: 'personal',
        in: 'query',
        required: false,
        schema: expect.objectContaining({ type: 'boolean' }),
      }),
    );
    expect(Object.keys(operation.responses)).toEqual(
      expect.arrayContaining(['200', '307', '400', '403', '404']),
    );
    expect(operation.responses['403']).toMatchObject({
      description: expect.stringContaining('personal scope'),
    });
  });
});
