import { STATUS_CODES } from 'node:http';
import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { JSON_BODY_LIMIT_BYTES, RequestBodyError } from './json-body-parser';

/**
 * Turns a body the JSON parser could not read into a clear JSON answer (Nest alone would pass on
 * body-parser's terse message, e.g. "request entity too large"). Catches RequestBodyError only,
 * so it cannot shadow StoreErrorsFilter or any other filter.
 */
@Catch(RequestBodyError)
export class RequestBodyErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger(RequestBodyErrorsFilter.name);

  catch(error: RequestBodyError, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { status, message } = describe(error);
    if (status >= 500) this.logger.error(`Reading a request body failed: ${error.message}`);
    response.status(status).json({ statusCode: status, error: STATUS_CODES[status], message });
  }
}

function describe(error: RequestBodyError): { status: number; message: string } {
  switch (error.type) {
    case 'entity.too.large':
      return {
        status: 413,
        message:
          `The request body is larger than ${JSON_BODY_LIMIT_BYTES.toLocaleString('en')} bytes ` +
          '(1 MB): send fewer touchpoints per request',
      };
    case 'entity.parse.failed':
      return {
        status: 400,
        message: `The request body is not valid JSON: ${error.message.slice(0, 200)}`,
      };
    case 'entity.too.deep':
    case 'entity.unsafe.key':
      return { status: 400, message: error.message };
    case 'encoding.invalid':
      return { status: 400, message: 'The request body is not valid UTF-8' };
    case 'charset.unsupported':
      return {
        status: 415,
        message: `${error.message.slice(0, 100)}: JSON must be sent as UTF-8 (charset=utf-8 or none)`,
      };
    case 'encoding.unsupported':
      return {
        status: 415,
        message: `${error.message.slice(0, 100)}: send the body as is, or with Content-Encoding gzip, deflate or br`,
      };
    case 'request.aborted':
      return { status: 400, message: 'The request was aborted before its body was complete' };
    case 'request.size.invalid':
      return { status: 400, message: 'The request body does not match its Content-Length' };
    default:
      // Anything else body-parser reports: keep its 4xx, and do not echo what a 5xx says.
      return error.status >= 400 && error.status < 500
        ? { status: error.status, message: `The request body could not be read: ${error.message}` }
        : { status: 500, message: 'Internal server error' };
  }
}
