import { Query } from '@nestjs/cqrs';
import type { CustomerProfileView } from './customer-profile.view';

/**
 * One customer's profile; null when no event of that customer was projected. With `personalFor`
 * (the id of an API key allowed to see personal data) its attributes come decrypted from the store,
 * and the read is audited under that key.
 */
export class GetCustomerQuery extends Query<CustomerProfileView | null> {
  constructor(
    readonly customerId: string,
    readonly personalFor: string | null = null,
  ) {
    super();
  }
}
