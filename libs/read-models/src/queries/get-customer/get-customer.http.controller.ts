import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiExtraModels,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { RequireScope } from '@touchline/auth';
import { CustomerIdPipe } from '../../http/customer-id.pipe';
import { ReadsProjections } from '../../http/read-your-writes';
import { CUSTOMER_PROFILE } from '../../projections/customer-profile.projection';
import { CUSTOMER_PROFILE_EXTRA_MODELS, CustomerProfileDto } from './customer-profile.dto';
import type { CustomerProfileView } from './customer-profile.view';
import { GetCustomerQuery } from './get-customer.query';

@ApiTags('customers')
@ApiExtraModels(...CUSTOMER_PROFILE_EXTRA_MODELS)
@RequireScope('analyst')
@Controller('v1/customers')
export class GetCustomerHttpController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':id')
  @ReadsProjections(CUSTOMER_PROFILE)
  @ApiOperation({
    summary: "A customer's profile",
    description:
      'Ids, attributes, consents, activity, spend, loyalty, last survey answers, open complaints, sentiment and its trend, tier and lifecycle stage (docs/read-models.md).',
  })
  @ApiOkResponse({ type: CustomerProfileDto })
  @ApiBadRequestResponse({ description: 'Not a valid customer id' })
  @ApiNotFoundResponse({ description: 'No touchpoint of this customer is known' })
  async get(@Param('id', CustomerIdPipe) id: string): Promise<CustomerProfileView> {
    const profile = await this.queryBus.execute(new GetCustomerQuery(id));
    if (profile === null) throw new NotFoundException(`Customer ${id} is unknown`);
    return profile;
  }
}
