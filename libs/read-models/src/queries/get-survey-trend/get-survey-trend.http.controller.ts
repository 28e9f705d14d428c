import { BadRequestException, Controller, Get, Query as QueryParams } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { SurveyKind } from '@touchline/analytics';
import { RequireScope } from '@touchline/auth';
import { ReadsProjections } from '../../http/read-your-writes';
import { queryValidation } from '../../http/validation';
import { CUSTOMER_TIMELINE } from '../../projections/customer-timeline.projection';
import { SURVEY_DAILY } from '../../projections/survey-daily.projection';
import { bucketStart, bucketStarts, parseDay, previousBucket } from '../../rules/calendar';
import { GetSurveyTrendQuery, type SurveyTrend } from './get-survey-trend.query';
import {
  CesTrendDto,
  CsatTrendDto,
  MAX_BUCKETS,
  NpsTrendDto,
  SurveyTrendRequestDto,
} from './survey-trend.dto';

const DEFAULT_BUCKETS = 12;

const describe = (what: string) =>
  `${what} per bucket (day, week or month, UTC), optionally grouped by channel or by the type of touchpoint answered about, each with its change from the bucket before and whether that change is significant at 5%. Empty buckets have n = 0 and null metrics.`;

@ApiTags('analytics')
@ApiBadRequestResponse({ description: 'A wrong parameter, from after to, or too many buckets' })
@RequireScope('analyst')
@Controller('v1/analytics')
export class GetSurveyTrendHttpController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('nps')
  @ReadsProjections(SURVEY_DAILY, CUSTOMER_TIMELINE)
  @ApiOperation({
    summary: 'Net Promoter Score trend',
    description: describe('n, promoters, passives, detractors, NPS and its 95% margin of error'),
  })
  @ApiOkResponse({ type: NpsTrendDto })
  nps(@QueryParams(queryValidation) request: SurveyTrendRequestDto): Promise<SurveyTrend> {
    return this.trend('nps', request);
  }

  @Get('csat')
  @ReadsProjections(SURVEY_DAILY, CUSTOMER_TIMELINE)
  @ApiOperation({
    summary: 'Customer satisfaction trend',
    description: describe('n, CSAT (% of answers 4–5) and the mean answer'),
  })
  @ApiOkResponse({ type: CsatTrendDto })
  csat(@QueryParams(queryValidation) request: SurveyTrendRequestDto): Promise<SurveyTrend> {
    return this.trend('csat', request);
  }

  @Get('ces')
  @ReadsProjections(SURVEY_DAILY, CUSTOMER_TIMELINE)
  @ApiOperation({
    summary: 'Customer effort score trend',
    description: describe('n and the mean answer (1–7, CES 2.0: higher is easier)'),
  })
  @ApiOkResponse({ type: CesTrendDto })
  ces(@QueryParams(queryValidation) request: SurveyTrendRequestDto): Promise<SurveyTrend> {
    return this.trend('ces', request);
  }

  private trend(kind: SurveyKind, request: SurveyTrendRequestDto): Promise<SurveyTrend> {
    const interval = request.interval ?? 'week';
    const to = request.to === undefined ? new Date() : parseDay(request.to);
    if (to === null) throw new BadRequestException(`to ${request.to} is not a calendar date`);
    let from: Date | null;
    if (request.from === undefined) {
      from = bucketStart(to, interval);
      for (let i = 1; i < DEFAULT_BUCKETS; i++) from = previousBucket(from, interval);
    } else {
      from = parseDay(request.from);
      if (from === null)
        throw new BadRequestException(`from ${request.from} is not a calendar date`);
    }
    if (from > to) throw new BadRequestException('from must not be after to');
    // A month is at most 31 days: beyond that span no interval fits, and nothing is enumerated.
    const days = (to.getTime() - from.getTime()) / 86_400_000;
    const buckets = days > 31 * MAX_BUCKETS ? Infinity : bucketStarts(from, to, interval).length;
    if (buckets > MAX_BUCKETS) {
      throw new BadRequestException(
        `from..to spans more than ${MAX_BUCKETS} ${interval} buckets: narrow the range or widen the interval`,
      );
    }
    return this.queryBus.execute(
      new GetSurveyTrendQuery(kind, from, to, interval, request.groupBy ?? null, {
        channel: request.channel ?? null,
        type: request.type ?? null,
        tier: request.tier ?? null,
        segment: request.segment ?? null,
      }),
    );
  }
}
