import type { AlertPayload } from '../alert';

/**
 * Where alerts go. `deliver` resolves when the receiver has acknowledged the alert and throws
 * otherwise (the dispatcher retries it).
 */
export interface AlertChannel {
  /** The delivery target it serves: `kafka` or `webhook:<url>`. */
  readonly target: string;
  deliver(alert: AlertPayload, attempt: number): Promise<void>;
  close?(): Promise<void>;
}

export const KAFKA_TARGET = 'kafka';
export const webhookTarget = (url: string): string => `webhook:${url}`;
