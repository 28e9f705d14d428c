import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describeEventStoreContract } from '../contract/event-store.contract';
import { EventStoreDbEventStore } from './eventstoredb-event-store.adapter';

/**
 * The contract against a real EventStoreDB: EVENTSTORE_URL when set, else a throwaway container
 * (testcontainers) when a Docker engine is reachable. Without either the suite reports itself
 * skipped in one line, also under TOUCHLINE_TEST_STRICT=1: only PostgreSQL and Kafka are
 * mandatory in CI.
 */
const IMAGE = process.env.EVENTSTORE_IMAGE ?? 'eventstore/eventstore:24.10';
const NAME = 'EventStoreDB';

type Availability = { available: true; url: string | null } | { available: false; reason: string };

/** Synchronous: jest collects describe blocks synchronously. */
function eventStoreDbAvailability(env: NodeJS.ProcessEnv = process.env): Availability {
  if (env.EVENTSTORE_URL) return { available: true, url: env.EVENTSTORE_URL };
  if (dockerEngineConfigured(env)) return { available: true, url: null };
  return { available: false, reason: 'no Docker engine and no EVENTSTORE_URL' };
}

/** Where testcontainers would look for an engine; a socket file that exists is taken as one. */
function dockerEngineConfigured(env: NodeJS.ProcessEnv): boolean {
  const host = env.DOCKER_HOST ?? testcontainersDockerHost();
  if (host) return host.startsWith('unix://') ? existsSync(host.slice('unix://'.length)) : true;
  const sockets = ['/var/run/docker.sock', join(homedir(), '.docker', 'run', 'docker.sock')];
  if (env.XDG_RUNTIME_DIR) sockets.push(join(env.XDG_RUNTIME_DIR, 'docker.sock'));
  return sockets.some((socket) => existsSync(socket));
}

function testcontainersDockerHost(): string | undefined {
  const file = join(homedir(), '.testcontainers.properties');
  if (!existsSync(file)) return undefined;
  return /^docker\.host\s*=\s*(.+)$/m.exec(readFileSync(file, 'utf8'))?.[1]?.trim();
}

async function startEventStoreDb(
  url: string | null,
): Promise<{ url: string; stop: () => Promise<void> }> {
  if (url) return { url, stop: async () => undefined };
  // Loaded only here: testcontainers takes seconds to import, for nothing when the suite skips.
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer(IMAGE)
    .withEnvironment({
      EVENTSTORE_INSECURE: 'true',
      EVENTSTORE_RUN_PROJECTIONS: 'None',
      EVENTSTORE_MEM_DB: 'true',
      EVENTSTORE_CLUSTER_SIZE: '1',
    })
    .withExposedPorts(2113)
    .withWaitStrategy(
      Wait.forHttp('/health/live', 2113).forStatusCodeMatching((code) => code >= 200 && code < 300),
    )
    .withStartupTimeout(120_000)
    .start();
  return {
    url: `esdb://${container.getHost()}:${container.getMappedPort(2113)}?tls=false`,
    stop: async () => {
      await container.stop();
    },
  };
}

const availability = eventStoreDbAvailability();
if (availability.available) {
  // Pulling the image on a first run outlasts jest's default hook timeout.
  jest.setTimeout(180_000);
  describeEventStoreContract(NAME, async () => {
    const server = await startEventStoreDb(availability.url);
    const store = new EventStoreDbEventStore(server.url);
    return {
      store,
      teardown: async () => {
        await store.close();
        await server.stop();
      },
    };
  });
} else {
  // A lone placeholder, not the contract: its tests would each print a skipped line of their own.
  describe.skip(`EventStore contract: ${NAME} — skipped: ${availability.reason}`, () => {
    it('needs EventStoreDB', () => undefined);
  });
}
