import type { Client, QueryResult, QueryResultRow } from 'pg';
import { isConnectionError, TimeoutError, withTimeout } from '@touchline/database';
import { LeadershipLostError, errorMessage } from './errors';
import type { RelayLogger } from './logger';
import type { Queryable } from './sql/queryable';
import { tryAdvisoryLock } from './sql/tryAdvisoryLock';
import { backoffDelay, delay, type BackoffOptions } from './timing';

export interface LeaderLockOptions {
  /** The relay's name: the lock key. */
  name: string;
  /** Opens a dedicated connection, never a pooled one: the lock lives as long as the session. */
  connect: () => Promise<Client>;
  /** How often a standby tries for the lock. */
  pollMs: number;
  /** How often the leader proves its lock connection alive. */
  heartbeatMs: number;
  /** A statement on the lock connection slower than this counts as a lost connection. */
  statementTimeoutMs: number;
  /** Waits between attempts to reach PostgreSQL when it fails. */
  reconnect: BackoffOptions;
  /**
   * Server-side TCP keepalives for the lock session, in seconds, so that PostgreSQL notices a
   * leader that vanished without closing its socket (power loss, partition) and frees the lock.
   * The server's default comes from the OS, typically two hours.
   */
  serverKeepalive: { idle: number; interval: number; count: number };
  logger: RelayLogger;
  onError: (error: unknown) => void;
  onStandby: () => void;
}

/**
 * Leader election by a PostgreSQL session advisory lock. A standby keeps one connection and
 * retries pg_try_advisory_lock on it; the winner gets a Lease on that same connection.
 */
export async function acquireLeadership(
  options: LeaderLockOptions,
  stop: AbortSignal,
): Promise<Lease | null> {
  let session: LockSession | null = null;
  let failures = 0;
  while (!stop.aborted) {
    try {
      session ??= await openSession(options);
      if (await session.run((client) => tryAdvisoryLock(client, options.name))) {
        if (stop.aborted) break;
        const lease = new Lease(session, options);
        session = null;
        return lease;
      }
      failures = 0;
      options.onStandby();
      await delay(backoffDelay(0, { initialMs: options.pollMs, maxMs: options.pollMs }), stop);
    } catch (error) {
      options.onError(error);
      options.logger.warn('Relay: cannot reach PostgreSQL for the leader lock, retrying', {
        error: errorMessage(error),
      });
      session?.destroy();
      session = null;
      await delay(backoffDelay(failures++, options.reconnect), stop);
    }
  }
  await session?.close();
  return null;
}

/**
 * Leadership while the lock connection lives. Every statement that must only happen under the
 * lock (the checkpoint write) runs on that very connection: if the session is gone, so is the
 * lock, and the statement cannot succeed. `signal` aborts the moment the connection is known lost.
 */
export class Lease {
  readonly backendPid: number;
  private readonly controller = new AbortController();
  private readonly heartbeat: NodeJS.Timeout;
  private heartbeatInFlight = false;

  constructor(
    private readonly session: LockSession,
    private readonly options: LeaderLockOptions,
  ) {
    this.backendPid = session.backendPid;
    this.heartbeat = setInterval(() => void this.beat(), options.heartbeatMs);
    this.heartbeat.unref();
    session.onLost((error) => this.lose(error));
  }

  /** Aborted, with a LeadershipLostError as its reason, when the lock connection is lost. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get lost(): boolean {
    return this.controller.signal.aborted;
  }

  /**
   * Runs a statement on the lock connection. A lost connection or a statement that does not answer
   * in time ends the lease; any other error is the statement's own and is passed on as it is.
   */
  readonly connection: Queryable = {
    query: <R extends QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>> =>
      this.query<R>(text, values),
  };

  /** Ends the session, which releases the lock. */
  async release(): Promise<void> {
    clearInterval(this.heartbeat);
    if (!this.lost) this.controller.abort(new LeadershipLostError('The lease was released'));
    await this.session.close();
  }

  private async query<R extends QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<QueryResult<R>> {
    if (this.lost) throw this.signal.reason as Error;
    try {
      return await this.session.run((client) => client.query<R>(text, values));
    } catch (error) {
      if (!this.lost && !(error instanceof TimeoutError) && !isConnectionError(error)) throw error;
      this.lose(error);
      throw this.signal.reason as Error;
    }
  }

  private async beat(): Promise<void> {
    if (this.heartbeatInFlight || this.lost) return;
    this.heartbeatInFlight = true;
    try {
      await this.query('SELECT 1');
    } catch (error) {
      // Whatever stops `SELECT 1` from answering leaves the lock in doubt.
      this.lose(error);
    } finally {
      this.heartbeatInFlight = false;
    }
  }

  private lose(cause: unknown): void {
    if (this.lost) return;
    clearInterval(this.heartbeat);
    const error = new LeadershipLostError(
      `Lost the leader lock connection: ${errorMessage(cause)}`,
      { cause },
    );
    this.options.logger.error('Relay: lost the leader lock, stepping down', {
      error: error.message,
    });
    this.controller.abort(error);
    // Whatever state the socket is in, make sure the server sees the session end.
    this.session.destroy();
  }
}

/** One dedicated connection with a bounded wait on every statement. */
class LockSession {
  private lostListener: ((error: unknown) => void) | null = null;
  private lostBeforeListening: unknown = undefined;
  private closed = false;

  constructor(
    private readonly client: Client,
    readonly backendPid: number,
    private readonly statementTimeoutMs: number,
  ) {
    client.on('error', (error) => this.lost(error));
    client.on('end', () => this.lost(new Error('the connection ended')));
  }

  run<T>(statement: (client: Client) => Promise<T>): Promise<T> {
    return withTimeout(statement(this.client), this.statementTimeoutMs, 'The lock connection');
  }

  onLost(listener: (error: unknown) => void): void {
    this.lostListener = listener;
    if (this.lostBeforeListening !== undefined) listener(this.lostBeforeListening);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await withTimeout(this.client.end(), this.statementTimeoutMs, 'Closing the lock connection');
    } catch {
      this.destroy();
    }
  }

  /** Drops the socket without a goodbye: for a connection that may not answer any more. */
  destroy(): void {
    this.closed = true;
    this.client.connection.stream.destroy();
  }

  private lost(error: unknown): void {
    if (this.closed && this.lostListener === null) return;
    if (this.lostListener) this.lostListener(error);
    else this.lostBeforeListening ??= error;
  }
}

async function openSession(options: LeaderLockOptions): Promise<LockSession> {
  const client = await options.connect();
  // Until the session exists there is no listener for the client's errors; one must never crash
  // the process.
  client.on('error', () => undefined);
  try {
    const { idle, interval, count } = options.serverKeepalive;
    const { rows } = await withTimeout(
      client.query<{ pid: number }>(
        `SELECT pg_backend_pid() AS pid,
                set_config('tcp_keepalives_idle', $1, false),
                set_config('tcp_keepalives_interval', $2, false),
                set_config('tcp_keepalives_count', $3, false)`,
        [String(idle), String(interval), String(count)],
      ),
      options.statementTimeoutMs,
      'The lock connection',
    );
    return new LockSession(client, rows[0]!.pid, options.statementTimeoutMs);
  } catch (error) {
    client.connection.stream.destroy();
    throw error;
  }
}
