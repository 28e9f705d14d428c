import { createTestDatabase } from '@touchline/testing';
import { describeEventStoreContract } from '../contract/event-store.contract';
import { PostgresEventStore } from './postgres-event-store.adapter';

describeEventStoreContract('PostgreSQL', async () => {
  const db = await createTestDatabase();
  await PostgresEventStore.migrate(db.pool);
  const store = new PostgresEventStore(db.pool);
  return {
    store,
    teardown: async () => {
      await store.close();
      await db.destroy();
    },
  };
});
