import { Controller, Get, NotFoundException, Param, Req, UseFilters } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScope, type AuthenticatedRequest } from '@touchline/auth';
import { OpsErrorsFilter } from '../http/ops-errors.filter';
import { actorOf, customerIdParam } from '../http/request-parsing';
import { OpsService } from '../ops.service';
import type { StreamVerification } from './check-chain';

@ApiTags('ops')
@RequireScope('ops')
@UseFilters(OpsErrorsFilter)
@Controller('v1/ops/verify')
export class VerifyChainHttpController {
  constructor(private readonly ops: OpsService) {}

  @Get(':customerId')
  @ApiOperation({
    summary: "Re-computes the hash chain of a customer's stream",
    description:
      '200 with ok=false and firstBroken {revision, reason: changed | deleted | inserted | ' +
      'reordered, expected, actual} when the chain is broken; 404 when the stream has no events; ' +
      '501 when the event store keeps no hash chain. Recorded in the audit trail.',
  })
  async verify(
    @Param('customerId') id: string,
    @Req() request: AuthenticatedRequest,
  ): Promise<StreamVerification> {
    const customerId = customerIdParam(id);
    const result = await this.ops.verifyCustomer(actorOf(request), customerId);
    if (!result) throw new NotFoundException(`No events of customer ${customerId}`);
    return result;
  }
}
