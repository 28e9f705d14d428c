import { connect, createServer, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  /** Drops every open connection and refuses new ones (accepted, then closed at once). */
  cut(): void;
  /**
   * Stops forwarding without closing anything: open connections stay open and carry nothing, new
   * ones are accepted and get no answer. A network that drops packets, where a client waits
   * rather than fails.
   */
  freeze(): void;
  /** Lets new connections through again, and what froze flows on. */
  restore(): void;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket;
}

/**
 * A TCP proxy in front of a server (PostgreSQL here): a real network outage for one client's
 * connections, without stopping a server that other tests share.
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const pairs = new Set<Pair>();
  /** Connections accepted while frozen: joined to the server on restore(). */
  let held: Socket[] = [];
  let down = false;
  let frozen = false;

  const join = (client: Socket) => {
    const upstream = connect(target.port, target.host);
    const pair = { client, upstream };
    sockets.add(upstream);
    pairs.add(pair);
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
      pairs.delete(pair);
    };
    for (const socket of [client, upstream]) {
      socket.on('error', close);
      socket.on('close', close);
    }
    client.pipe(upstream);
    upstream.pipe(client);
  };

  const server = createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    sockets.add(client);
    if (frozen) {
      client.on('error', () => client.destroy());
      client.on('close', () => sockets.delete(client));
      held.push(client);
      return;
    }
    join(client);
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  return {
    port: (server.address() as { port: number }).port,
    cut() {
      down = true;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      pairs.clear();
      held = [];
    },
    freeze() {
      frozen = true;
      for (const { client, upstream } of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
    restore() {
      down = false;
      if (!frozen) return;
      frozen = false;
      for (const { client, upstream } of pairs) {
        client.pipe(upstream);
        upstream.pipe(client);
      }
      const waiting = held.filter((client) => !client.destroyed);
      held = [];
      for (const client of waiting) join(client);
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((ok) => server.close(() => ok()));
    },
  };
}
