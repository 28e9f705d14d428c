import {
  createParamDecorator,
  UnsupportedMediaTypeException,
  type ExecutionContext,
} from '@nestjs/common';
import type { Request } from 'express';

/**
 * The parsed JSON body, for routes that take nothing but JSON; 415 for any other content type.
 * The parser skips bodies of other types without a word (req.body stays undefined), so without
 * this check a form or text body would surface as a confusing "must be an object". A request with
 * no body at all passes (body undefined) and fails validation instead. Runs after the guards, so
 * an unauthenticated caller learns nothing about the route.
 */
export const JsonBody = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const request = context.switchToHttp().getRequest<Request>();
  // Same test as the parser's (type-is): null means the request has no body.
  if (request.is('application/json') === false) {
    const sent = String(request.headers['content-type'] ?? '').slice(0, 100);
    throw new UnsupportedMediaTypeException(
      sent
        ? `Content-Type must be application/json, got "${sent}"`
        : 'Content-Type must be application/json, and none was sent',
    );
  }
  return request.body as unknown;
});
