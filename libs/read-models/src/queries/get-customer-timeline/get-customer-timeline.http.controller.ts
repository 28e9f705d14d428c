import { Controller, Get, NotFoundException, Param, Query as QueryParams } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { RequireScope } from '@touchline/auth';
import { decodeCursor, isRecord } from '../../http/cursor';
import { CustomerIdPipe } from '../../http/customer-id.pipe';
import { ReadsProjections } from '../../http/read-your-writes';
import { queryValidation } from '../../http/validation';
import { CUSTOMER_PROFILE } from '../../projections/customer-profile.projection';
import { CUSTOMER_TIMELINE } from '../../projections/customer-timeline.projection';
import { CustomerTimelineDto, CustomerTimelineRequestDto } from './customer-timeline.dto';
import { GetCustomerTimelineQuery, type CustomerTimelinePage } from './get-customer-timeline.query';
import type { TimelineCursor } from './timeline-page';

@ApiTags('customers')
@RequireScope('analyst')
@Controller('v1/customers')
export class GetCustomerTimelineHttpController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':id/timeline')
  @ReadsProjections(CUSTOMER_PROFILE, CUSTOMER_TIMELINE)
  @ApiOperation({
    summary: "A customer's journey, a page at a time",
    description:
      'Every touchpoint in order of occurredAt, then revision (then stream), with its sentiment: explicit, else from the survey score, else from the text. Includes the streams of linked anonymous ids, earlier ids and merged duplicates. The first page carries the whole journey’s peak-end summary.',
  })
  @ApiOkResponse({ type: CustomerTimelineDto })
  @ApiBadRequestResponse({ description: 'A wrong parameter or a foreign cursor' })
  @ApiNotFoundResponse({ description: 'No touchpoint of this customer is known' })
  async timeline(
    @Param('id', CustomerIdPipe) id: string,
    @QueryParams(queryValidation) request: CustomerTimelineRequestDto,
  ): Promise<CustomerTimelinePage> {
    const order = request.order ?? 'asc';
    const after =
      request.cursor === undefined
        ? null
        : decodeCursor<TimelineCursor>(request.cursor, (c) =>
            isRecord(c) &&
            c.order === order &&
            Number.isSafeInteger(c.t) &&
            (c.t as number) >= 0 &&
            (c.t as number) < 1e13 &&
            Number.isSafeInteger(c.r) &&
            (c.r as number) >= 0 &&
            (c.r as number) < 1e12 &&
            typeof c.s === 'string'
              ? { order, t: c.t as number, r: c.r as number, s: c.s }
              : null,
          );
    const page = await this.queryBus.execute(
      new GetCustomerTimelineQuery(id, order, after, request.limit ?? 50),
    );
    if (page === null) throw new NotFoundException(`Customer ${id} is unknown`);
    return page;
  }
}
