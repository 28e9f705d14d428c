import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiExtraModels,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { RequireScope } from '@touchline/auth';
import { CustomerIdPipe } from '../../http/customer-id.pipe';
import { ReadsProjections } from '../../http/read-your-writes';
import { CUSTOMER_PROFILE } from '../../projections/customer-profile.projection';
import { CUSTOMER_PROFILE_EXTRA_MODELS, CustomerProfileDto } from './customer-profile.dto';
import type { CustomerProfileView } from './customer-profile.view';
import { GetCustomerQuery } from './get-customer.query';

@ApiTags('customers')
@ApiBearerAuth()
@ApiExtraModels(...CUSTOMER_PROFILE_EXTRA_MODELS)
@ApiUnauthorizedResponse({ description: 'No valid API key' })
@ApiForbiddenResponse({ description: 'The key lacks the analyst scope' })
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
