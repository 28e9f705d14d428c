import { randomBytes } from 'node:crypto';
import { loadConfig, type TouchlineConfig } from '@touchline/config';

type Env = Record<string, string | undefined>;

/**
 * The API's configuration, read and validated by the same loadConfig: DATABASE_URL, or the
 * embedded database in TOUCHLINE_DATA_DIR. API keys guard the HTTP API and mean nothing to the
 * CLI, which acts as the operating-system user; loadConfig requires them outside the embedded
 * profile, so where none is set a throwaway key stands in for validation and is then dropped.
 */
export function loadCliConfig(env: Env = process.env): TouchlineConfig {
  const hasKeys = Boolean(env.TOUCHLINE_API_KEYS?.trim() || env.TOUCHLINE_API_KEYS_FILE?.trim());
  if (hasKeys) return loadConfig(env);
  const placeholder = `cli:${randomBytes(24).toString('base64url')}:ops`;
  return { ...loadConfig({ ...env, TOUCHLINE_API_KEYS: placeholder }), apiKeys: [] };
}
