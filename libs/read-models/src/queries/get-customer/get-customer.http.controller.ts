import {
  BadRequestException,
  Controller,
  ForbiddenException,
  Get,
  HttpStatus,
  Inject,
  NotFoundException,
  Param,
  ParseBoolPipe,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiExtraModels,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { hasScope, RequireScope, type AuthenticatedRequest } from '@touchline/auth';
import { EVENT_STORE, type EventStore } from '@touchline/event-store';
import { CustomerIdPipe } from '../../http/customer-id.pipe';
import { ReadsProjections } from '../../http/read-your-writes';
import { CUSTOMER_PROFILE } from '../../projections/customer-profile.projection';
import { CUSTOMER_PROFILE_EXTRA_MODELS, CustomerProfileDto } from './customer-profile.dto';
import type { CustomerProfileView } from './customer-profile.view';
import { GetCustomerQuery } from './get-customer.query';
import { auditPersonalRead } from './personal-read-audit';

/** `personal` is a boolean flag: true or false, nothing else. */
const personalFlag = new ParseBoolPipe({
  optional: true,
  exceptionFactory: () => new BadRequestException('personal must be true or false'),
});

/** The answer for a customer whose events count for another one. */
export interface CustomerMovedBody {
  statusCode: number;
  message: string;
  customerId: string;
  canonicalId: string;
  mergedInto: string | null;
}

@ApiTags('customers')
@ApiExtraModels(...CUSTOMER_PROFILE_EXTRA_MODELS)
@RequireScope('analyst')
@Controller('v1/customers')
export class GetCustomerHttpController {
  constructor(
    private readonly queryBus: QueryBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get(':id')
  @ReadsProjections(CUSTOMER_PROFILE)
  @ApiOperation({
    summary: "A customer's profile",
    description:
      'Ids, attributes, consents, activity, spend, loyalty, last survey answers, open complaints, sentiment and its trend, tier and lifecycle stage, and RFM and churn risk from their snapshots (docs/read-models.md).',
  })
  @ApiQuery({
    name: 'personal',
    required: false,
    type: Boolean,
    description:
      'true: attribute values decrypted from the event store instead of "[personal]" ' +
      '(`personalData: "decrypted"`, "[erased]" for values whose key was destroyed). Needs an API ' +
      'key with the `personal` scope besides `analyst` (or `admin`); every such request is audited ' +
      'in the ops audit trail (GET /v1/ops/audit), and answered with Cache-Control: no-store',
  })
  @ApiOkResponse({ type: CustomerProfileDto })
  @ApiBadRequestResponse({ description: 'Not a valid customer id, or personal not true/false' })
  @ApiForbiddenResponse({
    description:
      'The key lacks the analyst scope, or asks for personal=true without the personal scope ' +
      '(the refusal is audited)',
  })
  @ApiNotFoundResponse({ description: 'No touchpoint of this customer is known' })
  @ApiResponse({
    status: HttpStatus.TEMPORARY_REDIRECT,
    description:
      'The customer was merged into another one, or is an earlier id of another one: Location ' +
      "names that customer's profile, which counts this one's events; the body says so " +
      '(`canonicalId`, `mergedInto`). Temporary: an unmerge undoes it.',
  })
  async get(
    @Param('id', CustomerIdPipe) id: string,
    @Query('personal', personalFlag) personal: boolean | undefined,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CustomerProfileView | CustomerMovedBody> {
    const personalFor = personal === true ? await this.personalReader(request, id) : null;
    if (personalFor !== null) response.setHeader('Cache-Control', 'no-store');
    const profile = await this.queryBus.execute(new GetCustomerQuery(id, personalFor));
    if (profile === null) throw new NotFoundException(`Customer ${id} is unknown`);
    const { canonicalId, mergedInto } = profile.ids;
    if (canonicalId === id) return profile;
    response.status(HttpStatus.TEMPORARY_REDIRECT);
    response.location(
      `/v1/customers/${encodeURIComponent(canonicalId)}${personalFor !== null ? '?personal=true' : ''}`,
    );
    return {
      statusCode: HttpStatus.TEMPORARY_REDIRECT,
      message:
        mergedInto !== null
          ? `Customer ${id} was merged into ${mergedInto}; its events count for ${canonicalId}`
          : `Customer ${id} is an earlier id of ${canonicalId}; its events count for ${canonicalId}`,
      customerId: id,
      canonicalId,
      mergedInto,
    };
  }

  /** The key allowed to read personal data, or 403 (audited: someone tried). */
  private async personalReader(request: AuthenticatedRequest, customerId: string): Promise<string> {
    const key = request.apiKey;
    if (key && hasScope(key, 'personal')) return key.id;
    const startedAt = new Date();
    if (key)
      await auditPersonalRead(this.store, {
        keyId: key.id,
        customerId,
        outcome: 'refused',
        startedAt,
      });
    throw new ForbiddenException(
      `API key "${key?.id ?? 'unknown'}" lacks the "personal" scope: personal=true answers ` +
        'decrypted personal data (docs/privacy.md); without it the attributes are masked',
    );
  }
}
