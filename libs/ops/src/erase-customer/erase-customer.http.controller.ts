import {
  BadRequestException,
  Body,
  Controller,
  HttpCode,
  HttpStatus,
  NotFoundException,
  Param,
  Post,
  Req,
  UseFilters,
  ValidationPipe,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { RequireScope, type AuthenticatedRequest } from '@touchline/auth';
import { IsOptional, IsString } from 'class-validator';
import { OpsErrorsFilter } from '../http/ops-errors.filter';
import { actorOf, customerIdParam } from '../http/request-parsing';
import { OpsService } from '../ops.service';
import { checkErasureRequest, type CustomerErasure } from './erase-customer';

export class EraseCustomerRequestDto {
  @ApiPropertyOptional({
    description: 'Why, as a label (not prose: the customer.erased event holds no personal data)',
    example: 'gdpr-request',
    maxLength: 64,
  })
  @IsOptional()
  @IsString()
  reason?: string;

  @ApiPropertyOptional({
    description:
      'The ticket or request id. Repeating a request with the same requestId records it once.',
    example: 'DSR-2026-0147',
    maxLength: 128,
  })
  @IsOptional()
  @IsString()
  requestId?: string;
}

class ErasedEventDto {
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ enum: ['appended', 'duplicate'] }) status!: 'appended' | 'duplicate';
  @ApiProperty({
    description: 'Send as X-Touchline-Min-Position to read the read models once they applied it',
  })
  position!: string;
}

export class CustomerErasureDto implements CustomerErasure {
  @ApiProperty() customerId!: string;
  @ApiProperty({
    type: [String],
    description: "The customer's stream and every linked or merged id's stream",
  })
  streams!: string[];
  @ApiProperty({ description: 'Data keys destroyed now (0 when destroyed by an earlier request)' })
  keysDestroyed!: number;
  @ApiProperty({ type: ErasedEventDto }) erasedEvent!: ErasedEventDto;
}

const body = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  expectedType: EraseCustomerRequestDto,
});

@ApiTags('ops')
@RequireScope('ops')
@UseFilters(OpsErrorsFilter)
@Controller('v1/ops/customers')
export class EraseCustomerHttpController {
  constructor(private readonly ops: OpsService) {}

  @Post(':id/erase')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: "GDPR erasure: destroy the customer's data keys (crypto-shredding)",
    description:
      "Destroys the data keys of every stream of the customer's journey (linked and merged ids " +
      'included): their personal fields become unreadable for good, in every copy of the events. ' +
      'Records customer.erased (no personal data); read models drop what they derived from the ' +
      'personal fields and never held them in the first place. Non-personal history (purchases, ' +
      'scores) stays and still counts. Recorded in the audit trail. See docs/privacy.md.',
  })
  @ApiBody({ type: EraseCustomerRequestDto, required: false })
  @ApiOkResponse({ type: CustomerErasureDto })
  @ApiBadRequestResponse({ description: 'A malformed customer id, reason or requestId' })
  @ApiNotFoundResponse({ description: 'The store has neither events nor keys of the customer' })
  @ApiConflictResponse({ description: 'The requestId was used before with another reason' })
  async erase(
    @Param('id') id: string,
    @Body(body) request: EraseCustomerRequestDto | undefined,
    @Req() req: AuthenticatedRequest,
  ): Promise<CustomerErasure> {
    const customerId = customerIdParam(id);
    const erasure = { reason: request?.reason, requestId: request?.requestId };
    const issues = checkErasureRequest(erasure);
    if (issues.length > 0) {
      throw new BadRequestException(
        issues.map((i) => `${i.path.replace(/^data\./, '')}: ${i.message}`),
      );
    }
    const result = await this.ops.eraseCustomer(actorOf(req), customerId, erasure);
    if (!result) throw new NotFoundException(`No events nor keys of customer ${customerId}`);
    return result;
  }
}
