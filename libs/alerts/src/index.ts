export { AlertsModule } from './alerts.module';
export { AlertsService } from './alerts.service';
export type { AlertsServiceOptions } from './alerts.service';
export { ALERT_KINDS } from './alert';
export type {
  Alert,
  AlertDelivery,
  AlertKind,
  AlertPayload,
  DeliveryState,
  NewAlert,
} from './alert';
export type { Clock } from './clock';
export { AlertDetector } from './detection/alert-detector';
export type { AlertDetectorOptions } from './detection/alert-detector';
export { ChurnBandRiseAlerts } from './detection/churn-band-rises';
export { AlertDispatcher } from './delivery/alert-dispatcher';
export type { AlertDispatcherOptions, RetryPolicy } from './delivery/alert-dispatcher';
export type { AlertChannel } from './delivery/alert-channel.port';
export { WebhookChannel } from './delivery/webhook.channel';
export { KafkaAlertChannel } from './delivery/kafka.channel';
export { SIGNATURE_HEADER, verifySignature } from './delivery/signature';
export type { SignatureCheck } from './delivery/signature';
