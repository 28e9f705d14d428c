import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TOUCHLINE_CONFIG, type TouchlineConfig } from '@touchline/config';
import { DATABASE, type Database } from '@touchline/database';
import { EVENT_STORE, type EventStore } from '@touchline/event-store';
import { DataKeys, PersonalDataVault } from '@touchline/privacy';
import { ProjectionEngine } from '@touchline/projections';
import {
  CUSTOMER_PROFILE,
  type CustomerProfileRow,
} from '../../projections/customer-profile.projection';
import { readCustomerScores } from '../../snapshots/customer-scores';
import { toCustomerProfileView, type CustomerProfileView } from './customer-profile.view';
import { GetCustomerQuery } from './get-customer.query';
import { readPersonalAttributes } from './personal-attributes.reader';
import { auditPersonalRead } from './personal-read-audit';

@QueryHandler(GetCustomerQuery)
export class GetCustomerHandler implements IQueryHandler<GetCustomerQuery> {
  constructor(
    private readonly engine: ProjectionEngine,
    @Inject(TOUCHLINE_CONFIG) private readonly config: TouchlineConfig,
    @Inject(DATABASE) private readonly db: Database,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly vault: PersonalDataVault,
    private readonly keys: DataKeys,
  ) {}

  async execute({
    customerId,
    personalFor,
  }: GetCustomerQuery): Promise<CustomerProfileView | null> {
    const startedAt = new Date();
    const [row, scores] = await Promise.all([
      this.engine.getRow<CustomerProfileRow>(CUSTOMER_PROFILE, customerId),
      readCustomerScores(this.db.pool, [customerId]),
    ]);
    if (row === null) {
      if (personalFor !== null) await this.audit(personalFor, customerId, 'not_found', startedAt);
      return null;
    }
    const view = toCustomerProfileView(
      row,
      new Date(),
      this.config.tierThresholds,
      scores.get(customerId),
    );
    if (personalFor === null) return view;
    // A merged duplicate or an earlier id is answered with a redirect: nothing is decrypted here,
    // and the request is on the record all the same (every personal=true request is).
    if (view.ids.canonicalId !== customerId) {
      await this.audit(personalFor, customerId, 'succeeded', startedAt, {
        redirectedTo: view.ids.canonicalId,
        decryptedAttributes: 0,
      });
      return view;
    }
    return this.withPersonalData(view, row, personalFor, startedAt);
  }

  /** The view with its attributes decrypted from the store; audited, without any value. */
  private async withPersonalData(
    view: CustomerProfileView,
    row: CustomerProfileRow,
    keyId: string,
    startedAt: Date,
  ): Promise<CustomerProfileView> {
    let personal;
    try {
      personal = await readPersonalAttributes(
        this.store,
        this.vault,
        this.keys,
        view.customerId,
        Object.keys(row.attributes),
      );
    } catch (error) {
      await this.audit(keyId, view.customerId, 'failed', startedAt).catch(() => undefined);
      throw error;
    }
    // Written before the values leave: a read that cannot be audited is not answered.
    await this.audit(keyId, view.customerId, 'succeeded', startedAt, {
      streams: personal.streams.length,
      decryptedAttributes: personal.decrypted,
      erasedAttributes: personal.erased,
    });
    return {
      ...view,
      attributes: personal.attributes,
      erasedAt: personal.erasedAt,
      personalData: 'decrypted',
    };
  }

  private audit(
    keyId: string,
    customerId: string,
    outcome: 'succeeded' | 'not_found' | 'failed',
    startedAt: Date,
    detail?:
      | { streams: number; decryptedAttributes: number; erasedAttributes: number }
      | { redirectedTo: string; decryptedAttributes: 0 },
  ): Promise<void> {
    return auditPersonalRead(this.store, {
      keyId,
      customerId,
      outcome,
      startedAt,
      ...(detail ? { detail } : {}),
    });
  }
}
