import { readKeyEntries } from './key-entries';

/**
 * A master key: it wraps (encrypts) the customers' data keys, never data itself (docs/privacy.md).
 * Only wrapped data keys are stored in the database; master keys live in configuration.
 */
export interface MasterKeyConfig {
  /** Recorded beside every data key it wraps, so rotation knows what to re-wrap. */
  id: string;
  /** 32 bytes (AES-256). */
  key: Buffer;
}

export interface MasterKeysConfig {
  keys: MasterKeyConfig[];
  /** Wraps new data keys and is the target of `touchline keys rotate`; undefined when no keys. */
  activeId: string | undefined;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const KEY_BYTES = 32;

/**
 * Parses `keyId:base64key,...` (TOUCHLINE_MASTER_KEYS) and/or the same, one key per line, from a
 * file (TOUCHLINE_MASTER_KEYS_FILE; blank lines and # comments ignored). The active key is
 * TOUCHLINE_MASTER_KEY_ACTIVE, else the first one listed. Problems never echo key material.
 */
export function parseMasterKeys(
  inline: string | undefined,
  file: string | undefined,
  active: string | undefined,
  problems: string[],
): MasterKeysConfig {
  const entries = readKeyEntries('TOUCHLINE_MASTER_KEYS', inline, file, problems);
  const keys: MasterKeyConfig[] = [];
  for (const { where, text } of entries) {
    const colon = text.indexOf(':');
    const id = colon < 0 ? '' : text.slice(0, colon);
    const encoded = colon < 0 ? '' : text.slice(colon + 1);
    const bad = (why: string) =>
      problems.push(`${where}: ${why} (expected keyId:base64 of 32 random bytes)`);
    if (!KEY_ID.test(id)) {
      bad('the key id must be 1-64 letters, digits, ".", "_" or "-"');
      continue;
    }
    if (keys.some((k) => k.id === id)) {
      bad(`key id "${id}" appears twice`);
      continue;
    }
    const key = /^[A-Za-z0-9+/]+={0,2}$/.test(encoded) ? Buffer.from(encoded, 'base64') : null;
    if (!key || key.length !== KEY_BYTES) {
      bad(`key "${id}" is not base64 of exactly ${KEY_BYTES} bytes`);
      continue;
    }
    keys.push({ id, key });
  }
  if (active !== undefined && !keys.some((k) => k.id === active)) {
    problems.push(
      `TOUCHLINE_MASTER_KEY_ACTIVE names "${active}", which is not among the configured master keys`,
    );
  }
  return { keys, activeId: active ?? keys[0]?.id };
}
