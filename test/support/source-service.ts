import { startServiceProcess, type ServiceProcess } from './service-process';

/**
 * Starts apps/api/src/main.ts from source (ts-node, transpile only) as its own process, the way
 * `npm start` runs the build, and waits until it listens. For tests that need the process's real
 * stdout and stderr, without building dist/ (which other suites may be using).
 */
export function startServiceFromSource(
  env: Record<string, string>,
  timeoutMs = 240_000,
): Promise<ServiceProcess> {
  return startServiceProcess(
    [
      '-r',
      'ts-node/register/transpile-only',
      '-r',
      'tsconfig-paths/register',
      'apps/api/src/main.ts',
    ],
    { TS_NODE_PROJECT: 'tsconfig.json', ...env },
    timeoutMs,
  );
}
