import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiKeyConfig } from '@touchline/config';
import { adminKeyConfig, generateAdminKey } from './api-key-registry';

export const EMBEDDED_ADMIN_KEY_FILE = 'admin-key';

/**
 * The embedded profile's admin key when no key is configured: generated once and kept in the data
 * directory (mode 0600) beside the embedded database, so that a restart keeps the key a newcomer
 * already pasted into the dashboard, and `npm run demo` can find it. Any real deployment
 * configures its own keys (TOUCHLINE_API_KEYS).
 */
export function embeddedAdminKey(dataDir: string): {
  secret: string;
  config: ApiKeyConfig;
  file: string;
  generated: boolean;
} {
  const file = join(dataDir, EMBEDDED_ADMIN_KEY_FILE);
  try {
    const secret = readFileSync(file, 'utf8').trim();
    if (!/^tl_[A-Za-z0-9_-]{16,}$/.test(secret))
      throw new Error(`${file} holds no usable API key: delete it to generate a new one`);
    return { secret, config: adminKeyConfig(secret), file, generated: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  const generated = generateAdminKey();
  writeFileSync(file, `${generated.secret}\n`, { mode: 0o600, flag: 'wx' });
  return { ...generated, file, generated: true };
}
