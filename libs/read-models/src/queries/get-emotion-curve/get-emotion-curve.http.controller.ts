import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { RequireScope } from '@touchline/auth';
import { CustomerIdPipe } from '../../http/customer-id.pipe';
import { ReadsProjections } from '../../http/read-your-writes';
import { CUSTOMER_PROFILE } from '../../projections/customer-profile.projection';
import { CUSTOMER_TIMELINE } from '../../projections/customer-timeline.projection';
import { EmotionCurveDto } from './emotion.dto';
import { GetEmotionCurveQuery, type EmotionCurve } from './get-emotion-curve.query';

@ApiTags('customers')
@RequireScope('analyst')
@Controller('v1/customers')
export class GetEmotionCurveHttpController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':id/emotion-curve')
  @ReadsProjections(CUSTOMER_PROFILE, CUSTOMER_TIMELINE)
  @ApiOperation({
    summary: "A customer's emotion curve and its peak-end summary",
    description:
      'Every touchpoint of the journey (linked ids included) that has a sentiment, in order, with the most negative and most positive moments, the end, and their mean.',
  })
  @ApiOkResponse({ type: EmotionCurveDto })
  @ApiBadRequestResponse({ description: 'Not a valid customer id' })
  @ApiNotFoundResponse({ description: 'No touchpoint of this customer is known' })
  async get(@Param('id', CustomerIdPipe) id: string): Promise<EmotionCurve> {
    const curve = await this.queryBus.execute(new GetEmotionCurveQuery(id));
    if (curve === null) throw new NotFoundException(`Customer ${id} is unknown`);
    return curve;
  }
}
