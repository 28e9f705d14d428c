import { SetMetadata, applyDecorators } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Scope } from '@touchline/config';

export const SCOPE_KEY = 'touchline:scope';
export const PUBLIC_KEY = 'touchline:public';

/**
 * The scope a route requires. Every route must carry this or @Public(): the guard denies the rest.
 * It also documents, in OpenAPI, the bearer key and the answers the guard gives, so that no
 * controller repeats them.
 */
export const RequireScope = (scope: Scope) =>
  applyDecorators(
    SetMetadata(SCOPE_KEY, scope),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'No valid API key' }),
    ApiForbiddenResponse({ description: `The key lacks the ${scope} scope` }),
    ApiTooManyRequestsResponse({ description: 'The key exceeds its rate; see Retry-After' }),
  );

/** A route anyone may call (health, API docs). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
