import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..');

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

export interface ServiceProcess {
  child: ChildProcess;
  port: number;
  baseUrl: string;
  output: () => string;
  /** Sends a signal and resolves with the exit code (or the signal name). */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/**
 * Starts the service the way a user does (`npm start` → scripts/start.js, which builds first when
 * needed), with the given environment on top of a clean one, and waits until it listens.
 */
export function startService(
  env: Record<string, string>,
  timeoutMs = 120_000,
): Promise<ServiceProcess> {
  return startServiceProcess(['scripts/start.js'], env, timeoutMs);
}

/**
 * Runs `node <args>` in the repository root as the service: the given environment on top of a
 * clean one (PATH, HOME, TMPDIR, LANG, and PORT, a free one unless the environment names it),
 * output kept, resolved once it logs that it listens. Fails, and kills it, if it exits first or
 * does not listen within `timeoutMs`.
 */
export async function startServiceProcess(
  args: readonly string[],
  env: Record<string, string>,
  timeoutMs: number,
): Promise<ServiceProcess> {
  const port = Number(env.PORT ?? (await freePort()));
  const base: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG'])
    if (process.env[key]) base[key] = process.env[key]!;
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...base, PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | string>((ok) =>
    child.on('exit', (code, signal) => ok(code ?? signal ?? 'unknown')),
  );
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => {
      // Never leave a half-started service behind a failed test.
      child.kill('SIGKILL');
      fail(new Error(`service did not start in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const check = () => {
      if (/listening on http/.test(output)) {
        clearTimeout(timer);
        ok();
      }
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`service exited (${code}) before listening:\n${output}`));
    });
  });
  return {
    child,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    output: () => output,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
