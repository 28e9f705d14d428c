export { AlertsModule } from './alerts.module';
export { AlertsService } from './alerts.service';
export type { AlertsServiceOptions } from './alerts.service';
export {
  ALERT_KINDS,
  DELIVERY_STATES,
  detractorAlertId,
  firstResponseMissedAlertId,
  churnBandRiseAlertId,
  alertPayload,
} from './alert';
export type {
  Alert,
  AlertDelivery,
  AlertKind,
  AlertPayload,
  DeliveryState,
  NewAlert,
} from './alert';
export { ALERTS_CLOCK, systemClock } from './clock';
export type { Clock } from './clock';
export { AlertDetector, DETECTOR_NAME } from './detection/alert-detector';
export type { AlertDetectorOptions } from './detection/alert-detector';
export { FirstResponseMonitor } from './detection/first-response-monitor';
export { ChurnBandRiseAlerts, churnBandRiseAlert } from './detection/churn-band-rises';
export type { FirstResponseMonitorOptions } from './detection/first-response-monitor';
export { TIER_LOOKUP } from './detection/tier-lookup.port';
export type { TierLookup } from './detection/tier-lookup.port';
export { AlertDispatcher, DEFAULT_RETRY_POLICY, retryDelayMs } from './delivery/alert-dispatcher';
export type { AlertDispatcherOptions, RetryPolicy } from './delivery/alert-dispatcher';
export { KAFKA_TARGET, webhookTarget } from './delivery/alert-channel.port';
export type { AlertChannel } from './delivery/alert-channel.port';
export { WebhookChannel } from './delivery/webhook.channel';
export { KafkaAlertChannel, alertCloudEvent, ALERT_EVENT_SOURCE } from './delivery/kafka.channel';
export { SIGNATURE_HEADER, signatureHeader, verifySignature } from './delivery/signature';
export type { SignatureCheck } from './delivery/signature';
export { responseTargetMs } from './response-targets';
export { alertsMigrations, ALERTS_MIGRATION_SCOPE } from './migrations';
