import type { Producer } from 'kafkajs';
import { SPEC_VERSION, TOPICS, toBinaryMessage, type CloudEvent } from '@touchline/kafka';
import type { AlertPayload } from '../alert';
import { KAFKA_TARGET, type AlertChannel } from './alert-channel.port';

const ALERT_EVENT_SOURCE = '/touchline/alerts';
export const alertEventType = (kind: string): string => `touchline.alert.${kind}`;

/** The CloudEvent of an alert: id = alert id, subject and partitionkey = the customer. */
function alertCloudEvent(alert: AlertPayload): CloudEvent<AlertPayload> {
  return {
    specversion: SPEC_VERSION,
    id: alert.id,
    source: ALERT_EVENT_SOURCE,
    type: alertEventType(alert.kind),
    time: alert.raisedAt,
    subject: alert.customerId,
    datacontenttype: 'application/json',
    data: alert,
    extensions: { partitionkey: alert.customerId },
  };
}

/**
 * Publishes alerts to touchline.alerts.v1 in the CloudEvents binary mode (ce_* headers, JSON
 * value, key = customer id), acknowledged by all in-sync replicas. Connects on first use.
 */
export class KafkaAlertChannel implements AlertChannel {
  readonly target = KAFKA_TARGET;
  private connected: Promise<void> | null = null;

  constructor(
    private readonly producer: Producer,
    private readonly topic: string = TOPICS.alerts,
  ) {}

  async deliver(alert: AlertPayload): Promise<void> {
    this.connected ??= this.producer.connect().catch((error: unknown) => {
      this.connected = null;
      throw error;
    });
    await this.connected;
    const message = toBinaryMessage(alertCloudEvent(alert));
    await this.producer.send({ topic: this.topic, acks: -1, messages: [message] });
  }

  async close(): Promise<void> {
    if (this.connected) await this.producer.disconnect();
    this.connected = null;
  }
}
