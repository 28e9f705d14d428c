import { isUtf8 } from 'node:buffer';
import { json, type RequestHandler } from 'express';

/** The largest request body the HTTP API reads (after any Content-Encoding is undone). */
export const JSON_BODY_LIMIT_BYTES = 1_048_576;

/**
 * A failure to read or parse a request body, as body-parser reported it (`type` is its error
 * type, e.g. `entity.too.large`). Wrapped in a class of our own because Nest turns body-parser's
 * SyntaxError into a plain BadRequestException and the `type` is lost on the way; this class
 * passes through untouched to RequestBodyErrorsFilter.
 */
export class RequestBodyError extends Error {
  readonly status: number;
  readonly type: string;

  constructor(cause: unknown) {
    const details = (cause ?? {}) as { message?: unknown; status?: unknown; type?: unknown };
    super(typeof details.message === 'string' ? details.message : 'unreadable request body', {
      cause,
    });
    this.name = 'RequestBodyError';
    this.status = typeof details.status === 'number' ? details.status : 400;
    this.type = typeof details.type === 'string' ? details.type : 'unknown';
  }
}

function bodyError(message: string, status: number, type: string): Error {
  return Object.assign(new Error(message), { status, type });
}

/**
 * JSON must be UTF-8 between systems (RFC 8259 §8.1). body-parser would decode other `utf-*`
 * charsets and would turn invalid UTF-8 into U+FFFD without a word, so a corrupted byte would be
 * stored as a different character: both are refused here, before parsing.
 */
function verifyUtf8(_req: unknown, _res: unknown, body: Buffer, encoding: string): void {
  if (encoding.toLowerCase() !== 'utf-8')
    throw bodyError(`unsupported charset "${encoding}"`, 415, 'charset.unsupported');
  if (!isUtf8(body)) throw bodyError('invalid UTF-8', 400, 'encoding.invalid');
}

/** Deepest nesting of arrays and objects a body may have; touchpoints need a handful of levels. */
export const JSON_BODY_MAX_DEPTH = 32;

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Refuses, before any route sees the body, the two shapes no touchpoint needs and that harm code
 * downstream: keys that name JavaScript's prototype machinery (`__proto__`, `constructor`,
 * `prototype`, a prototype-pollution vector for any code that merges objects) anywhere in the
 * body, and nesting deeper than JSON_BODY_MAX_DEPTH (recursive validation and transformation
 * would overflow the stack and answer 500). Iterative, so a hostile body cannot overflow it either.
 */
export function checkJsonShape(body: unknown): Error | undefined {
  const stack: { value: unknown; depth: number }[] = [{ value: body, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= JSON_BODY_MAX_DEPTH)
      return bodyError(
        `The request body is nested more than ${JSON_BODY_MAX_DEPTH} levels deep`,
        400,
        'entity.too.deep',
      );
    if (Array.isArray(value)) {
      for (const item of value) stack.push({ value: item, depth: depth + 1 });
      continue;
    }
    for (const key of Object.keys(value)) {
      if (UNSAFE_KEYS.has(key))
        return bodyError(
          `The request body holds the key "${key}", which is never accepted`,
          400,
          'entity.unsafe.key',
        );
      stack.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1 });
    }
  }
  return undefined;
}

/**
 * The process's JSON body parser (express.json: gzip, deflate and br bodies are inflated, the
 * limit applies to the inflated size). Register it with `app.use(jsonBodyParser())` on an app
 * created with `bodyParser: false`; its failures reach Nest's exception filters as
 * RequestBodyError. Bodies of other content types are left unread (req.body stays undefined):
 * the routes that need JSON refuse them with 415 (JsonBody).
 */
export function jsonBodyParser(): RequestHandler {
  const parse = json({ limit: JSON_BODY_LIMIT_BYTES, verify: verifyUtf8 });
  return (req, res, next) =>
    parse(req, res, (error?: unknown) => {
      const failure = error ?? (req.body === undefined ? undefined : checkJsonShape(req.body));
      next(failure ? new RequestBodyError(failure) : undefined);
    });
}
