import { createServer, type Server } from 'node:http';
import type { INestApplicationContext } from '@nestjs/common';
import { withTimeout } from '@touchline/database';
import { CHECK_TIMEOUT_MS, Readiness, type ReadinessReport } from '@touchline/health';
import { sharedProjectionStatus } from '@touchline/metrics';
import { ProjectionEngine, type ProjectionStatus } from '@touchline/projections';
import { RELAY, type Relay, type RelayStatus } from '@touchline/relay';

export interface WorkerStatus {
  /** Readiness as libs/health decides it for every process: the database and the store answer. */
  ready: boolean;
  status: ReadinessReport['status'];
  /** Every check, required or only reported, as in the `details` of the API's /health/ready. */
  checks: ReadinessReport['details'];
  /** Where each projection stands (empty when its status could not be read in time). */
  projections: Array<
    Pick<
      ProjectionStatus,
      | 'name'
      | 'version'
      | 'generation'
      | 'state'
      | 'checkpoint'
      | 'lagEvents'
      | 'lagSeconds'
      | 'healthy'
    > & { lastError: string | null }
  >;
  /** The kafka profile's relay (null elsewhere, or when it did not answer in time). */
  relay:
    | (Pick<RelayStatus, 'role' | 'checkpoint' | 'lag' | 'consecutiveFailures'> & {
        lastError: string | null;
      })
    | null;
}

/** The worker's parts that its health port reports on. */
export interface WorkerParts {
  readiness: Pick<Readiness, 'check'>;
  engine: Pick<ProjectionEngine, 'status'>;
  relay: Pick<Relay, 'status'> | null;
}

export function workerParts(app: INestApplicationContext, withRelay: boolean): WorkerParts {
  return {
    readiness: app.get(Readiness),
    engine: app.get(ProjectionEngine),
    relay: withRelay ? app.get<Relay>(RELAY) : null,
  };
}

/**
 * The readiness of libs/health (the same policy and checks as the API's, each with its deadline),
 * with the projections' positions and the relay's state beside it. The projections' status is the
 * read the readiness check just made (sharedProjectionStatus), not a second one.
 */
export async function workerStatus({
  readiness,
  engine,
  relay,
}: WorkerParts): Promise<WorkerStatus> {
  const [report, statuses, relayStatus] = await Promise.all([
    readiness.check(),
    withTimeout(sharedProjectionStatus(engine)(), CHECK_TIMEOUT_MS, 'The projection status').catch(
      (): ProjectionStatus[] => [],
    ),
    relay ? withTimeout(relay.status(), CHECK_TIMEOUT_MS, 'The relay').catch(() => null) : null,
  ]);
  return {
    ready: report.status === 'ok',
    status: report.status,
    checks: report.details,
    projections: statuses.map((s) => ({
      name: s.name,
      version: s.version,
      generation: s.generation,
      state: s.state,
      checkpoint: s.checkpoint,
      lagEvents: s.lagEvents,
      lagSeconds: s.lagSeconds,
      healthy: s.healthy,
      lastError: s.lastError?.message ?? null,
    })),
    relay: relayStatus && {
      role: relayStatus.role,
      checkpoint: relayStatus.checkpoint,
      lag: relayStatus.lag,
      consecutiveFailures: relayStatus.consecutiveFailures,
      lastError: relayStatus.lastError?.message ?? null,
    },
  };
}

/** Past this the port answers 503 without waiting longer (each check has its own deadline too). */
const PROBE_DEADLINE_MS = CHECK_TIMEOUT_MS + 500;

/**
 * The worker's only HTTP surface, for orchestrators and scrapers: GET /health/live (200 while the
 * process runs), GET /health/ready and GET /status (the same JSON; /health/ready answers 503 when
 * not ready). Nothing else, no authentication: it reveals positions and lag, no data.
 */
export function startHealthServer(
  port: number,
  status: () => Promise<WorkerStatus>,
): Promise<Server> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const send = (code: number, body: unknown) => {
      response.writeHead(code, {
        'content-type': 'application/json',
        'cache-control': 'no-cache, no-store, must-revalidate',
      });
      response.end(JSON.stringify(body));
    };
    if (request.method !== 'GET') return send(405, { message: 'Only GET' });
    if (path === '/health/live') return send(200, { status: 'ok' });
    if (path === '/health/ready' || path === '/status') {
      void withTimeout(status(), PROBE_DEADLINE_MS, 'The worker status').then(
        (s) => send(path === '/status' || s.ready ? 200 : 503, s),
        (error: unknown) => send(503, { ready: false, error: (error as Error).message }),
      );
      return;
    }
    send(404, { message: 'The worker serves /health/live, /health/ready and /status only' });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve(server));
  });
}
