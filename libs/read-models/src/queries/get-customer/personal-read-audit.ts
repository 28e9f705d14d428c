import type { EventStore, JsonObject } from '@touchline/event-store';
import { recordOpsAction, type OpsOutcome } from '@touchline/ops';

/**
 * Every request for a customer's decrypted attributes leaves an entry in the ops audit trail
 * (docs/privacy.md): who (the API key), which customer, when, how it ended, and counts. Never a
 * value, nor an attribute name.
 */
export function auditPersonalRead(
  store: EventStore,
  entry: {
    keyId: string;
    customerId: string;
    outcome: OpsOutcome;
    startedAt: Date;
    detail?: JsonObject;
  },
): Promise<void> {
  return recordOpsAction(store, {
    actor: { kind: 'api_key', id: entry.keyId },
    action: 'customer.personal.read',
    target: entry.customerId,
    outcome: entry.outcome,
    startedAt: entry.startedAt,
    durationMs: Date.now() - entry.startedAt.getTime(),
    ...(entry.detail ? { detail: entry.detail } : {}),
  });
}
