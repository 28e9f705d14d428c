import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { HealthIndicatorService } from '@nestjs/terminus';
import { TOUCHLINE_CONFIG, type TouchlineConfig } from '@touchline/config';
import { withTimeout } from '@touchline/database';
import { KafkaInboundConsumer, type KafkaInboundStatus } from '@touchline/ingest';
import { createKafka } from '@touchline/kafka';
import { RELAY, type Relay, type RelayStatus } from '@touchline/relay';
import type { Admin } from 'kafkajs';
import { CHECK_TIMEOUT_MS } from './event-store.health';

/** The relay leader has failed this many publish attempts in a row: Kafka is not taking events. */
export const RELAY_FAILURES_NOT_READY = 3;

/**
 * In the kafka profile: a broker answers a metadata request, and the relay, if this process runs
 * one, is not stuck failing to publish. A standby relay is ready (another process leads).
 * Without KAFKA_BROKERS the check is not run at all.
 *
 * The details also say where the Kafka inbound consumer stands (`inbound`: joining, joined,
 * retrying with the last error), in a process that runs it. That never makes the check down: a
 * consumer that has not joined yet is normal for one session timeout after a crash, and HTTP
 * ingestion does not need it (what readiness requires is decided in readiness.ts).
 */
@Injectable()
export class KafkaHealthIndicator implements OnModuleDestroy {
  private admin: Admin | undefined;
  private connected: Promise<void> | undefined;

  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(TOUCHLINE_CONFIG) private readonly config: TouchlineConfig,
    private readonly health: HealthIndicatorService,
  ) {}

  get configured(): boolean {
    return (this.config.kafkaBrokers?.length ?? 0) > 0;
  }

  async check(key = 'kafka') {
    const indicator = this.health.check(key);
    const relay = await this.relayStatus();
    const inbound = this.inboundStatus();
    const about = { ...(relay ? { relay } : {}), ...(inbound ? { inbound } : {}) };
    try {
      const cluster = await withTimeout(this.describeCluster(), CHECK_TIMEOUT_MS, 'Kafka');
      const details = { brokers: cluster.brokers.length, ...about };
      if (relay?.role === 'leader' && relay.consecutiveFailures >= RELAY_FAILURES_NOT_READY) {
        return indicator.down({ ...details, error: 'the relay cannot publish to Kafka' });
      }
      return indicator.up(details);
    } catch (error) {
      // Drop the client: the next probe starts from a fresh connection.
      void this.reset();
      return indicator.down({ error: (error as Error).message, ...about });
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.reset();
  }

  private async describeCluster() {
    if (!this.admin) {
      const kafka = createKafka({
        brokers: this.config.kafkaBrokers!,
        clientId: 'touchline-health',
        // Fail fast: the probe has a deadline of its own.
        retry: { retries: 0 },
        connectionTimeout: 1_000,
        requestTimeout: CHECK_TIMEOUT_MS,
      });
      this.admin = kafka.admin();
    }
    this.connected ??= this.admin.connect();
    await this.connected;
    return this.admin.describeCluster();
  }

  private async reset(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    this.connected = undefined;
    await admin?.disconnect().catch(() => undefined);
  }

  private inboundStatus(): InboundDetails | undefined {
    let consumer: KafkaInboundConsumer;
    try {
      consumer = this.moduleRef.get(KafkaInboundConsumer, { strict: false });
    } catch {
      return undefined; // this process runs no inbound consumer (the worker)
    }
    const status = consumer.status();
    return status.state === 'disabled' ? undefined : inboundDetails(status);
  }

  private async relayStatus(): Promise<
    (Pick<RelayStatus, 'role' | 'lag' | 'consecutiveFailures'> & { lastError?: string }) | undefined
  > {
    let relay: Relay;
    try {
      relay = this.moduleRef.get<Relay>(RELAY, { strict: false });
    } catch {
      return undefined; // this process runs no relay
    }
    try {
      const s = await withTimeout(relay.status(), CHECK_TIMEOUT_MS, 'The relay');
      return {
        role: s.role,
        lag: s.lag,
        consecutiveFailures: s.consecutiveFailures,
        ...(s.lastError ? { lastError: s.lastError.message } : {}),
      };
    } catch {
      return undefined;
    }
  }
}

/** The inbound consumer's status as JSON for probes: dates as ISO strings, absent fields left out. */
export interface InboundDetails {
  state: KafkaInboundStatus['state'];
  since: string;
  attempts: number;
  partitions?: number[];
  lastError?: string;
  lastErrorAt?: string;
  retryAt?: string;
}

function inboundDetails(status: KafkaInboundStatus): InboundDetails {
  return {
    state: status.state,
    since: status.since.toISOString(),
    attempts: status.attempts,
    ...(status.partitions ? { partitions: status.partitions } : {}),
    ...(status.lastError
      ? { lastError: status.lastError.message, lastErrorAt: status.lastError.at.toISOString() }
      : {}),
    ...(status.retryAt ? { retryAt: status.retryAt.toISOString() } : {}),
  };
}
