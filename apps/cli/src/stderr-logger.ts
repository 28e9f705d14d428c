import type { LoggerService } from '@nestjs/common';

/** Nest's own messages go to stderr, and only warnings and errors: stdout carries results. */
export class StderrLogger implements LoggerService {
  log(): void {}
  warn(message: unknown): void {
    process.stderr.write(`touchline warning: ${String(message)}\n`);
  }
  error(message: unknown): void {
    process.stderr.write(`touchline error: ${String(message)}\n`);
  }
}
