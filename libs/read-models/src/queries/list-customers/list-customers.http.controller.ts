import { Controller, Get, Query as QueryParams } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '@touchline/auth';
import { decodeCursor, isRecord } from '../../http/cursor';
import { ReadsProjections } from '../../http/read-your-writes';
import { queryValidation } from '../../http/validation';
import { CUSTOMER_PROFILE } from '../../projections/customer-profile.projection';
import type { ProfileSortField } from '../../sql/listProfiles';
import { CustomerPageDto, ListCustomersRequestDto } from './list-customers.dto';
import { ListCustomersQuery, type CustomerPage } from './list-customers.query';

/** A sort value as the database prints it: numeric, or a double in its shortest form (1.5e-05). */
const NUMBER = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;

@ApiTags('customers')
@RequireScope('analyst')
@Controller('v1/customers')
export class ListCustomersHttpController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ReadsProjections(CUSTOMER_PROFILE)
  @ApiOperation({
    summary:
      'Customers, filtered by tier, lifecycle stage, RF segment and churn band, sorted, a page at a time',
    description:
      'Cursor pagination: pass nextCursor as cursor, with the same sort. Customers without a touchpoint have no seen-at dates and only appear under the other sorts.',
  })
  @ApiOkResponse({ type: CustomerPageDto })
  @ApiBadRequestResponse({ description: 'An unknown parameter, a wrong value or a foreign cursor' })
  async list(
    @QueryParams(queryValidation) request: ListCustomersRequestDto,
  ): Promise<CustomerPage> {
    const sort = request.sort ?? '-lastSeenAt';
    const field = sort.replace(/^-/, '') as ProfileSortField;
    const numeric = !['lastSeenAt', 'firstSeenAt', 'customerId'].includes(field);
    const after =
      request.cursor === undefined
        ? null
        : decodeCursor(request.cursor, (c) =>
            isRecord(c) &&
            c.s === sort &&
            typeof c.v === 'string' &&
            typeof c.k === 'string' &&
            (!numeric || NUMBER.test(c.v))
              ? { value: c.v, key: c.k }
              : null,
          );
    return this.queryBus.execute(
      new ListCustomersQuery(
        {
          tier: request.tier ?? null,
          lifecycle: request.lifecycle ?? null,
          segment: request.segment ?? null,
          risk: request.risk ?? null,
        },
        { field, descending: sort.startsWith('-') },
        { after, limit: request.limit ?? 50 },
      ),
    );
  }
}
