import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { MIN_POSITION_HEADER } from '@touchline/read-models';
import { createTestDatabase, STRICT, waitFor, type TestDatabase } from '@touchline/testing';
import { chromium, type Browser, type Page } from 'playwright-core';
import { analyticsFixture } from './support/analytics-fixture';
import { createApiApp } from './support/api-app';
import { REPO_ROOT } from './support/service-process';

/**
 * The analyst dashboard end to end: the real application on PostgreSQL, a deterministic
 * population ingested over HTTP, RFM and churn computed over the ops API, then /dashboard driven
 * in headless Chromium: sign in, open every view, check that each chart drew the query API's
 * numbers (ECharts' own option, and a canvas that is not blank) and that the numbers on the page
 * are the API's. Screenshots go to reports/screenshots/.
 */

/** The API's JSON and the browser's objects, as the test reads them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

// The browser's globals, only ever touched inside page.evaluate callbacks.
declare const window: Json;
declare const document: Json;

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM && !STRICT) {
  console.warn(`dashboard e2e skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);
}
const describeWithChromium = HAVE_CHROMIUM || STRICT ? describe : describe.skip;

const ANALYST = `analyst-${randomBytes(12).toString('hex')}`;
const OPS = `ops-${randomBytes(12).toString('hex')}`;
const INGEST = `ingest-${randomBytes(12).toString('hex')}`;
const SCREENSHOTS = join(REPO_ROOT, 'reports', 'screenshots');

/** As the page formats numbers (ui.js num). */
const num = (value: number | null, digits = 1) =>
  value === null
    ? '–'
    : value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
interface DrawnChart {
  /** Canvas pixels that are neither transparent nor near white. */
  inked: number;
  series: { id?: string; type: string; data: unknown[]; markPoints: number }[];
}

const round2 = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);

describeWithChromium('analyst dashboard in headless Chromium', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let base: string;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  const api = async <T = Json>(
    path: string,
    { key = ANALYST, minPosition }: { key?: string; minPosition?: string } = {},
  ): Promise<{ status: number; body: T }> => {
    const headers: Record<string, string> = { Authorization: `Bearer ${key}` };
    if (minPosition) headers[MIN_POSITION_HEADER] = minPosition;
    const response = await fetch(`${base}${path}`, { headers });
    return { status: response.status, body: (await response.json()) as T };
  };
  const post = async (path: string, body: unknown, key: string) => {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Json };
  };

  /** Opens a view and waits until it has rendered (or failed, which fails the test). */
  const open = async (hash: string) => {
    await page.evaluate((h: string) => {
      window.location.hash = h;
    }, hash);
    await page.waitForFunction((h: string) => {
      const view = document.getElementById('view').dataset;
      return view.route === h && ['true', 'error'].includes(view.ready);
    }, hash);
    const state = await page.evaluate(() => document.getElementById('view').dataset.ready);
    if (state !== 'true') {
      throw new Error(`view ${hash} failed: ${await page.textContent('#view')}`);
    }
  };

  /** The chart's series data as ECharts holds it, and whether its canvas has drawn pixels. */
  const chartOf = (name: string): Promise<DrawnChart> =>
    page.evaluate((chart: string) => {
      const el = document.querySelector(`[data-chart="${chart}"]`);
      const instance = window.echarts.getInstanceByDom(el);
      const canvas = el.querySelector('canvas');
      const context = canvas.getContext('2d');
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
      let inked = 0;
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b, a] = [data[i], data[i + 1], data[i + 2], data[i + 3]];
        if (a > 0 && (r < 235 || g < 235 || b < 235)) inked++;
      }
      const option = instance.getOption();
      return {
        inked,
        series: option.series.map((s: Json) => ({
          id: s.id,
          type: s.type,
          data: s.data.map((d: Json) =>
            d && typeof d === 'object' && !Array.isArray(d) ? d.value : d,
          ),
          markPoints: s.markPoint?.data?.length ?? 0,
        })),
      };
    }, name);

  const texts = (selector: string) =>
    page.$$eval(selector, (els: { textContent: string }[]) => els.map((e) => e.textContent.trim()));

  const screenshot = (name: string) =>
    page.screenshot({ path: join(SCREENSHOTS, `dashboard-${name}.png`), fullPage: true });

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) {
      throw new Error(`TOUCHLINE_TEST_STRICT=1 but there is no Chromium at ${CHROMIUM}`);
    }
    mkdirSync(SCREENSHOTS, { recursive: true });
    db = await createTestDatabase();
    app = await createApiApp(
      db,
      {
        DATABASE_URL: db.url,
        TOUCHLINE_API_KEYS: `analyst:${ANALYST}:analyst,ops:${OPS}:ops,producer:${INGEST}:ingest`,
        TOUCHLINE_MASTER_KEYS: `mk-test:${randomBytes(32).toString('base64')}`,
      },
      { noNestLogger: true },
    );
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');

    // The population, over the ingestion API.
    const { touchpoints } = analyticsFixture({ customers: 36, seed: 8 });
    const ingested = await post('/v1/touchpoints/batch', { touchpoints }, INGEST);
    expect(ingested.status).toBe(202);
    const results = ingested.body.results as { position: string }[];
    const position = results[results.length - 1]!.position;
    // Every read model the views use has applied the batch (one transaction: one position).
    for (const path of ['/v1/customers?limit=1', '/v1/analytics/nps', '/v1/analytics/complaints']) {
      await waitFor(
        async () =>
          (await api(path, { minPosition: position })).status === 200 ? true : undefined,
        { timeoutMs: 60_000, intervalMs: 200, what: `${path} at position ${position}` },
      );
    }
    // Scored as of now, over what the projections hold.
    const asOf = new Date(Date.now() - 1_000).toISOString();
    expect(await post('/v1/analytics/rfm/recompute', { asOf }, OPS)).toMatchObject({ status: 200 });
    expect(await post('/v1/analytics/churn/model/refit', { asOf }, OPS)).toMatchObject({
      status: 200,
    });

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 240_000);

  afterEach(() => {
    // No script error on the page, whatever the test looked at.
    expect(pageErrors).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await db?.destroy();
  });

  it('refuses a wrong key and signs in with an analyst key', async () => {
    await page.goto(`${base}/dashboard`);
    await page.fill('#api-key', 'not-a-key');
    await page.click('#sign-in-form button[type=submit]');
    await page.waitForFunction(() => document.getElementById('sign-in-error').textContent !== '');
    expect(await page.textContent('#sign-in-error')).toBe('Unknown API key.');
    await screenshot('sign-in');

    await page.fill('#api-key', ANALYST);
    await page.click('#sign-in-form button[type=submit]');
    await page.waitForSelector('#nav:not([hidden])');
    // The key is kept for this tab only.
    expect(await page.evaluate(() => window.sessionStorage.getItem('touchline.apiKey'))).toBe(
      ANALYST,
    );
  });

  it('draws NPS, CSAT and CES trends with their bands, equal to the query API', async () => {
    await open('#/trends?interval=week');
    for (const [kind, value, margin] of [
      ['nps', 'nps', 'marginOfError'],
      ['csat', 'csat', null],
      ['ces', 'mean', null],
    ] as const) {
      const { body: trend } = await api(`/v1/analytics/${kind}?interval=week`);
      const points = trend.series[0].points as Json[];
      expect(points.some((p) => p.n > 0)).toBe(true);
      const drawn = await chartOf(kind);
      expect(drawn.inked).toBeGreaterThan(500);
      const line = drawn.series.find((s) => s.id === 'value')!;
      expect(line.data).toEqual(points.map((p) => round2(p[value])));
      if (margin) {
        // The band: an invisible lower edge and its width stacked on it, value ± margin.
        const lower = drawn.series.find((s) => s.id === 'band-lower')!.data as (number | null)[];
        const width = drawn.series.find((s) => s.id === 'band')!.data as (number | null)[];
        points.forEach((p, i) => {
          if (p[value] === null) return expect([lower[i], width[i]]).toEqual([null, null]);
          expect(lower[i]).toBeCloseTo(Math.max(-100, p[value] - p[margin]), 1);
          expect(lower[i]! + width[i]!).toBeCloseTo(Math.min(100, p[value] + p[margin]), 1);
        });
      }
      // The table shows the same numbers, bucket by bucket.
      const shown = await texts(`[data-metric="${kind}"] td[data-field="value"]`);
      expect(shown).toEqual(points.map((p) => num(p[value])));
      expect(await texts(`[data-metric="${kind}"] td[data-field="n"]`)).toEqual(
        points.map((p) => String(p.n)),
      );
      if (margin) {
        expect(await texts(`[data-metric="${kind}"] td[data-field="margin"]`)).toEqual(
          points.map((p) => num(p[margin])),
        );
      }
    }
    await screenshot('trends');

    // The period filter: months, over the API's own window for them.
    await page.selectOption('#f-interval', 'month');
    await page.fill('#f-from', '');
    await page.fill('#f-to', '');
    await page.click('form.filters button[type=submit]');
    await page.waitForFunction(() => window.location.hash.includes('interval=month'));
    await open(await page.evaluate(() => window.location.hash));
    const { body: monthly } = await api('/v1/analytics/nps?interval=month');
    const drawn = await chartOf('nps');
    expect(drawn.series.find((s) => s.id === 'value')!.data).toEqual(
      monthly.series[0].points.map((p: Json) => round2(p.nps)),
    );
  });

  it('draws the RFM grid and lists the customers of a clicked cell', async () => {
    await open('#/rfm');
    const { body: rfm } = await api('/v1/analytics/rfm');
    const drawn = await chartOf('rfm');
    expect(drawn.inked).toBeGreaterThan(500);
    const expected = rfm.grid.map((c: Json) => [c.f - 1, c.r - 1, c.customers]);
    expect(drawn.series[0]!.data).toEqual(expected);
    const total = rfm.grid.reduce((n: number, c: Json) => n + c.customers, 0);
    expect(total).toBe(rfm.customers);
    expect(total).toBeGreaterThan(0);
    await screenshot('rfm');

    // Click the fullest cell on the canvas itself.
    const cell = [...rfm.grid].sort((a: Json, b: Json) => b.customers - a.customers)[0];
    const [x, y] = await page.evaluate(
      ([f, r]: number[]) => {
        const el = document.querySelector('[data-chart="rfm"]');
        return window.echarts.getInstanceByDom(el).convertToPixel({ seriesIndex: 0 }, [f, r]);
      },
      [cell.f - 1, cell.r - 1],
    );
    const box = (await page.$('[data-chart="rfm"]'))!;
    const origin = (await box.boundingBox())!;
    await page.mouse.click(origin.x + x, origin.y + y);
    await page.waitForFunction(
      (segment: string) => window.location.hash === `#/rfm?segment=${segment}`,
      cell.segment,
    );
    await open(`#/rfm?segment=${cell.segment}`);
    const { body: listed } = await api(
      `/v1/analytics/rfm/customers?segment=${cell.segment}&limit=50`,
    );
    expect(listed.items.length).toBeGreaterThan(0);
    expect(await texts('table.rfm-customers tbody tr td:first-child')).toEqual(
      listed.items.map((c: Json) => c.customerId),
    );
    await screenshot('rfm-segment');
  });

  it('lists churn risk by risk × value, with reasons and a band filter', async () => {
    await open('#/churn');
    const { body: churn } = await api('/v1/analytics/churn?limit=50');
    expect(churn.items.length).toBeGreaterThan(0);
    const ids = churn.items.map((c: Json) => c.customerId);
    expect(await texts('table.churn tbody tr td:first-child')).toEqual(ids);
    expect(await texts('table.churn td[data-field="score"]')).toEqual(
      churn.items.map((c: Json) => String(c.score)),
    );
    const drawn = await chartOf('churn');
    expect(drawn.inked).toBeGreaterThan(200);
    expect(drawn.series[0]!.data).toEqual(churn.items.map((c: Json) => round2(c.valueAtRisk)));
    // Reasons in words.
    const firstReasons = churn.items[0].reasons.map((r: Json) => r.text);
    expect(await texts('table.churn tbody tr:first-child ul.reasons li')).toEqual(firstReasons);
    await screenshot('churn');
    const band = churn.items[0].band as string;
    await page.selectOption('#f-band', band);
    await page.click('form.filters button[type=submit]');
    await page.waitForFunction((b: string) => window.location.hash.includes(`band=${b}`), band);
    await open(await page.evaluate(() => window.location.hash));
    const { body: filtered } = await api(`/v1/analytics/churn?band=${band}&limit=50`);
    expect(await texts('table.churn tbody tr td:first-child')).toEqual(
      filtered.items.map((c: Json) => c.customerId),
    );
  });

  it('lists customers and shows one: profile and emotion curve with peak and end marked', async () => {
    // The list, best spenders first, as the API sorts it.
    await open('#/customers');
    const { body: list } = await api('/v1/customers?sort=-netSpend&limit=50');
    expect(await texts('table.customers tbody tr td:first-child')).toEqual(
      list.items.map((c: Json) => c.customerId),
    );
    expect(await texts('table.customers td[data-field="netSpend"]')).toEqual(
      list.items.map((c: Json) => num(c.netSpend, 2)),
    );

    // A complainer (complaints carry sentiment, so the curve has moments), opened from the list.
    const id = 'fx-001';
    await page.click(`table.customers a[href="#/customers/${id}"]`);
    await open(`#/customers/${id}`);
    const { body: profile } = await api(`/v1/customers/${id}`);
    const { body: emotion } = await api(`/v1/customers/${id}/emotion-curve`);
    expect(emotion.curve.length).toBeGreaterThan(0);
    const drawn = await chartOf('emotion');
    expect(drawn.inked).toBeGreaterThan(200);
    const line = drawn.series[0]!;
    expect(line.data).toEqual(emotion.curve.map((p: Json) => [p.at, p.sentiment]));
    const marks = ['mostNegative', 'mostPositive', 'end'].filter((k) => emotion.peakEnd[k]);
    expect(line.markPoints).toBe(marks.length);
    expect(await page.textContent('dd[data-fact="Net spend"]')).toBe(num(profile.netSpend, 2));
    expect(await page.textContent('dd[data-fact="Orders"]')).toBe(String(profile.orders));
    await screenshot('customer');
  });

  it('shows complaint service levels by severity, equal to the query API', async () => {
    await open('#/complaints?groupBy=severity');
    const { body: levels } = await api('/v1/analytics/complaints?groupBy=severity');
    expect(levels.overall.opened).toBeGreaterThan(0);
    expect(await page.textContent('[data-kpi="opened"]')).toBe(String(levels.overall.opened));
    expect(await texts('tr[data-group] td[data-field="opened"]')).toEqual(
      levels.groups.map((g: Json) => String(g.opened)),
    );
    const drawn = await chartOf('complaints');
    expect(drawn.inked).toBeGreaterThan(200);
    const hours = (s: number | null) => (s === null ? null : Math.round((s / 3600) * 100) / 100);
    expect(drawn.series.find((s) => s.id === 'response-p50')!.data).toEqual(
      levels.groups.map((g: Json) => hours(g.timeToFirstResponse.p50Seconds)),
    );
    await screenshot('complaints');
  });

  it('works at phone width', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await open('#/trends?interval=week');
    // Nothing wider than the screen but the scrollable tables.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(overflow).toBeLessThanOrEqual(390);
    const drawn = await chartOf('nps');
    expect(drawn.inked).toBeGreaterThan(300);
    await screenshot('trends-phone');
    await open('#/churn');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      390,
    );
    await screenshot('churn-phone');
  });
});
