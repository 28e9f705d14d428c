import type { MasterKeysConfig } from '@touchline/config';

/** Fixed, public master keys for tests only. `TEST_MASTER_KEYS_ENV` is the same as configuration. */
export const TEST_MASTER_KEYS: MasterKeysConfig = {
  keys: [{ id: 'test-master', key: Buffer.alloc(32, 7) }],
  activeId: 'test-master',
};

export const TEST_MASTER_KEYS_ENV = `test-master:${Buffer.alloc(32, 7).toString('base64')}`;
