import { Controller, Get, NotFoundException } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '@touchline/auth';
import type { RfmDistributionView } from '../../rfm-distribution';
import { RfmDistributionDto } from '../../rfm.dto';
import { GetRfmDistributionQuery } from './get-rfm-distribution.query';

@ApiTags('analytics')
@RequireScope('analyst')
@Controller('v1/analytics/rfm')
export class GetRfmDistributionHttpController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiOperation({
    summary: 'The RFM distribution of the current snapshot',
    description:
      'Customers per R, F and M score, the R × F grid with the segment of each cell, and customers per segment, as of the snapshot (docs/read-models.md#rfm).',
  })
  @ApiOkResponse({ type: RfmDistributionDto })
  @ApiNotFoundResponse({ description: 'No RFM snapshot has been computed yet' })
  async get(): Promise<RfmDistributionView> {
    const view = await this.queryBus.execute(new GetRfmDistributionQuery());
    if (view === null)
      throw new NotFoundException(
        'No RFM snapshot yet: POST /v1/analytics/rfm/recompute computes one',
      );
    return view;
  }
}
