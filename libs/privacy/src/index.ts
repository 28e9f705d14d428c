export { PrivacyModule } from './privacy.module';
export { PersonalDataVault } from './personal-data-vault';
export type { OpenedEvent, PersonalDataState } from './personal-data-vault';
export { DecryptingEventStore } from './decrypting-event-store';
export { DataKeys } from './keys/data-keys';
export type { DataKey, DataKeysOptions, RotationResult } from './keys/data-keys';
export { openPersonalDataVault } from './open-vault';
export { TEST_MASTER_KEYS, TEST_MASTER_KEYS_ENV } from './testing/test-master-keys';
