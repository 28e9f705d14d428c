import { ConflictException, Controller, Get, Query as QueryParams } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { RequireScope } from '@touchline/auth';
import { decodeCursor, isRecord } from '../../../http/cursor';
import { queryValidation } from '../../../http/validation';
import { SnapshotReplacedError } from '../../../snapshots/snapshot-read';
import { ChurnRiskPageDto, ListChurnRisksRequestDto } from './list-churn-risks.dto';
import { ListChurnRisksQuery, type ChurnRiskPage } from './list-churn-risks.query';

const FLOAT = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;

@ApiTags('analytics')
@RequireScope('analyst')
@Controller('v1/analytics/churn')
export class ListChurnRisksHttpController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiOperation({
    summary: 'Customers at risk of churning, most value at risk first, with the reasons',
    description:
      'Sorted by value at risk = risk score / 100 × 12-month CLV, descending (ties by customer id); band filters. Cursor pagination: pass nextCursor as cursor with the same band; every page comes from the snapshot of the first.',
  })
  @ApiOkResponse({ type: ChurnRiskPageDto })
  @ApiBadRequestResponse({ description: 'An unknown band or parameter, or a foreign cursor' })
  @ApiConflictResponse({
    description:
      'The cursor pages through a snapshot that has been refitted since: start again from the first page',
  })
  async list(
    @QueryParams(queryValidation) request: ListChurnRisksRequestDto,
  ): Promise<ChurnRiskPage> {
    const band = request.band ?? null;
    const after =
      request.cursor === undefined
        ? null
        : decodeCursor(request.cursor, (c) =>
            isRecord(c) &&
            c.b === (band ?? '') &&
            typeof c.s === 'string' &&
            typeof c.v === 'string' &&
            FLOAT.test(c.v) &&
            typeof c.k === 'string'
              ? { snapshot: c.s, valueAtRisk: c.v, customerId: c.k }
              : null,
          );
    try {
      return await this.queryBus.execute(new ListChurnRisksQuery(band, after, request.limit ?? 50));
    } catch (error) {
      if (error instanceof SnapshotReplacedError) throw new ConflictException(error.message);
      throw error;
    }
  }
}
