import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@touchline/auth';
import type { Response } from 'express';
import { ASSET_NAME, loadDashboardAssets, type Asset } from './dashboard-assets';

/**
 * Everything the browser may load from here: nothing inline, nothing from elsewhere. The data
 * comes from this origin's JSON API, with the analyst key the page holds.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  // ECharts positions its tooltip and canvas with inline style attributes.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The analyst dashboard: static files only, public (they hold no data). The page asks for an
 * analyst API key and calls the query API with it, like any other client.
 */
@ApiExcludeController()
@Public()
@Controller('dashboard')
export class DashboardHttpController {
  private readonly assets = loadDashboardAssets();

  @Get()
  index(@Res() response: Response): void {
    this.send(response, this.assets.get('index.html')!);
  }

  @Get('assets/:name')
  asset(@Param('name') name: string, @Res() response: Response): void {
    const asset = ASSET_NAME.test(name) ? this.assets.get(name) : undefined;
    if (!asset || name === 'index.html') throw new NotFoundException(`No dashboard file ${name}`);
    this.send(response, asset);
  }

  private send(response: Response, asset: Asset): void {
    response
      .status(200)
      .set({
        'Content-Type': asset.contentType,
        'Content-Security-Policy': CONTENT_SECURITY_POLICY,
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        // Files change with the deployment: revalidate rather than serve a stale copy.
        'Cache-Control': 'no-cache',
      })
      .send(asset.body);
  }
}
