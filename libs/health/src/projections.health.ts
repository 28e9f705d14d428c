import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { HealthIndicatorService } from '@nestjs/terminus';
import { TOUCHLINE_CONFIG, type TouchlineConfig } from '@touchline/config';
import { withTimeout } from '@touchline/database';
import { sharedProjectionStatus } from '@touchline/metrics';
import { ProjectionEngine } from '@touchline/projections';
import { CHECK_TIMEOUT_MS } from './event-store.health';

/**
 * The projections' heartbeat: each live projection's checkpoint must move while events wait for
 * it. The check is down when a projection failed (stopped on an event it cannot apply), or has had
 * work waiting longer than the engine's stall threshold (30 s) without progress, and names it; a
 * projection that is merely behind but moving is up, with its lag in the details.
 *
 * The status is the registry's, shared by every process (not this process's runners), and the
 * read is the one the gauges use (sharedProjectionStatus). Readiness reports this check and does
 * not fail on it: see Readiness for why.
 */
@Injectable()
export class ProjectionsHealthIndicator {
  private engine: ProjectionEngine | null | undefined;

  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(TOUCHLINE_CONFIG) private readonly config: TouchlineConfig,
    private readonly health: HealthIndicatorService,
  ) {}

  async check(key = 'projections') {
    const indicator = this.health.check(key);
    const engine = this.findEngine();
    if (!engine || this.config.profile === 'eventstoredb') {
      return indicator.up({ running: false });
    }
    try {
      const statuses = await withTimeout(
        sharedProjectionStatus(engine)(),
        CHECK_TIMEOUT_MS,
        'The projection status',
      );
      const details = Object.fromEntries(
        statuses.map((s) => [
          s.name,
          {
            state: s.state,
            healthy: s.healthy,
            lagEvents: s.lagEvents,
            lagSeconds: Math.round(s.lagSeconds * 10) / 10,
            stalledForMs: s.stalledForMs,
            ...(s.lastError ? { lastError: s.lastError.message } : {}),
          },
        ]),
      );
      const unhealthy = statuses.filter((s) => !s.healthy).map((s) => s.name);
      return unhealthy.length === 0
        ? indicator.up(details)
        : indicator.down({ unhealthy, ...details });
    } catch (error) {
      return indicator.down({ error: (error as Error).message });
    }
  }

  private findEngine(): ProjectionEngine | null {
    if (this.engine === undefined) {
      try {
        this.engine = this.moduleRef.get(ProjectionEngine, { strict: false });
      } catch {
        this.engine = null; // this process runs no read models
      }
    }
    return this.engine ?? null;
  }
}
