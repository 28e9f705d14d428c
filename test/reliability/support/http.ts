import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { KEYS } from './keys';

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs?: number;
}

/**
 * One HTTP request with the bytes given, nothing added: no JSON encoding, no charset, no
 * retries. Rejects on a transport failure (refused, reset, timeout): the caller decides whether
 * that counts as an answer.
 */
export async function send(baseUrl: string, req: RawRequest): Promise<HttpAnswer> {
  try {
    return await sendOnce(baseUrl, req);
  } catch (error) {
    // The server closed an idle keep-alive socket just as this request reused it: the request
    // never reached the service. Node's documentation recommends sending it again.
    if ((error as { reusedSocket?: boolean }).reusedSocket) return sendOnce(baseUrl, req);
    throw error;
  }
}

function sendOnce(baseUrl: string, req: RawRequest): Promise<HttpAnswer> {
  const url = new URL(req.path, baseUrl);
  return new Promise((ok, fail) => {
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.body !== undefined) headers['Content-Length'] = Buffer.byteLength(req.body);
    const r = httpRequest(
      url,
      { method: req.method ?? 'POST', headers, agent, timeout: req.timeoutMs ?? 15_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', fail);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          ok({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    r.on('timeout', () => r.destroy(new Error(`timeout: ${req.method ?? 'POST'} ${req.path}`)));
    r.on('error', (error: NodeJS.ErrnoException) => {
      const reset = error.code === 'ECONNRESET' && r.reusedSocket;
      fail(Object.assign(error, { reusedSocket: reset }));
    });
    if (req.body !== undefined) r.write(req.body);
    r.end();
  });
}

export const bearer = (secret: string) => ({ Authorization: `Bearer ${secret}` });

export function postJson(
  baseUrl: string,
  path: string,
  secret: string,
  body: unknown,
): Promise<HttpAnswer> {
  return send(baseUrl, {
    path,
    headers: { ...bearer(secret), 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

export function getJson(baseUrl: string, path: string, secret?: string): Promise<HttpAnswer> {
  return send(baseUrl, { method: 'GET', path, headers: secret ? bearer(secret) : {} });
}

export interface RetryStats {
  attempts: number;
  /** Answers by status code, and transport failures as "error". */
  answers: Record<string, number>;
  /** 2xx answers: each one a promise that its events are durable. */
  acknowledged: number;
}

export const newRetryStats = (): RetryStats => ({ attempts: 0, answers: {}, acknowledged: 0 });

/**
 * What a well-behaved producer does (docs/api.md, "Idempotency and retries"): the same body, so
 * the same event ids, until it is acknowledged; retries on 429, 5xx and transport failures with
 * backoff, honouring Retry-After. Any other answer is a bug of this suite's data and throws.
 */
export async function postUntilAcknowledged(
  base: () => string,
  path: string,
  secret: string,
  body: unknown,
  stats: RetryStats,
  options: { deadline: number; onAnswer?: (a: HttpAnswer) => void } = { deadline: Infinity },
): Promise<HttpAnswer> {
  let delay = 25;
  for (;;) {
    stats.attempts += 1;
    let answer: HttpAnswer | undefined;
    try {
      answer = await postJson(base(), path, secret, body);
    } catch {
      stats.answers.error = (stats.answers.error ?? 0) + 1;
    }
    if (answer) {
      stats.answers[answer.status] = (stats.answers[answer.status] ?? 0) + 1;
      options.onAnswer?.(answer);
      if (answer.status >= 200 && answer.status < 300) {
        stats.acknowledged += 1;
        return answer;
      }
      if (answer.status !== 429 && answer.status < 500)
        throw new Error(`${path} answered ${answer.status}: ${answer.text.slice(0, 500)}`);
    }
    if (Date.now() > options.deadline)
      throw new Error(`${path} not acknowledged before the deadline`);
    const retryAfter = Number(answer?.headers['retry-after']);
    const wait =
      Number.isFinite(retryAfter) && retryAfter > 0
        ? retryAfter * 1_000
        : delay * (0.5 + Math.random() / 2);
    await new Promise((r) => setTimeout(r, wait));
    delay = Math.min(delay * 2, 500);
  }
}

/** POST /v1/touchpoints/batch with the ingest key, until acknowledged (postUntilAcknowledged). */
export function ingestBatchUntilAcknowledged(
  base: () => string,
  touchpoints: readonly unknown[],
  stats: RetryStats,
): Promise<HttpAnswer> {
  return postUntilAcknowledged(base, '/v1/touchpoints/batch', KEYS.ingest, { touchpoints }, stats);
}
