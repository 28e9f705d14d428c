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
    parse(req, res, (error?: unknown) => next(error ? new RequestBodyError(error) : undefined));
}
