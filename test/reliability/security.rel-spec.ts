import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/service-process';
import { recordFigures } from './support/figures';
import { getJson, send } from './support/http';
import { KEYS, SCOPES, type ScopeName } from './support/keys';
import { seeded } from './support/random';
import { ServiceScenario } from './support/scenario';
import { checkSqlConstruction, isReviewed } from './support/sql-check';

/**
 * Who may call what: every operation of the service's OpenAPI document and the scope it needs
 * ('public': anyone). A route missing here fails the suite: adding a route means deciding, here,
 * who may call it. Keys are refused 401 without a valid key, 403 without the scope; `admin` has
 * every scope.
 */
const ROUTE_SCOPES: Record<string, ScopeName | 'public'> = {
  'GET /health/live': 'public',
  'GET /health/ready': 'public',
  'GET /metrics': 'ops',
  'POST /v1/touchpoints': 'ingest',
  'POST /v1/touchpoints/batch': 'ingest',
  'POST /v1/batch': 'ingest',
  'POST /v1/track': 'ingest',
  'POST /v1/identify': 'ingest',
  'POST /v1/alias': 'ingest',
  'POST /v1/page': 'ingest',
  'POST /v1/screen': 'ingest',
  'POST /v1/group': 'ingest',
  'GET /v1/customers': 'analyst',
  'GET /v1/customers/{id}': 'analyst',
  'GET /v1/customers/{id}/timeline': 'analyst',
  'GET /v1/customers/{id}/emotion-curve': 'analyst',
  'GET /v1/analytics/nps': 'analyst',
  'GET /v1/analytics/csat': 'analyst',
  'GET /v1/analytics/ces': 'analyst',
  'GET /v1/analytics/rfm': 'analyst',
  'GET /v1/analytics/rfm/customers': 'analyst',
  'POST /v1/analytics/rfm/recompute': 'ops',
  'GET /v1/analytics/churn': 'analyst',
  'GET /v1/analytics/churn/model': 'analyst',
  'POST /v1/analytics/churn/model/refit': 'ops',
  'GET /v1/analytics/complaints': 'analyst',
  'GET /v1/analytics/alerts': 'analyst',
  'GET /v1/ops/customers/{id}/journey': 'ops',
  'GET /v1/ops/customers/{id}/export': 'ops',
  'POST /v1/ops/customers/{id}/erase': 'ops',
  'POST /v1/ops/customers/merge': 'ops',
  'POST /v1/ops/customers/unmerge': 'ops',
  'GET /v1/ops/verify/{customerId}': 'ops',
  'GET /v1/ops/audit': 'ops',
  'GET /v1/ops/projections': 'ops',
  'GET /v1/ops/projections/{name}': 'ops',
  'POST /v1/ops/projections/{name}/rebuild': 'ops',
  'GET /v1/ops/projections/{name}/dead-letters': 'ops',
};

const PATH_VALUES: Record<string, string> = {
  id: 'c-rel-sec-1',
  customerId: 'c-rel-sec-1',
  name: 'customer_profile',
};

type Caller = 'none' | ScopeName;
const CALLERS: Caller[] = ['none', ...SCOPES];

function expected(scope: ScopeName | 'public', caller: Caller): 'open' | 401 | 403 {
  if (scope === 'public') return 'open';
  if (caller === 'none') return 401;
  return caller === scope || caller === 'admin' ? 'open' : 403;
}

describe('security', () => {
  // debug: the most the service logs short of trace; personal data must stay out even there.
  const scenario = new ServiceScenario({ LOG_LEVEL: 'debug' });
  const seed = Number(process.env.TOUCHLINE_RELIABILITY_SEED) + 8;
  const figures: Record<string, number | string> = {};

  beforeAll(() => scenario.setup());
  afterAll(async () => {
    await scenario.teardown();
    recordFigures('security', figures);
  });

  it('answers every route × scope as the table says: 401, 403, or neither (and never 5xx)', async () => {
    const { service } = scenario;
    const doc = (await getJson(service.baseUrl, '/docs/openapi.json')).json as {
      paths: Record<
        string,
        Record<string, { responses?: Record<string, { description?: string }> }>
      >;
    };
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
    );
    const unlisted = operations
      .map((o) => `${o.method} ${o.path}`)
      .filter((route) => !(route in ROUTE_SCOPES));
    expect(unlisted).toEqual([]); // decide the new route's scope in ROUTE_SCOPES
    const gone = Object.keys(ROUTE_SCOPES).filter(
      (route) => !operations.some((o) => `${o.method} ${o.path}` === route),
    );
    expect(gone).toEqual([]);

    const table: string[] = [];
    const wrong: string[] = [];
    for (const { method, path, op } of operations) {
      const route = `${method} ${path}`;
      const scope = ROUTE_SCOPES[route]!;
      // The OpenAPI document says the same as the table.
      if (scope !== 'public')
        expect([route, op.responses?.['403']?.description]).toEqual([
          route,
          expect.stringContaining(`${scope} scope`),
        ]);
      const url = path.replace(/\{(\w+)\}/g, (_, name: string) => PATH_VALUES[name] ?? 'x');
      const row: string[] = [];
      for (const caller of CALLERS) {
        const headers: Record<string, string> = {};
        if (caller !== 'none') headers.Authorization = `Bearer ${KEYS[caller]}`;
        if (method !== 'GET') headers['Content-Type'] = 'application/json';
        const answer = await send(service.baseUrl, {
          method,
          path: url,
          headers,
          body: method === 'GET' ? undefined : '{}',
        });
        const want = expected(scope, caller);
        const ok =
          want === 'open'
            ? answer.status !== 401 && answer.status !== 403 && answer.status < 500
            : answer.status === want;
        row.push(String(answer.status));
        if (!ok)
          wrong.push(
            `${route} as ${caller}: ${answer.status} (want ${want}) ${answer.text.slice(0, 200)}`,
          );
      }
      table.push(`${route.padEnd(48)} ${scope.padEnd(8)} ${row.join(' ')}`);
    }
    process.stderr.write(
      `reliability: route × scope (${CALLERS.join(' ')})\n${table.join('\n')}\n`,
    );
    expect(wrong).toEqual([]);
    figures.routes = operations.length;
    figures.routeScopeChecks = operations.length * CALLERS.length;
  });

  it('keeps personal data and API secrets out of its logs', async () => {
    const { service } = scenario;
    const random = seeded(seed);
    const tag = `${random.int(100_000, 999_999)}`;
    const personal = {
      email: `hortensie.rel${tag}@example.org`,
      phone: `+42077${tag}`,
      firstName: `Hortensie${tag}`,
      lastName: `Quellmalz${tag}`,
      street: `Podskalská ${tag}`,
      complaint: `my parrot ${tag} was insulted by the courier`,
    };
    const customerId = `c-sec-${tag}`;
    const auth = { Authorization: `Bearer ${KEYS.ingest}`, 'Content-Type': 'application/json' };
    const at = new Date(Date.now() - 60_000).toISOString();
    const profile = {
      eventId: random.uuid(),
      type: 'profile.updated',
      occurredAt: at,
      customerId,
      channel: 'web',
      data: {
        attributes: {
          firstName: personal.firstName,
          lastName: personal.lastName,
          email: personal.email,
          phone: personal.phone,
          address: { line1: personal.street, city: 'Praha', postalCode: '110 00', country: 'CZ' },
        },
      },
      metadata: { source: 'rel-security' },
    };
    const complaint = {
      eventId: random.uuid(),
      type: 'complaint.opened',
      occurredAt: at,
      customerId,
      channel: 'email',
      data: {
        complaintId: `CMP-${tag}`,
        category: 'courier',
        severity: 'high',
        text: personal.complaint,
      },
      metadata: { source: 'rel-security' },
    };
    const answers = [
      await send(service.baseUrl, {
        path: '/v1/touchpoints',
        headers: auth,
        body: JSON.stringify(profile),
      }),
      await send(service.baseUrl, {
        path: '/v1/touchpoints',
        headers: auth,
        body: JSON.stringify(complaint),
      }),
      await send(service.baseUrl, {
        path: '/v1/identify',
        headers: auth,
        body: JSON.stringify({
          messageId: random.uuid(),
          userId: customerId,
          traits: {
            email: personal.email,
            phone: personal.phone,
            name: `${personal.firstName} ${personal.lastName}`,
          },
        }),
      }),
    ];
    expect(answers.map((a) => a.status)).toEqual([202, 202, 200]);
    // Refused requests carrying personal data: validation messages must not log the values.
    const refused = [
      await send(service.baseUrl, {
        path: '/v1/identify',
        headers: auth,
        body: JSON.stringify({
          messageId: random.uuid(),
          userId: personal.email,
          traits: { phone: personal.phone },
        }),
      }),
      await send(service.baseUrl, {
        path: '/v1/touchpoints',
        headers: auth,
        body: JSON.stringify({ ...complaint, eventId: random.uuid(), channel: personal.email }),
      }),
      await send(service.baseUrl, {
        path: '/v1/touchpoints',
        headers: auth,
        body: `{"eventId": "${personal.email}", "data": {"text": "${personal.complaint}"`,
      }),
    ];
    for (const a of refused) expect(a.status).toBe(400);
    // Reads that return the personal data, which must not be logged either.
    for (const [path, key] of [
      [`/v1/customers/${customerId}`, KEYS.analyst],
      [`/v1/customers/${customerId}/timeline`, KEYS.analyst],
      [`/v1/ops/customers/${customerId}/journey`, KEYS.ops],
      [`/v1/ops/customers/${customerId}/export`, KEYS.ops],
    ] as const)
      expect((await getJson(service.baseUrl, path, key)).status).toBeLessThan(500);

    // The log is flushed line by line; stop the service so that every line is in.
    await service.stop();
    const log = service.output();
    expect(log.length).toBeGreaterThan(1_000); // the debug log did record these requests
    const leaked = [...Object.entries(personal), ...Object.entries(KEYS)].filter(([, value]) =>
      log.includes(value),
    );
    expect(leaked.map(([what]) => what)).toEqual([]);
    figures.personalValuesChecked = Object.keys(personal).length;
    figures.secretsChecked = Object.keys(KEYS).length;
    figures.logBytesScanned = log.length;
    figures.personalValuesInLogs = leaked.length;
  });

  it('builds no SQL from input: every query text is a literal or quotes only trusted identifiers', () => {
    const result = checkSqlConstruction(REPO_ROOT);
    const fresh = result.findings.filter((f) => !isReviewed(f));
    expect(fresh).toEqual([]);
    expect(result.queries).toBeGreaterThan(50);
    figures.sqlFilesScanned = result.files;
    figures.sqlQueryCallsChecked = result.queries;
    figures.sqlReviewedExceptions = result.findings.length;
    figures.sqlUnsafe = fresh.length;
  });

  it('the SQL check does flag text built from input (it is not vacuous)', () => {
    const root = mkdtempSync(join(tmpdir(), 'touchline-sqlcheck-'));
    try {
      const file = join(root, 'libs', 'bad', 'src');
      mkdirSync(file, { recursive: true });
      writeFileSync(
        join(file, 'bad.ts'),
        [
          'export async function a(pool: any, id: string) {',
          "  await pool.query(`SELECT * FROM t WHERE id = '${id}'`);",
          "  await pool.query('SELECT * FROM t WHERE id = ' + id);",
          '  const text = `DELETE FROM t WHERE id = ${id}`;',
          '  await pool.query(text);',
          '  await pool.query({ text: `SELECT ${id}`, values: [] });',
          "  await pool.query('SELECT * FROM t WHERE id = $1', [id]);",
          '}',
        ].join('\n'),
      );
      const result = checkSqlConstruction(root);
      expect(result.queries).toBe(5);
      expect(result.findings.map((f) => f.line)).toEqual([2, 3, 5, 6]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
