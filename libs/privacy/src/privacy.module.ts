import { Global, Logger, Module } from '@nestjs/common';
import { TOUCHLINE_CONFIG, type TouchlineConfig } from '@touchline/config';
import { DATABASE, runMigrations, type Database } from '@touchline/database';
import { embeddedMasterKeys } from './crypto/embedded-master-key';
import { MasterKeyring } from './crypto/master-keyring';
import { DataKeys } from './keys/data-keys';
import { PRIVACY_MIGRATION_SCOPE, privacyMigrations } from './migrations';
import { PersonalDataVault } from './personal-data-vault';

function keyring(config: TouchlineConfig): MasterKeyring {
  if (config.masterKeys.keys.length > 0) return new MasterKeyring(config.masterKeys);
  // Configuration validation refused to start without master keys outside the embedded profile.
  const embedded = embeddedMasterKeys(config.dataDir);
  if (embedded.generated) {
    new Logger('Privacy').warn(
      `No master key configured: generated one in ${embedded.file}. Personal data is encrypted ` +
        'with it; losing that file loses the data. Set TOUCHLINE_MASTER_KEYS for anything real.',
    );
  }
  return new MasterKeyring(embedded.config);
}

/**
 * Envelope encryption of personal data (docs/privacy.md): the master keys from configuration,
 * the data keys in privacy.customer_keys (migrated here), and the vault that seals events before
 * they are appended and opens them for the readers allowed to see personal data.
 */
@Global()
@Module({
  providers: [
    {
      provide: DataKeys,
      inject: [TOUCHLINE_CONFIG, DATABASE],
      useFactory: async (config: TouchlineConfig, db: Database): Promise<DataKeys> => {
        const masters = keyring(config);
        await runMigrations(db.pool, PRIVACY_MIGRATION_SCOPE, privacyMigrations);
        return new DataKeys(db.pool, masters);
      },
    },
    {
      provide: PersonalDataVault,
      inject: [DataKeys],
      useFactory: (keys: DataKeys) => new PersonalDataVault(keys),
    },
  ],
  exports: [DataKeys, PersonalDataVault],
})
export class PrivacyModule {}
