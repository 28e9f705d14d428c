/**
 * The little the relay needs from a logger; the same shape as the Kafka client's, so one adapter
 * (pino, Nest's Logger) serves both. Library code never writes to the console itself.
 */
export interface RelayLogger {
  error(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
}

const nothing = (): void => undefined;

export const SILENT_LOGGER: RelayLogger = {
  error: nothing,
  warn: nothing,
  info: nothing,
  debug: nothing,
};
