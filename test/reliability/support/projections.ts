import { waitFor } from '@touchline/testing';
import type { Pool } from 'pg';
import { getJson, send, bearer } from './http';
import { KEYS } from './keys';

/** The fields of GET /v1/ops/projections this suite reads. */
export interface ProjectionStatusView {
  name: string;
  version: number;
  generation: number;
  state: string;
  caughtUp: boolean;
  lagEvents: number;
  lagSeconds: number;
  stalledForMs: number;
  healthy: boolean;
  deadLetters: number;
  rebuild: unknown;
  lastError: { message: string } | null;
}

export async function projectionStatus(baseUrl: string): Promise<ProjectionStatusView[]> {
  const answer = await getJson(baseUrl, '/v1/ops/projections', KEYS.ops);
  if (answer.status !== 200)
    throw new Error(`GET /v1/ops/projections answered ${answer.status}: ${answer.text}`);
  return answer.json as ProjectionStatusView[];
}

/**
 * Waits until every projection has applied everything in the store (lag 0, caught up); on a
 * timeout the error says where each projection stood.
 */
export async function waitForProjectionsCaughtUp(
  baseUrl: string,
  timeoutMs = 120_000,
): Promise<ProjectionStatusView[]> {
  let last: ProjectionStatusView[] | undefined;
  try {
    return await waitFor(
      async () => {
        last = (await projectionStatus(baseUrl).catch(() => undefined)) ?? last;
        return last?.every((s) => s.caughtUp && s.lagEvents === 0 && s.rebuild === null)
          ? last
          : undefined;
      },
      { timeoutMs, intervalMs: 100, what: 'every projection to catch up with the store' },
    );
  } catch (error) {
    const where = (last ?? []).map((s) => ({
      name: s.name,
      state: s.state,
      lagEvents: s.lagEvents,
      caughtUp: s.caughtUp,
      stalledForMs: s.stalledForMs,
      lastError: s.lastError?.message ?? null,
      rebuild: s.rebuild !== null,
    }));
    throw new Error(`${(error as Error).message}; last status: ${JSON.stringify(where)}`);
  }
}

/**
 * The rows readers see (the view projections.<name>), in key order: key and data. Not
 * updated_position: fed by Kafka, a row that sums events of several customers (survey_daily)
 * takes them from several partitions in whatever interleaving the consumers had, so the last
 * event applied to it, unlike its data, depends on timing (docs/projections.md).
 */
export async function projectionRows(
  pool: Pool,
  name: string,
): Promise<{ key: string; data: unknown }[]> {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`not a projection name: ${name}`);
  const { rows } = await pool.query(
    `SELECT key, data FROM projections.${name} ORDER BY key COLLATE "C"`,
  );
  return rows;
}

/**
 * A clean rebuild of every projection through the ops API (each from the start of the log,
 * beside the live copy), waiting for each to switch. Returns the rows readers saw before and
 * after, per projection: after a correct recovery they are identical, row for row.
 */
export async function compareWithCleanRebuild(
  baseUrl: string,
  pool: Pool,
): Promise<{ name: string; rows: number; before: unknown[]; after: unknown[] }[]> {
  const live = await waitForProjectionsCaughtUp(baseUrl);
  const result: { name: string; rows: number; before: unknown[]; after: unknown[] }[] = [];
  for (const projection of live) {
    const before = await projectionRows(pool, projection.name);
    const started = await send(baseUrl, {
      path: `/v1/ops/projections/${projection.name}/rebuild`,
      headers: bearer(KEYS.ops),
    });
    if (started.status !== 202)
      throw new Error(`rebuild of ${projection.name} answered ${started.status}: ${started.text}`);
    const { generation } = started.json as { generation: number };
    await waitFor(
      async () => {
        const status = (await projectionStatus(baseUrl)).find((s) => s.name === projection.name);
        return status &&
          status.generation === generation &&
          status.rebuild === null &&
          status.caughtUp
          ? status
          : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 100, what: `the rebuild of ${projection.name} to switch` },
    );
    const after = await projectionRows(pool, projection.name);
    result.push({ name: projection.name, rows: before.length, before, after });
  }
  return result;
}
