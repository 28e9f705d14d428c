import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../test/support/service-process';

const ROOT = resolve(__dirname, '..', '..');

export interface BenchService {
  child: ChildProcess;
  baseUrl: string;
  logFile: string;
  /** SIGTERM, then the exit code (or signal name); the log file is removed after a clean exit. */
  stop(): Promise<number | string>;
}

/**
 * Starts the service as a user does (`npm start` → scripts/start.js, which builds first when a
 * source is newer than the build) and waits until `GET /health/ready` answers 200. Its output goes
 * to a file, not to this process's memory: at the benchmark's log level it says little, but a
 * long run must not buffer it.
 */
export async function startBenchService(
  env: Record<string, string>,
  timeoutMs = 600_000,
): Promise<BenchService> {
  const port = await freePort();
  const logFile = join(tmpdir(), `touchline-bench-${process.pid}-${port}.log`);
  const out = openSync(logFile, 'w');
  const base: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG'])
    if (process.env[key]) base[key] = process.env[key]!;
  const child = spawn(process.execPath, ['scripts/start.js'], {
    cwd: ROOT,
    env: { ...base, PORT: String(port), ...env },
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  let exit: number | string | null = null;
  const exited = new Promise<number | string>((ok) =>
    child.on('exit', (code, signal) => ok((exit = code ?? signal ?? 'unknown'))),
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exit !== null)
      throw new Error(`the service exited (${exit}) before it was ready:\n${tail(logFile)}`);
    try {
      if ((await fetch(`${baseUrl}/health/ready`)).status === 200) break;
    } catch {
      // not listening yet (or still building)
    }
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`the service was not ready within ${timeoutMs} ms:\n${tail(logFile)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    child,
    baseUrl,
    logFile,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const code = await exited;
      // The log is kept only when the process did not stop cleanly.
      if (code === 0) rmSync(logFile, { force: true });
      return code;
    },
  };
}

function tail(file: string): string {
  return readFileSync(file, 'utf8').split('\n').slice(-40).join('\n');
}
