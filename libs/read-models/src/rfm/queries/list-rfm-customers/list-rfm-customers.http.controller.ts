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
import { ListRfmCustomersRequestDto, RfmCustomerPageDto } from './list-rfm-customers.dto';
import { ListRfmCustomersQuery, type RfmCustomerPage } from './list-rfm-customers.query';

const NUMBER = /^-?\d+(\.\d+)?$/;

@ApiTags('analytics')
@RequireScope('analyst')
@Controller('v1/analytics/rfm')
export class ListRfmCustomersHttpController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('customers')
  @ApiOperation({
    summary: 'Customers of the RFM snapshot, optionally of one segment',
    description:
      'Sorted by monetary (net, within the window) descending, ties by customer id. Cursor pagination: pass nextCursor as cursor with the same segment; every page comes from the snapshot of the first.',
  })
  @ApiOkResponse({ type: RfmCustomerPageDto })
  @ApiBadRequestResponse({ description: 'An unknown segment or parameter, or a foreign cursor' })
  @ApiConflictResponse({
    description:
      'The cursor pages through a snapshot that has been recomputed since: start again from the first page',
  })
  async list(
    @QueryParams(queryValidation) request: ListRfmCustomersRequestDto,
  ): Promise<RfmCustomerPage> {
    const segment = request.segment ?? null;
    const after =
      request.cursor === undefined
        ? null
        : decodeCursor(request.cursor, (c) =>
            isRecord(c) &&
            c.g === (segment ?? '') &&
            typeof c.s === 'string' &&
            typeof c.v === 'string' &&
            NUMBER.test(c.v) &&
            typeof c.k === 'string'
              ? { snapshot: c.s, monetary: c.v, customerId: c.k }
              : null,
          );
    try {
      return await this.queryBus.execute(
        new ListRfmCustomersQuery(segment, after, request.limit ?? 50),
      );
    } catch (error) {
      if (error instanceof SnapshotReplacedError) throw new ConflictException(error.message);
      throw error;
    }
  }
}
