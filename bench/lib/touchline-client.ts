import type { Touchpoint } from '@touchline/touchpoints';

/** A small HTTP client of the touchline API for the benchmark and the demo loader. */
export interface Answer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
  ms: number;
}

export interface IngestResult {
  eventId: string;
  status: 'appended' | 'duplicate';
  stream: string;
  revision: number;
  position: string;
}

export class TouchlineError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'TouchlineError';
  }
}

/** Statuses worth retrying with the same event ids (docs/api.md, "Idempotency and retries"). */
const RETRYABLE = new Set([429, 500, 502, 503, 504]);

export class TouchlineClient {
  constructor(
    readonly baseUrl: string,
    private readonly key: string,
  ) {}

  async request<T = unknown>(
    method: 'GET' | 'POST',
    path: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Answer<T>> {
    const started = performance.now();
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: {
        authorization: `Bearer ${this.key}`,
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    const ms = performance.now() - started;
    let body: unknown = text;
    if (response.headers.get('content-type')?.includes('json')) {
      try {
        body = JSON.parse(text);
      } catch {
        // leave it as text: the caller reports the status
      }
    }
    return { status: response.status, body: body as T, headers: response.headers, ms };
  }

  /**
   * Sends with retries on 429/5xx and broken connections (honouring Retry-After, at most
   * `attempts` tries), as the API asks producers to; any other non-2xx is an error.
   */
  async send<T>(
    path: string,
    body: unknown,
    attempts = 8,
  ): Promise<Answer<T> & { attempts: number }> {
    for (let attempt = 1; ; attempt++) {
      let answer: Answer<T> | null = null;
      let failure: unknown = null;
      try {
        answer = await this.request<T>('POST', path, { body });
      } catch (error) {
        failure = error;
      }
      if (answer && answer.status >= 200 && answer.status < 300)
        return { ...answer, attempts: attempt };
      if (answer && !RETRYABLE.has(answer.status)) {
        throw new TouchlineError(
          `POST ${path} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 500)}`,
          answer.status,
        );
      }
      if (attempt >= attempts) {
        throw failure ?? new TouchlineError(`POST ${path} kept answering ${answer!.status}`, 503);
      }
      const retryAfter = Number(answer?.headers.get('retry-after') ?? NaN);
      const waitMs = Number.isFinite(retryAfter) ? retryAfter * 1000 : 100 * 2 ** attempt;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }

  async recordBatch(
    touchpoints: Touchpoint[],
  ): Promise<Answer<{ results: IngestResult[] }> & { attempts: number }> {
    return this.send('/v1/touchpoints/batch', { touchpoints });
  }

  async record(touchpoint: Touchpoint): Promise<Answer<IngestResult> & { attempts: number }> {
    return this.send('/v1/touchpoints', touchpoint);
  }

  /**
   * Waits until the read models have applied `position`: a profile list (customer_profile) and a
   * survey trend (survey_daily, customer_timeline) read with X-Touchline-Min-Position, retried
   * on 503 until `timeoutMs`. Needs the analyst scope.
   */
  async waitForPosition(position: string, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const path of ['/v1/customers?limit=1', '/v1/analytics/nps?interval=month']) {
      for (;;) {
        const answer = await this.request('GET', path, {
          headers: { 'x-touchline-min-position': position },
        });
        if (answer.status === 200) break;
        if (answer.status !== 503 || Date.now() > deadline) {
          throw new TouchlineError(
            `GET ${path} waiting for position ${position} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`,
            answer.status,
          );
        }
      }
    }
  }

  /**
   * The service's routes as `METHOD /path/{param}`, from its OpenAPI document: how the benchmark
   * and the demo find the routes other parts of touchline add (RFM, churn, complaints) without
   * calling them.
   */
  async routes(): Promise<Set<string>> {
    const answer = await this.request<{ paths?: Record<string, Record<string, unknown>> }>(
      'GET',
      '/docs/openapi.json',
    );
    if (answer.status !== 200 || !answer.body.paths)
      throw new TouchlineError(`GET /docs/openapi.json answered ${answer.status}`, answer.status);
    const routes = new Set<string>();
    for (const [path, operations] of Object.entries(answer.body.paths))
      for (const method of Object.keys(operations)) routes.add(`${method.toUpperCase()} ${path}`);
    return routes;
  }
}
