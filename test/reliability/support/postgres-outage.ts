import { execFileSync } from 'node:child_process';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy';

/**
 * A PostgreSQL outage for the service, one of two ways:
 *
 * - `restart`: the real server is stopped and started again with pg_ctlcluster (Debian's
 *   postgresql-common), so every connection of every client breaks and the server is really gone
 *   for a while. It needs root (or the postgres user) and disturbs anything else on the server,
 *   so it is used only when asked: CI (`CI=true`, where the suite runs alone after the main run)
 *   or TOUCHLINE_RELIABILITY_PG_RESTART=1, and only when DATABASE_URL's port is a local cluster
 *   that pg_lsclusters lists.
 * - `proxy`: the service reaches PostgreSQL through a TCP proxy (test/support/tcp-proxy.ts) that
 *   drops every open connection and refuses new ones; the server itself keeps running for the
 *   other clients. The default elsewhere.
 */
export interface PostgresOutage {
  readonly kind: 'restart' | 'proxy';
  /** The URL the service must use (through the proxy, or the server's own). */
  readonly serviceUrl: string;
  down(): Promise<void>;
  /** Resolves once PostgreSQL accepts connections again. */
  up(): Promise<void>;
  close(): Promise<void>;
}

interface Cluster {
  version: string;
  name: string;
}

function localCluster(port: number): Cluster | undefined {
  try {
    const out = execFileSync('pg_lsclusters', ['-h'], { encoding: 'utf8' });
    for (const line of out.split('\n')) {
      const [version, name, clusterPort] = line.trim().split(/\s+/);
      if (version && name && Number(clusterPort) === port) return { version, name };
    }
  } catch {
    // no postgresql-common: not a local Debian cluster
  }
  return undefined;
}

export async function postgresOutage(databaseUrl: string): Promise<PostgresOutage> {
  const url = new URL(databaseUrl);
  const port = Number(url.port || 5432);
  const asked = process.env.CI === 'true' || process.env.TOUCHLINE_RELIABILITY_PG_RESTART === '1';
  const cluster = asked ? localCluster(port) : undefined;
  if (cluster) {
    const ctl = (action: string) =>
      execFileSync(
        'pg_ctlcluster',
        ['--skip-systemctl-redirect', cluster.version, cluster.name, action],
        { stdio: 'pipe' },
      );
    return {
      kind: 'restart',
      serviceUrl: databaseUrl,
      down: async () => {
        ctl('stop');
      },
      up: async () => {
        ctl('start');
        execFileSync('pg_isready', ['-q', '-t', '30', '-h', url.hostname, '-p', String(port)]);
      },
      close: async () => {
        if (!isReady(url.hostname, port)) ctl('start');
      },
    };
  }
  const proxy: TcpProxy = await startTcpProxy({ host: url.hostname, port });
  const through = new URL(databaseUrl);
  through.hostname = '127.0.0.1';
  through.port = String(proxy.port);
  return {
    kind: 'proxy',
    serviceUrl: through.toString(),
    down: async () => proxy.cut(),
    up: async () => proxy.restore(),
    close: () => {
      proxy.restore();
      return proxy.close();
    },
  };
}

function isReady(host: string, port: number): boolean {
  try {
    execFileSync('pg_isready', ['-q', '-h', host, '-p', String(port)]);
    return true;
  } catch {
    return false;
  }
}
