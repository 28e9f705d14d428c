import {
  BadRequestException,
  Controller,
  Get,
  NotFoundException,
  Param,
  Query,
  Req,
  UseFilters,
} from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { RequireScope, type AuthenticatedRequest } from '@touchline/auth';
import { OpsErrorsFilter } from '../http/ops-errors.filter';
import { actorOf, customerIdParam, instantQuery } from '../http/request-parsing';
import { INSTANT_FORMAT } from '../instant';
import { OpsService } from '../ops.service';
import type { JourneyReplay } from './replay-journey';

@ApiTags('ops')
@RequireScope('ops')
@UseFilters(OpsErrorsFilter)
@Controller('v1/ops/customers')
export class ReplayJourneyHttpController {
  constructor(private readonly ops: OpsService) {}

  @Get(':id/journey')
  @ApiOperation({
    summary: "A customer's journey rebuilt from the event store, as it stood at asOf",
    description:
      'Events recorded at or before asOf (default: now) that occurred in [from, to), each with its ' +
      'recorded and occurred times, producer and correlation ids, plus the hash-chain check of the ' +
      'stream. 404 when the store had no event of the customer by asOf. Recorded in the audit trail.',
  })
  @ApiQuery({ name: 'asOf', type: String, required: false, description: INSTANT_FORMAT })
  @ApiQuery({
    name: 'from',
    type: String,
    required: false,
    description: `inclusive; ${INSTANT_FORMAT}`,
  })
  @ApiQuery({
    name: 'to',
    type: String,
    required: false,
    description: `exclusive; ${INSTANT_FORMAT}`,
  })
  async journey(
    @Param('id') id: string,
    @Query('asOf') asOfParam: unknown,
    @Query('from') fromParam: unknown,
    @Query('to') toParam: unknown,
    @Req() request: AuthenticatedRequest,
  ): Promise<JourneyReplay> {
    const customerId = customerIdParam(id);
    const asOf = instantQuery('asOf', asOfParam);
    const from = instantQuery('from', fromParam);
    const to = instantQuery('to', toParam);
    if (from && to && from.getTime() >= to.getTime()) {
      throw new BadRequestException('from must be before to');
    }
    const replay = await this.ops.replayJourney(actorOf(request), customerId, { asOf, from, to });
    if (!replay) {
      throw new NotFoundException(
        `No events of customer ${customerId} recorded${asOf ? ` as of ${asOf.toISOString()}` : ''}`,
      );
    }
    return replay;
  }
}
