import { Body, ConflictException, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { RequireScope } from '@touchline/auth';
import { queryValidation } from '../../../http/validation';
import { resolveAsOf } from '../../../snapshots/as-of';
import { JobBusyError } from '../../../snapshots/job-lock';
import type { RfmDistributionView } from '../../rfm-distribution';
import { RfmDistributionDto } from '../../rfm.dto';
import { RecomputeRfmCommand } from './recompute-rfm.command';
import { RecomputeRfmRequestDto } from './recompute-rfm.request.dto';

@ApiTags('analytics')
@RequireScope('ops')
@Controller('v1/analytics/rfm')
export class RecomputeRfmHttpController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post('recompute')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Recompute the RFM snapshot as of an instant (default now)',
    description:
      'Touchpoints that occurred after asOf are ignored. Replaces the snapshot atomically and answers with its distribution. Waits if a recompute is under way in another request or process, for up to a minute. Scope ops: the snapshot is what every analyst reads.',
  })
  @ApiOkResponse({ type: RfmDistributionDto })
  @ApiBadRequestResponse({
    description: 'asOf not an ISO 8601 instant, in the future, or unknown fields',
  })
  @ApiConflictResponse({
    description:
      'A recompute under way elsewhere did not finish within a minute (nothing written): retry later',
  })
  async recompute(
    @Body(queryValidation) body: RecomputeRfmRequestDto,
  ): Promise<RfmDistributionView> {
    try {
      return await this.commandBus.execute(
        new RecomputeRfmCommand(resolveAsOf(body.asOf), body.windowDays),
      );
    } catch (error) {
      if (error instanceof JobBusyError) throw new ConflictException(error.message);
      throw error;
    }
  }
}
