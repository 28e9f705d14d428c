import { randomBytes, randomUUID } from 'node:crypto';
import { createTestDatabase, waitFor, type TestDatabase } from '@touchline/testing';
import { touchpointExample } from '@touchline/touchpoints';
import { MIN_POSITION_HEADER } from '@touchline/read-models';
import type { ServiceProcess } from './support/service-process';
import { startServiceFromSource } from './support/source-service';

/**
 * Logs are for operators and must carry no personal data. The service runs as its own process at
 * LOG_LEVEL=debug; touchpoints full of personal data go in (accepted, refused, conflicting), the
 * profile holding them is read back, and the process's whole output is searched for every one
 * of those values. It must also be structured: JSON lines, each request with its id and
 * correlation id.
 */
jest.setTimeout(300_000);

const INGEST = `ingest-${randomBytes(12).toString('hex')}`;
const ANALYST = `analyst-${randomBytes(12).toString('hex')}`;

const PERSONAL = {
  firstName: 'Zdenka',
  lastName: 'Vrabcová-Quintanilla',
  email: 'zdenka.vrabcova.q@example.org',
  phone: '+420777123987',
  street: 'Krátká 77',
  enquiry: 'My neighbour Ottokar Blumenfeld says the kettle leaks',
  complaint: 'Please call me on my private number about parcel 991-ZQX',
  comment: 'Lovely service from Marisol at the Brno counter',
};

describe('logs', () => {
  let db: TestDatabase;
  let service: ServiceProcess;

  beforeAll(async () => {
    db = await createTestDatabase();
    service = await startServiceFromSource({
      DATABASE_URL: db.url,
      TOUCHLINE_API_KEYS: `producer:${INGEST}:ingest,analyst:${ANALYST}:analyst`,
      TOUCHLINE_MASTER_KEYS: `mk-test:${randomBytes(32).toString('base64')}`,
      LOG_LEVEL: 'debug',
    });
  });
  afterAll(async () => {
    await service?.stop();
    await db?.destroy();
  });

  const send = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${service.baseUrl}${path}`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${INGEST}`,
        'Content-Type': 'application/json',
        ...headers,
      },
      body: JSON.stringify(body),
    });

  it('prints where the API docs and the dashboard are on start', () => {
    expect(service.output()).toMatch(/API docs at http:\/\/localhost:\d+\/docs/);
    expect(service.output()).toMatch(/dashboard at http:\/\/localhost:\d+\/dashboard/);
  });

  it('logs JSON lines with request and correlation ids, and no personal data', async () => {
    const customerId = `c-${randomUUID()}`;
    const profile = {
      ...touchpointExample('profile.updated'),
      eventId: randomUUID(),
      customerId,
      occurredAt: new Date(Date.now() - 60_000).toISOString(),
      data: {
        attributes: {
          firstName: PERSONAL.firstName,
          lastName: PERSONAL.lastName,
          email: PERSONAL.email,
          phone: PERSONAL.phone,
          address: { line1: PERSONAL.street, city: 'Brno', postalCode: '602 00', country: 'CZ' },
        },
      },
    };
    const enquiry = {
      ...touchpointExample('enquiry'),
      eventId: randomUUID(),
      customerId,
      anonymousId: undefined,
      occurredAt: new Date(Date.now() - 50_000).toISOString(),
      data: { enquiryId: 'CHAT-1', topic: 'product', text: PERSONAL.enquiry },
    };
    const complaint = {
      ...touchpointExample('complaint.opened'),
      eventId: randomUUID(),
      customerId,
      occurredAt: new Date(Date.now() - 40_000).toISOString(),
      data: {
        complaintId: 'CMP-1',
        category: 'damaged-item',
        severity: 'high',
        text: PERSONAL.complaint,
      },
    };
    const survey = {
      ...touchpointExample('survey.nps'),
      eventId: randomUUID(),
      customerId,
      occurredAt: new Date(Date.now() - 30_000).toISOString(),
      data: { score: 10, comment: PERSONAL.comment },
    };

    const accepted = await send('/v1/touchpoints', profile, { 'X-Correlation-Id': 'corr-h5-1' });
    expect(accepted.status).toBe(202);
    const batch = await send(
      '/v1/touchpoints/batch',
      { touchpoints: [enquiry, complaint, survey] },
      { 'X-Request-Id': 'req-h5-batch' },
    );
    expect(batch.status).toBe(202);
    expect(batch.headers.get('x-request-id')).toBe('req-h5-batch');
    const { results } = (await batch.json()) as { results: { position: string }[] };

    // Refused: invalid (an email where a score belongs), and the same id with other content.
    const invalid = await send('/v1/touchpoints', {
      ...survey,
      eventId: randomUUID(),
      data: { score: PERSONAL.email },
    });
    expect(invalid.status).toBe(400);
    const conflict = await send('/v1/touchpoints', {
      ...profile,
      data: { attributes: { email: `x${PERSONAL.email}` } },
    });
    expect(conflict.status).toBe(409);

    // Read back (once the projections have the batch): the answer holds personal data; the log must not.
    const position = results[results.length - 1]!.position;
    await waitFor(
      async () => {
        const read = await fetch(`${service.baseUrl}/v1/customers/${customerId}`, {
          headers: { Authorization: `Bearer ${ANALYST}`, [MIN_POSITION_HEADER]: position },
        });
        return read.status === 200 ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200, what: `the profile at position ${position}` },
    );

    await service.stop();
    const output = service.output();
    for (const [what, value] of Object.entries(PERSONAL)) {
      expect({ what, found: output.includes(value) }).toEqual({ what, found: false });
    }
    expect(output).not.toContain(INGEST);
    expect(output).not.toContain(ANALYST);

    // Structured: every line is JSON (Node's own process warnings aside); requests carry their ids.
    const raw = output.split('\n').filter((line) => line.trim() !== '');
    const unstructured = raw.filter((line) => !line.startsWith('{'));
    expect(unstructured.filter((line) => !/^\(node:\d+\)|^\(Use `node --trace/.test(line))).toEqual(
      [],
    );
    const lines = raw
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const requests = lines.filter((l) => l.msg === 'request completed') as {
      req: { id: string; method: string; path: string };
      correlationId?: string;
      res: { statusCode: number };
    }[];
    expect(requests.length).toBeGreaterThanOrEqual(5);
    expect(requests.find((r) => r.correlationId === 'corr-h5-1')?.res.statusCode).toBe(202);
    expect(requests.find((r) => r.req.id === 'req-h5-batch')?.req.path).toBe(
      '/v1/touchpoints/batch',
    );
    for (const r of requests) expect(r.req.id).toMatch(/^[A-Za-z0-9._:@/-]+$/);
  });
});
