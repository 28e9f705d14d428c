import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LogLevel } from '@touchline/config';
import type { Params } from 'nestjs-pino';

export const REQUEST_ID_HEADER = 'x-request-id';
export const CORRELATION_ID_HEADER = 'x-correlation-id';

/** Ids taken from clients are logged, so only short, plain tokens are accepted. */
const TOKEN = /^[A-Za-z0-9._:@/-]{1,128}$/;

type Req = IncomingMessage & { body?: unknown };

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first !== undefined && TOKEN.test(first) ? first : undefined;
}

/**
 * The correlation id of a request: the X-Correlation-Id header, else the metadata.correlationId
 * of a single touchpoint in the body (known once the body is parsed, so on the response line).
 */
function correlationId(req: Req): string | undefined {
  const fromHeader = header(req, CORRELATION_ID_HEADER);
  if (fromHeader) return fromHeader;
  const body = req.body as { metadata?: { correlationId?: unknown } } | undefined;
  const fromBody = body?.metadata?.correlationId;
  return typeof fromBody === 'string' && TOKEN.test(fromBody) ? fromBody : undefined;
}

/**
 * nestjs-pino settings: one JSON object per line, every line of a request carrying its `reqId`
 * (the caller's X-Request-Id when it is a plain token, else a new uuid, echoed in the response)
 * and `correlationId`. Requests are logged as method, path and status only: no bodies, no
 * headers, no client address, no query string, since any of them can carry personal data or
 * credentials. Health probes and metrics scrapes are not logged.
 */
export function requestLogging(level: LogLevel): Params {
  return {
    pinoHttp: {
      level,
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const id = header(req, REQUEST_ID_HEADER) ?? randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customProps: (req: IncomingMessage) => {
        const id = correlationId(req as Req);
        return id ? { correlationId: id } : {};
      },
      serializers: {
        req: (req: { id?: unknown; method?: string; url?: string }) => ({
          id: req.id,
          method: req.method,
          path: (req.url ?? '').split('?')[0],
        }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
      // Belt and braces: the serializers above already leave these out.
      redact: ['req.headers.authorization', 'req.headers.cookie', 'req.body'],
      autoLogging: {
        ignore: (req: IncomingMessage) => /^\/(health|metrics)(\/|\?|$)/.test(req.url ?? ''),
      },
    },
  };
}
