import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { TouchlineMetrics } from './touchline-metrics';

/**
 * Times every HTTP request to its response's end. The route label is the matched route's
 * template (`/v1/customers/:id`), never the raw path, so customer ids do not become labels;
 * requests that matched no route share `unmatched`.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: TouchlineMetrics) {}

  use(request: Request, response: Response, next: NextFunction): void {
    const started = performance.now();
    response.once('finish', () => {
      const route = (request.route as { path?: unknown } | undefined)?.path;
      this.metrics.httpDuration.observe(
        {
          method: request.method,
          route: typeof route === 'string' ? route : 'unmatched',
          status: String(response.statusCode),
        },
        (performance.now() - started) / 1000,
      );
    });
    next();
  }
}
