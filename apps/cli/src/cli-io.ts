import { hostname, userInfo } from 'node:os';
import type { OpsActor } from '@touchline/ops';

/** Where commands write: stdout for results (clean for --json and pipes), stderr for the rest. */
export const CLI_IO = Symbol('CLI_IO');

export interface CliIo {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

export const processIo = (): CliIo => ({ out: process.stdout, err: process.stderr });

/** Who the audit trail names for CLI actions: the operating-system user, and the host. */
export const CLI_ACTOR = Symbol('CLI_ACTOR');

export function osActor(): OpsActor {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    // userInfo throws where the uid has no passwd entry (some containers).
    user = process.env.USER ?? process.env.LOGNAME ?? `uid-${process.getuid?.() ?? 'unknown'}`;
  }
  return { kind: 'cli_user', id: user, host: hostname() };
}

/** Exit codes: scripts and schedulers branch on them. */
export const EXIT = { ok: 0, error: 1, broken: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);
