import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { DashboardModule } from './dashboard.module';

describe('the dashboard files', () => {
  let app: INestApplication;
  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [DashboardModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });
  afterAll(() => app.close());

  it('serves the page with a strict content security policy', async () => {
    const page = await request(app.getHttpServer()).get('/dashboard');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.text).toContain('<script type="module" src="/dashboard/assets/app.js">');
    // Nothing from another origin: the page works offline.
    expect(page.text).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('serves its modules, its stylesheet and ECharts from node_modules', async () => {
    const app_ = await request(app.getHttpServer()).get('/dashboard/assets/app.js');
    expect(app_.status).toBe(200);
    expect(app_.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const css = await request(app.getHttpServer()).get('/dashboard/assets/dashboard.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    const echarts = await request(app.getHttpServer()).get('/dashboard/assets/echarts.min.js');
    expect(echarts.status).toBe(200);
    expect(echarts.text.length).toBeGreaterThan(500_000);
  });

  it('serves nothing else', async () => {
    for (const path of [
      '/dashboard/assets/..%2Fsrc%2Fdashboard.module.ts',
      '/dashboard/assets/.hidden.js',
      '/dashboard/assets/missing.js',
      '/dashboard/assets/index.html',
      '/dashboard/assets/dashboard-assets.ts',
    ]) {
      expect({ path, status: (await request(app.getHttpServer()).get(path)).status }).toEqual({
        path,
        status: 404,
      });
    }
  });
});
