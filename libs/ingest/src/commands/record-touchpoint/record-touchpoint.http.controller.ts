import {
  applyDecorators,
  BadRequestException,
  Controller,
  HttpCode,
  HttpStatus,
  Inject,
  Optional,
  Post,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiForbiddenResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { RequireScope } from '@touchline/auth';
import {
  allTouchpointExamples,
  isTouchpointType,
  validateTouchpoint,
  validateTouchpointBatch,
  type BatchValidationResult,
  type Touchpoint,
  type ValidationIssue,
} from '@touchline/touchpoints';
import {
  ConflictResponseDto,
  ErrorResponseDto,
  ValidationErrorResponseDto,
} from '../../http/error-response.dto';
import { JsonBody } from '../../http/json-body.decorator';
import { STORE_RETRY_AFTER_SECONDS } from '../../http/store-errors.filter';
import { INGEST_OBSERVER, notify, type IngestObserver } from '../../ingest.observer';
import {
  RecordTouchpointsCommand,
  type RecordedTouchpoint,
} from '../record-touchpoints/record-touchpoints.command';
import {
  MAX_BATCH_TOUCHPOINTS,
  RecordTouchpointsBatchRequestDto,
  TouchpointRequestDto,
} from './record-touchpoint.request.dto';
import {
  RecordedTouchpointDto,
  RecordTouchpointsBatchResponseDto,
} from './record-touchpoint.response.dto';

const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } },
};

/** The status codes both routes share. */
const CommonResponses = () =>
  applyDecorators(
    ApiUnauthorizedResponse({
      type: ErrorResponseDto,
      description: 'No API key, or an unknown one (Authorization: Bearer <key>)',
    }),
    ApiForbiddenResponse({
      type: ErrorResponseDto,
      description: 'The API key lacks the ingest scope',
    }),
    ApiConflictResponse({
      type: ConflictResponseDto,
      description: 'An eventId is already recorded with different content; nothing was recorded',
    }),
    ApiPayloadTooLargeResponse({
      type: ErrorResponseDto,
      description: 'The body is larger than 1 MB (after any Content-Encoding is undone)',
    }),
    ApiUnsupportedMediaTypeResponse({
      type: ErrorResponseDto,
      description:
        'Content-Type is not application/json, the charset is not UTF-8, or the ' +
        'Content-Encoding is not gzip, deflate or br',
    }),
    ApiTooManyRequestsResponse({
      type: ErrorResponseDto,
      description: 'The API key exceeds its rate; nothing was recorded',
      headers: RETRY_AFTER,
    }),
    ApiServiceUnavailableResponse({
      type: ErrorResponseDto,
      description:
        'The event store is unavailable: whether anything was recorded is unknown. Retry after ' +
        `Retry-After (${STORE_RETRY_AFTER_SECONDS} s) with the same eventIds: it is safe.`,
      headers: RETRY_AFTER,
    }),
  );

const EXAMPLES = Object.fromEntries(
  allTouchpointExamples()
    .filter((example) => isTouchpointType(example.type))
    .map((example) => [example.type, { summary: example.type, value: example }]),
);

/**
 * The native ingestion API. A 202 means the touchpoints are durably in the event store. Bodies
 * are checked by the catalogue, never by a ValidationPipe (see TouchpointRequestDto).
 */
@ApiTags('ingest')
@RequireScope('ingest')
@Controller('v1/touchpoints')
export class RecordTouchpointHttpController {
  constructor(
    private readonly commandBus: CommandBus,
    @Optional() @Inject(INGEST_OBSERVER) private readonly observer: IngestObserver | null = null,
  ) {}

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Record one touchpoint',
    description:
      'Validates the touchpoint against the catalogue (docs/events.md) and appends it to its ' +
      "customer's stream. Idempotent by eventId.",
  })
  @ApiConsumes('application/json')
  @ApiBody({ type: TouchpointRequestDto, examples: EXAMPLES })
  @ApiAcceptedResponse({
    type: RecordedTouchpointDto,
    description: 'Durably recorded (or already recorded with the same content: "duplicate")',
  })
  @ApiBadRequestResponse({
    type: ValidationErrorResponseDto,
    description:
      'Not a valid touchpoint (every error listed with its JSON path), or not JSON, or not UTF-8',
  })
  @CommonResponses()
  async recordOne(@JsonBody() body: unknown): Promise<RecordedTouchpoint> {
    const result = validateTouchpoint(body);
    if (!result.ok) {
      notify(this.observer, (o) => o.rejected('http', [asItem(body)]));
      throw invalid('The touchpoint is invalid', result.errors);
    }
    const [recorded] = await this.record([result.touchpoint]);
    return recorded!;
  }

  @Post('batch')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: `Record up to ${MAX_BATCH_TOUCHPOINTS.toLocaleString('en')} touchpoints, all or nothing`,
    description:
      'Validates every touchpoint; if any is invalid nothing is recorded and every error is ' +
      'listed as touchpoints[i].<path>. Otherwise all are appended in one transaction.',
  })
  @ApiConsumes('application/json')
  @ApiBody({
    type: RecordTouchpointsBatchRequestDto,
    examples: {
      batch: {
        summary: 'a purchase and the NPS answer that followed',
        value: { touchpoints: [EXAMPLES.purchase!.value, EXAMPLES['survey.nps']!.value] },
      },
    },
  })
  @ApiAcceptedResponse({
    type: RecordTouchpointsBatchResponseDto,
    description: 'All durably recorded; one result per touchpoint, in the order sent',
  })
  @ApiBadRequestResponse({
    type: ValidationErrorResponseDto,
    description:
      'Some touchpoint is invalid, the batch is empty or larger than ' +
      `${MAX_BATCH_TOUCHPOINTS.toLocaleString('en')}, or the body is not JSON or not UTF-8; ` +
      'nothing was recorded',
  })
  @CommonResponses()
  async recordBatch(@JsonBody() body: unknown): Promise<RecordTouchpointsBatchResponseDto> {
    const result = validateBatchBody(body);
    if (!result.ok) {
      const items = (body as { touchpoints?: unknown } | null)?.touchpoints;
      const refused = Array.isArray(items) ? items.map(asItem) : [{}];
      notify(this.observer, (o) => o.rejected('http', refused));
      throw invalid('The batch is invalid', result.errors);
    }
    return { results: await this.record(result.touchpoints) };
  }

  private record(touchpoints: Touchpoint[]): Promise<RecordedTouchpoint[]> {
    return this.commandBus.execute(new RecordTouchpointsCommand(touchpoints));
  }
}

function asItem(item: unknown): { type?: unknown } {
  return typeof item === 'object' && item !== null ? (item as { type?: unknown }) : {};
}

/**
 * A batch body is `{ "touchpoints": [...] }` with at most 1,000 items and nothing else. Every
 * problem is reported at once (an unknown field beside the items' errors), except that an
 * oversized batch is refused before its items are looked at.
 */
function validateBatchBody(body: unknown): BatchValidationResult<Touchpoint> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return {
      ok: false,
      errors: [{ path: '', message: 'the body must be a JSON object: { "touchpoints": [ ... ] }' }],
    };
  const errors: ValidationIssue[] = Object.keys(body)
    .filter((key) => key !== 'touchpoints')
    .slice(0, 10)
    .map((key) => ({
      path: pathOf(key),
      message: `property ${key.slice(0, 64)} should not exist`,
    }));
  if (!Object.hasOwn(body, 'touchpoints'))
    return {
      ok: false,
      errors: [...errors, { path: 'touchpoints', message: 'touchpoints is required' }],
    };
  const items = (body as { touchpoints: unknown }).touchpoints;
  if (Array.isArray(items) && items.length > MAX_BATCH_TOUCHPOINTS) {
    const most = MAX_BATCH_TOUCHPOINTS.toLocaleString('en');
    const message = `a batch holds at most ${most} touchpoints, got ${items.length.toLocaleString('en')}`;
    return { ok: false, errors: [...errors, { path: 'touchpoints', message }] };
  }
  const result = validateTouchpointBatch(items);
  if (errors.length === 0) return result;
  return { ok: false, errors: [...errors, ...(result.ok ? [] : result.errors)] };
}

function pathOf(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]{0,63}$/.test(key)
    ? key
    : `[${JSON.stringify(key.slice(0, 64))}]`;
}

function invalid(what: string, errors: ValidationIssue[]): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: `${what}; nothing was recorded`,
    errors,
  });
}
