import { Controller, Get, Query as QueryParams, ValidationPipe } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '@touchline/auth';
import { decodeAlertCursor } from './alert-cursor';
import { AlertsPageDto, ListAlertsRequestDto } from './list-alerts.dto';
import { ListAlertsQuery, type AlertsPage } from './list-alerts.query';

/** Unknown parameters and wrong values are a 400 naming each problem. */
const validation = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
});

@ApiTags('analytics')
@RequireScope('analyst')
@Controller('v1/analytics')
export class ListAlertsHttpController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('alerts')
  @ApiOperation({
    summary: 'Alerts raised, newest first',
    description:
      'Detractor answers, complaints past their first-response target and churn band rises, each with its reasons and the state of its deliveries (Kafka, webhooks). Cursor pagination.',
  })
  @ApiOkResponse({ type: AlertsPageDto })
  @ApiBadRequestResponse({ description: 'A wrong parameter or cursor' })
  list(@QueryParams(validation) request: ListAlertsRequestDto): Promise<AlertsPage> {
    return this.queryBus.execute(
      new ListAlertsQuery(
        request.kind ?? null,
        request.customerId ?? null,
        request.since === undefined ? null : new Date(request.since),
        request.cursor === undefined ? null : decodeAlertCursor(request.cursor),
        request.limit ?? 50,
      ),
    );
  }
}
