import {
  ForbiddenException,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Scope } from '@touchline/config';
import type { Request, Response } from 'express';
import { ApiKeyRegistry, hasScope, type ApiKey } from './api-key-registry';
import { RateLimiter } from './rate-limiter';
import { PUBLIC_KEY, SCOPE_KEY } from './scopes.decorator';

export const API_KEY_REGISTRY = Symbol('API_KEY_REGISTRY');

export type AuthenticatedRequest = Request & { apiKey?: ApiKey };

/**
 * Authenticates `Authorization: Bearer <secret>` (or HTTP Basic with the secret as user name, the
 * way Segment's SDKs send a write key), checks the route's scope and the key's rate.
 * 401 without a valid key, 403 without the scope, 429 with Retry-After over the rate.
 * Deny by default: a route that declares neither a scope nor @Public() is refused.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly limiter = new RateLimiter();

  constructor(
    private readonly reflector: Reflector,
    @Inject(API_KEY_REGISTRY) private readonly registry: ApiKeyRegistry,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const scope = this.reflector.getAllAndOverride<Scope | undefined>(SCOPE_KEY, targets);
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const response = context.switchToHttp().getResponse<Response>();

    const secret = presentedSecret(request.headers.authorization);
    const key = secret ? this.registry.authenticate(secret) : null;
    if (!key) {
      response.setHeader('WWW-Authenticate', 'Bearer realm="touchline", Basic realm="touchline"');
      throw new UnauthorizedException(
        secret ? 'Invalid API key' : 'Missing API key: send Authorization: Bearer <key>',
      );
    }
    if (!scope) throw new ForbiddenException('This route is not open to API keys');
    if (!hasScope(key, scope)) {
      throw new ForbiddenException(`API key "${key.id}" lacks the "${scope}" scope`);
    }
    const wait = this.limiter.take(key.id, key.ratePerSecond);
    if (wait > 0) {
      response.setHeader('Retry-After', String(wait));
      throw new HttpException(
        {
          statusCode: 429,
          error: 'Too Many Requests',
          message: `API key "${key.id}" exceeds its rate`,
        },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    request.apiKey = key;
    return true;
  }
}

function presentedSecret(header: string | undefined): string | null {
  if (!header) return null;
  const [kind, value] = header.split(' ', 2);
  if (!value) return null;
  if (kind?.toLowerCase() === 'bearer') return value.trim() || null;
  if (kind?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const user = decoded.split(':', 1)[0];
    return user || null;
  }
  return null;
}
