import { createHash } from 'node:crypto';
import { readKeyEntries } from './key-entries';

/** `personal`: decrypted personal data in analyst reads (docs/privacy.md); `admin`: everything. */
export const SCOPES = ['ingest', 'analyst', 'personal', 'ops', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** A configured API key. Only the sha256 of the secret is kept in memory. */
export interface ApiKeyConfig {
  id: string;
  secretHash: Buffer;
  scopes: Scope[];
  /** Requests per second allowed to this key (token bucket, burst = 2 s worth); 0 = unlimited. */
  ratePerSecond: number;
}

export const hashSecret = (secret: string): Buffer =>
  createHash('sha256').update(secret, 'utf8').digest();

const DEFAULT_RATE = 0;

/**
 * Parses `id:secret:scope+scope[:rate],...` (TOUCHLINE_API_KEYS) or the same, one key per line,
 * from a file (TOUCHLINE_API_KEYS_FILE; blank lines and # comments ignored). Problems are
 * appended to `problems` without ever echoing a secret.
 */
export function parseApiKeys(
  inline: string | undefined,
  file: string | undefined,
  problems: string[],
): ApiKeyConfig[] {
  const entries = readKeyEntries('TOUCHLINE_API_KEYS', inline, file, problems);
  const keys: ApiKeyConfig[] = [];
  const ids = new Set<string>();
  for (const { where, text } of entries) {
    const [id, secret, scopeList, rate, ...rest] = text.split(':');
    const bad = (why: string) =>
      problems.push(`${where}: ${why} (expected id:secret:scope+scope[:rate])`);
    if (rest.length > 0 || !id || !secret || !scopeList) {
      bad('malformed');
      continue;
    }
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(id))
      bad(`key id "${id}" must be 1-64 letters, digits, _ . -`);
    if (ids.has(id)) bad(`key id "${id}" appears twice`);
    ids.add(id);
    if (secret.length < 16) bad(`the secret of key "${id}" must be at least 16 characters`);
    const scopes = scopeList.split('+');
    const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
    if (unknown.length)
      bad(`key "${id}" has unknown scope(s) ${unknown.join(', ')}; scopes: ${SCOPES.join(', ')}`);
    let ratePerSecond = DEFAULT_RATE;
    if (rate !== undefined) {
      ratePerSecond = Number(rate);
      if (!/^\d+(\.\d+)?$/.test(rate))
        bad(`key "${id}" rate must be a number of requests per second`);
    }
    keys.push({ id, secretHash: hashSecret(secret), scopes: scopes as Scope[], ratePerSecond });
  }
  return keys;
}
