import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TOUCHLINE_CONFIG, type TouchlineConfig } from '@touchline/config';
import { ProjectionEngine } from '@touchline/projections';
import {
  CUSTOMER_PROFILE,
  type CustomerProfileRow,
} from '../../projections/customer-profile.projection';
import { toCustomerProfileView, type CustomerProfileView } from './customer-profile.view';
import { GetCustomerQuery } from './get-customer.query';

@QueryHandler(GetCustomerQuery)
export class GetCustomerHandler implements IQueryHandler<GetCustomerQuery> {
  constructor(
    private readonly engine: ProjectionEngine,
    @Inject(TOUCHLINE_CONFIG) private readonly config: TouchlineConfig,
  ) {}

  async execute({ customerId }: GetCustomerQuery): Promise<CustomerProfileView | null> {
    const row = await this.engine.getRow<CustomerProfileRow>(CUSTOMER_PROFILE, customerId);
    return row && toCustomerProfileView(row, new Date(), this.config.tierThresholds);
  }
}
