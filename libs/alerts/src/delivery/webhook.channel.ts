import type { AlertPayload } from '../alert';
import type { Clock } from '../clock';
import { webhookTarget, type AlertChannel } from './alert-channel.port';
import { SIGNATURE_HEADER, signatureHeader } from './signature';

export interface WebhookChannelOptions {
  url: string;
  secret: string;
  clock: Clock;
  /** Longest wait for the receiver's answer. Default 10 s. */
  timeoutMs?: number;
}

/**
 * POSTs the alert as JSON, signed: `Touchline-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<body>">`. Any 2xx acknowledges; anything else (or no answer in time) is a failure to retry.
 * Receivers dedupe on the alert id (also in `Touchline-Alert-Id`): delivery is at least once.
 */
export class WebhookChannel implements AlertChannel {
  readonly target: string;

  constructor(private readonly options: WebhookChannelOptions) {
    this.target = webhookTarget(options.url);
  }

  async deliver(alert: AlertPayload, attempt: number): Promise<void> {
    const body = JSON.stringify(alert);
    const response = await fetch(this.options.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'touchline-alerts',
        [SIGNATURE_HEADER]: signatureHeader(this.options.secret, body, this.options.clock()),
        'Touchline-Alert-Id': alert.id,
        'Touchline-Delivery-Attempt': String(attempt),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    });
    // The body is not needed; drain it so the connection can be reused.
    await response.arrayBuffer().catch(() => undefined);
    if (response.status < 200 || response.status >= 300) {
      throw new Error(`webhook answered ${response.status}`);
    }
  }
}
