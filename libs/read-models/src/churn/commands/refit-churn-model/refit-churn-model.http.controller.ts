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
import { AsOfRequestDto, resolveAsOf } from '../../../snapshots/as-of';
import { JobBusyError } from '../../../snapshots/job-lock';
import type { ChurnRefitView } from '../../churn-model.view';
import { NothingToFitError } from '../../churn-scores';
import { ChurnRefitDto } from '../../churn.dto';
import { RefitChurnModelCommand } from './refit-churn-model.command';

@ApiTags('analytics')
@RequireScope('ops')
@Controller('v1/analytics/churn/model')
export class RefitChurnModelHttpController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post('refit')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Refit BG/NBD and Gamma-Gamma as of an instant (default now) and rescore everyone',
    description:
      'Touchpoints that occurred after asOf are ignored and T is measured to it. Replaces the churn snapshot atomically; answers with the model (as GET /v1/analytics/churn/model) and the customers whose band rose to high or critical. Scope ops: the snapshot is what every analyst reads.',
  })
  @ApiOkResponse({ type: ChurnRefitDto })
  @ApiBadRequestResponse({
    description: 'asOf not an ISO 8601 instant, in the future, or unknown fields',
  })
  @ApiConflictResponse({
    description:
      'No purchase at or before asOf: nothing to fit; or other refits kept the job busy (a minute of waiting, or three refits replacing the snapshot during this one): nothing written',
  })
  async refit(@Body(queryValidation) body: AsOfRequestDto): Promise<ChurnRefitView> {
    try {
      return await this.commandBus.execute(new RefitChurnModelCommand(resolveAsOf(body.asOf)));
    } catch (error) {
      if (error instanceof NothingToFitError || error instanceof JobBusyError)
        throw new ConflictException(error.message);
      throw error;
    }
  }
}
