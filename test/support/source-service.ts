import { spawn } from 'node:child_process';
import { freePort, REPO_ROOT, type ServiceProcess } from './service-process';

/**
 * Starts apps/api/src/main.ts from source (ts-node, transpile only) as its own process, the way
 * `npm start` runs the build, and waits until it listens. For tests that need the process's real
 * stdout and stderr, without building dist/ (which other suites may be using).
 */
export async function startServiceFromSource(
  env: Record<string, string>,
  timeoutMs = 240_000,
): Promise<ServiceProcess> {
  const port = Number(env.PORT ?? (await freePort()));
  const base: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG'])
    if (process.env[key]) base[key] = process.env[key]!;
  const child = spawn(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      '-r',
      'tsconfig-paths/register',
      'apps/api/src/main.ts',
    ],
    {
      cwd: REPO_ROOT,
      env: { ...base, TS_NODE_PROJECT: 'tsconfig.json', PORT: String(port), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | string>((ok) =>
    child.on('exit', (code, signal) => ok(code ?? signal ?? 'unknown')),
  );
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => {
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
