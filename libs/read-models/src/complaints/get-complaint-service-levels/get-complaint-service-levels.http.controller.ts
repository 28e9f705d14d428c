import { BadRequestException, Controller, Get, Query as QueryParams } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '@touchline/auth';
import { ReadsProjections } from '../../http/read-your-writes';
import { queryValidation } from '../../http/validation';
import { addDays, parseDay } from '../../rules/calendar';
import { COMPLAINT_CASE } from '../complaint-case.projection';
import { COMPLAINT_FOLLOWUP } from '../complaint-followup.projection';
import {
  ComplaintServiceLevelsDto,
  ComplaintServiceLevelsRequestDto,
} from './complaint-service-levels.dto';
import {
  GetComplaintServiceLevelsQuery,
  type ComplaintServiceLevels,
} from './get-complaint-service-levels.query';

const DEFAULT_DAYS = 30;
/** A bound on the scan an analyst can ask for in one request: ten years of openings. */
const MAX_DAYS = 3_660;

@ApiTags('analytics')
@RequireScope('analyst')
@Controller('v1/analytics')
export class GetComplaintServiceLevelsHttpController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('complaints')
  @ReadsProjections(COMPLAINT_CASE, COMPLAINT_FOLLOWUP)
  @ApiOperation({
    summary: 'Complaint service levels',
    description:
      'Of the complaints opened on the days from..to (UTC): time to first response and to resolution (p50/p90, seconds, percentile_cont), resolution rate, reopen rate and the share of resolved complaints followed by a survey answer within 48 hours; overall and, with groupBy, per category, severity or channel.',
  })
  @ApiOkResponse({ type: ComplaintServiceLevelsDto })
  @ApiBadRequestResponse({ description: 'A wrong parameter, from after to, or a range too long' })
  levels(
    @QueryParams(queryValidation) request: ComplaintServiceLevelsRequestDto,
  ): Promise<ComplaintServiceLevels> {
    const to = request.to === undefined ? today() : parseDay(request.to);
    if (to === null) throw new BadRequestException(`to ${request.to} is not a calendar date`);
    const from =
      request.from === undefined ? addDays(to, -(DEFAULT_DAYS - 1)) : parseDay(request.from);
    if (from === null) throw new BadRequestException(`from ${request.from} is not a calendar date`);
    if (from > to) throw new BadRequestException('from must not be after to');
    if ((to.getTime() - from.getTime()) / 86_400_000 >= MAX_DAYS) {
      throw new BadRequestException(`from..to must span at most ${MAX_DAYS} days`);
    }
    return this.queryBus.execute(
      new GetComplaintServiceLevelsQuery(from, to, request.groupBy ?? null),
    );
  }
}

function today(): Date {
  return parseDay(new Date().toISOString().slice(0, 10))!;
}
