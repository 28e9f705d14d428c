import { randomBytes, timingSafeEqual } from 'node:crypto';
import { hashSecret, type ApiKeyConfig, type Scope } from '@touchline/config';

export interface ApiKey {
  id: string;
  scopes: Scope[];
  ratePerSecond: number;
}

/** `admin` may do everything; the other scopes grant exactly themselves. */
export function hasScope(key: ApiKey, required: Scope): boolean {
  return key.scopes.includes('admin') || key.scopes.includes(required);
}

/**
 * The configured keys. A presented secret is hashed and compared with every key's hash in
 * constant time, so neither the comparison nor the lookup tells an attacker how close it was.
 */
export class ApiKeyRegistry {
  constructor(private readonly keys: ApiKeyConfig[]) {}

  authenticate(secret: string): ApiKey | null {
    const presented = hashSecret(secret);
    let match: ApiKeyConfig | null = null;
    for (const key of this.keys) {
      if (timingSafeEqual(presented, key.secretHash) && match === null) match = key;
    }
    return match && { id: match.id, scopes: match.scopes, ratePerSecond: match.ratePerSecond };
  }

  get size(): number {
    return this.keys.length;
  }
}

/** A fresh admin key for the embedded profile when no key is configured. */
export function generateAdminKey(): { secret: string; config: ApiKeyConfig } {
  const secret = `tl_${randomBytes(24).toString('base64url')}`;
  return { secret, config: adminKeyConfig(secret) };
}

/** The embedded profile's admin key with this secret (one it generated, or one it kept). */
export function adminKeyConfig(secret: string): ApiKeyConfig {
  return {
    id: 'embedded-admin',
    secretHash: hashSecret(secret),
    scopes: ['admin'],
    ratePerSecond: 0,
  };
}
