import { createServer, type Server } from 'node:http';
import type { ProjectionEngine, ProjectionStatus } from '@touchline/projections';
import type { Relay, RelayStatus } from '@touchline/relay';

export interface WorkerStatus {
  ready: boolean;
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
  relay: Pick<RelayStatus, 'role' | 'checkpoint' | 'lag' | 'consecutiveFailures'> | null;
  error?: string;
}

/** Ready: the database answers and every projection is healthy (not failed, not stalled). */
export async function workerStatus(
  engine: ProjectionEngine,
  relay: Relay | null,
): Promise<WorkerStatus> {
  try {
    const statuses = await engine.status();
    const relayStatus = relay ? await relay.status() : null;
    return {
      ready: statuses.every((s) => s.healthy),
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
      },
    };
  } catch (error) {
    return { ready: false, projections: [], relay: null, error: (error as Error).message };
  }
}

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
      response.writeHead(code, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.method !== 'GET') return send(405, { message: 'Only GET' });
    if (path === '/health/live') return send(200, { status: 'ok' });
    if (path === '/health/ready' || path === '/status') {
      void status().then((s) => send(path === '/status' || s.ready ? 200 : 503, s));
      return;
    }
    send(404, { message: 'The worker serves /health/live, /health/ready and /status only' });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve(server));
  });
}
