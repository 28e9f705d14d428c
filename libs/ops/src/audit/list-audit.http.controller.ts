import { Controller, Get, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { RequireScope, type AuthenticatedRequest } from '@touchline/auth';
import { actorOf, integerQuery } from '../http/request-parsing';
import { OpsService } from '../ops.service';
import type { AuditPage } from './ops-audit';

export const AUDIT_PAGE_MAX = 500;

@ApiTags('ops')
@RequireScope('ops')
@Controller('v1/ops/audit')
export class ListAuditHttpController {
  constructor(private readonly ops: OpsService) {}

  @Get()
  @ApiOperation({
    summary: 'The operations audit trail, newest first',
    description:
      'Who (API key or CLI user), what, target, when and outcome of every ops action. Page back ' +
      'with before=<nextBefore>. The listing is itself recorded.',
  })
  @ApiQuery({
    name: 'limit',
    type: Number,
    required: false,
    description: `1-${AUDIT_PAGE_MAX}, default 50`,
  })
  @ApiQuery({
    name: 'before',
    type: Number,
    required: false,
    description: 'nextBefore of the previous page',
  })
  list(
    @Query('limit') limitParam: unknown,
    @Query('before') beforeParam: unknown,
    @Req() request: AuthenticatedRequest,
  ): Promise<AuditPage> {
    const limit = integerQuery('limit', limitParam, { min: 1, max: AUDIT_PAGE_MAX }) ?? 50;
    const before = integerQuery('before', beforeParam, { min: 0, max: Number.MAX_SAFE_INTEGER });
    return this.ops.listAudit(actorOf(request), { limit, before });
  }
}
