import { Controller, Get, NotFoundException } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '@touchline/auth';
import type { ChurnModelView } from '../../churn-model.view';
import { ChurnModelDto } from '../../churn.dto';
import { GetChurnModelQuery } from './get-churn-model.query';

@ApiTags('analytics')
@RequireScope('analyst')
@Controller('v1/analytics/churn/model')
export class GetChurnModelHttpController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiOperation({
    summary: 'The fitted churn model',
    description:
      'BG/NBD r, alpha, a, b (time unit: day) and Gamma-Gamma p, q, gamma with their log-likelihoods, the customers fitted on, asOf and fittedAt (docs/read-models.md#churn-risk).',
  })
  @ApiOkResponse({ type: ChurnModelDto })
  @ApiNotFoundResponse({ description: 'No model has been fitted yet' })
  async get(): Promise<ChurnModelView> {
    const view = await this.queryBus.execute(new GetChurnModelQuery());
    if (view === null)
      throw new NotFoundException(
        'No churn model yet: POST /v1/analytics/churn/model/refit fits one',
      );
    return view;
  }
}
