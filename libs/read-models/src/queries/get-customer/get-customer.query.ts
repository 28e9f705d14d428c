import { Query } from '@nestjs/cqrs';
import type { CustomerProfileView } from './customer-profile.view';

/** One customer's profile; null when no event of that customer was projected. */
export class GetCustomerQuery extends Query<CustomerProfileView | null> {
  constructor(readonly customerId: string) {
    super();
  }
}
