import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  HttpCode,
  HttpStatus,
  NotFoundException,
  Post,
  Req,
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
  ApiTags,
} from '@nestjs/swagger';
import { RequireScope, type AuthenticatedRequest } from '@touchline/auth';
import { IsString, Length, Matches, MaxLength } from 'class-validator';
import { PARTY_ID_PATTERN } from '@touchline/touchpoints';
import { actorOf } from '../http/request-parsing';
import { OpsService } from '../ops.service';
import { MergeRefusedError, type MergeResult } from './merge-customers';

const ID_RULE = 'must be 1-128 letters, digits and . _ : | - starting with a letter or digit';

export class MergeCustomersRequestDto {
  @ApiProperty({ description: 'The customer that stays', example: 'c-10482' })
  @IsString()
  @MaxLength(128)
  @Matches(PARTY_ID_PATTERN, { message: `survivorId ${ID_RULE}` })
  survivorId!: string;

  @ApiProperty({ description: 'The duplicate', example: 'c-20977' })
  @IsString()
  @MaxLength(128)
  @Matches(PARTY_ID_PATTERN, { message: `mergedId ${ID_RULE}` })
  mergedId!: string;

  @ApiProperty({
    description: 'Why (free text, personal: stored encrypted with each customer key)',
    minLength: 1,
    maxLength: 2000,
    example: 'Same person, registered twice.',
  })
  @IsString()
  @Length(1, 2000)
  reason!: string;
}

class MergeEventDto {
  @ApiProperty() streamId!: string;
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty() revision!: number;
  @ApiProperty() position!: string;
}

export class MergeResultDto implements MergeResult {
  @ApiProperty({ enum: ['merge', 'unmerge'] }) kind!: 'merge' | 'unmerge';
  @ApiProperty() survivorId!: string;
  @ApiProperty() mergedId!: string;
  @ApiProperty({
    type: [MergeEventDto],
    description: "The events in the survivor's and the duplicate's streams",
  })
  events!: MergeEventDto[];
  @ApiProperty({
    description: 'Send as X-Touchline-Min-Position to read the read models once they applied it',
  })
  position!: string;
}

const body = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  expectedType: MergeCustomersRequestDto,
});

@ApiTags('ops')
@RequireScope('ops')
@Controller('v1/ops/customers')
export class MergeCustomersHttpController {
  constructor(private readonly ops: OpsService) {}

  @Post('merge')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Merge a duplicate customer into a survivor',
    description:
      'Records customer.merged in both streams at once. The read models then count the ' +
      "duplicate's history (and whatever was linked or merged into it) for the survivor; the " +
      "duplicate's profile points at the survivor. Refused (nothing written, audited) when a " +
      'customer has no events (404), or when the duplicate is already merged, the survivor is ' +
      'itself merged, or the two already count as one customer (409). See docs/operations.md.',
  })
  @ApiBody({ type: MergeCustomersRequestDto })
  @ApiOkResponse({ type: MergeResultDto })
  @ApiBadRequestResponse({ description: 'Malformed body, bad ids, the same id twice, no reason' })
  @ApiNotFoundResponse({ description: 'A customer without events' })
  @ApiConflictResponse({ description: "The customers' state does not allow the merge" })
  merge(
    @Body(body) request: MergeCustomersRequestDto,
    @Req() http: AuthenticatedRequest,
  ): Promise<MergeResult> {
    return answer(this.ops.mergeCustomers(actorOf(http), request));
  }

  @Post('unmerge')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Undo a merge',
    description:
      'Records customer.unmerged in both streams at once (a compensating event): the read ' +
      'models split the customers back as if never merged. 409 unless the duplicate is merged ' +
      'into this survivor now.',
  })
  @ApiBody({ type: MergeCustomersRequestDto })
  @ApiOkResponse({ type: MergeResultDto })
  @ApiBadRequestResponse({ description: 'Malformed body, bad ids, the same id twice, no reason' })
  @ApiNotFoundResponse({ description: 'A customer without events' })
  @ApiConflictResponse({ description: 'The duplicate is not merged into this survivor' })
  unmerge(
    @Body(body) request: MergeCustomersRequestDto,
    @Req() http: AuthenticatedRequest,
  ): Promise<MergeResult> {
    return answer(this.ops.unmergeCustomers(actorOf(http), request));
  }
}

async function answer(result: Promise<MergeResult>): Promise<MergeResult> {
  try {
    return await result;
  } catch (error) {
    if (!(error instanceof MergeRefusedError)) throw error;
    if (error.reason === 'invalid') throw new BadRequestException(error.message);
    if (error.reason === 'not_found') throw new NotFoundException(error.message);
    throw new ConflictException(error.message);
  }
}
