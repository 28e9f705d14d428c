import type { MasterKeysConfig } from '@touchline/config';
import { runMigrations } from '@touchline/database';
import type { Pool } from 'pg';
import { MasterKeyring } from './crypto/master-keyring';
import { DataKeys, type DataKeysOptions } from './keys/data-keys';
import { PRIVACY_MIGRATION_SCOPE, privacyMigrations } from './migrations';
import { PersonalDataVault } from './personal-data-vault';

/** The vault outside Nest (scripts, benchmarks, tests): migrates privacy.customer_keys first. */
export async function openPersonalDataVault(
  pool: Pool,
  masterKeys: MasterKeysConfig,
  options: DataKeysOptions = {},
): Promise<{ vault: PersonalDataVault; keys: DataKeys }> {
  const keyring = new MasterKeyring(masterKeys);
  await runMigrations(pool, PRIVACY_MIGRATION_SCOPE, privacyMigrations);
  const keys = new DataKeys(pool, keyring, options);
  return { vault: new PersonalDataVault(keys), keys };
}
