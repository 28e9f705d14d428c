import { Controller, Get, NotFoundException, Param, Req, UseFilters } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScope, type AuthenticatedRequest } from '@touchline/auth';
import { OpsErrorsFilter } from '../http/ops-errors.filter';
import { actorOf, customerIdParam } from '../http/request-parsing';
import { OpsService } from '../ops.service';
import type { CustomerExport } from './export-customer';

@ApiTags('ops')
@RequireScope('ops')
@UseFilters(OpsErrorsFilter)
@Controller('v1/ops/customers')
export class ExportCustomerHttpController {
  constructor(private readonly ops: OpsService) {}

  @Get(':id/export')
  @ApiOperation({
    summary: 'Subject-access export: every event of the customer, decrypted, as JSON',
    description:
      "All events of the customer's journey (linked and merged ids included) from the event " +
      'store, in recording order, upcast to the current version, personal fields decrypted; ' +
      'each says whether its personal fields were decrypted, erased or absent. Personal data: ' +
      'recorded in the audit trail (without it). See docs/privacy.md.',
  })
  @ApiNotFoundResponse({ description: 'The store has no event of the customer' })
  async export(
    @Param('id') id: string,
    @Req() request: AuthenticatedRequest,
  ): Promise<CustomerExport> {
    const customerId = customerIdParam(id);
    const result = await this.ops.exportCustomer(actorOf(request), customerId);
    if (!result) throw new NotFoundException(`No events of customer ${customerId}`);
    return result;
  }
}
