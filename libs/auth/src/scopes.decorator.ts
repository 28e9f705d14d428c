import { SetMetadata } from '@nestjs/common';
import type { Scope } from '@touchline/config';

export const SCOPE_KEY = 'touchline:scope';
export const PUBLIC_KEY = 'touchline:public';

/** The scope a route requires. Every route must carry this or @Public(): the guard denies the rest. */
export const RequireScope = (scope: Scope) => SetMetadata(SCOPE_KEY, scope);

/** A route anyone may call (health, API docs). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
