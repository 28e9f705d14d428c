import {
  applyDecorators,
  BadRequestException,
  Controller,
  HttpCode,
  HttpStatus,
  Inject,
  Optional,
  Post,
  Req,
  type Type,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { AuthenticatedRequest } from '@touchline/auth';
import { RequireScope } from '@touchline/auth';
import { TOUCHLINE_CONFIG, type TouchlineConfig } from '@touchline/config';
import { EVENT_STORE, type EventStore } from '@touchline/event-store';
import type { Touchpoint, ValidationIssue } from '@touchline/touchpoints';
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
  SegmentAliasDto,
  SegmentBatchDto,
  SegmentGroupDto,
  SegmentIdentifyDto,
  SegmentPageDto,
  SegmentScreenDto,
  SegmentTrackDto,
} from './record-segment-calls.request.dto';
import { SegmentSuccessDto } from './record-segment-calls.response.dto';
import { mapSegmentRequest, type SegmentRoute } from './segment-mapping';
import { recordSegmentTouchpoints } from './segment-retries';
import { SegmentMapping } from './segment-track-rules';

const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } },
};

/** The documentation every Segment route shares. */
const SegmentEndpoint = (summary: string, description: string, body: Type<unknown>) =>
  applyDecorators(
    HttpCode(HttpStatus.OK),
    ApiOperation({ summary, description }),
    ApiConsumes('application/json'),
    ApiBody({ type: body }),
    ApiOkResponse({
      type: SegmentSuccessDto,
      description: 'Every touchpoint of the request is durably recorded (or was already)',
    }),
    ApiBadRequestResponse({
      type: ValidationErrorResponseDto,
      description:
        "Beyond Segment's limits (32 KB per call, 500 KB and 2,500 calls per batch), or some call " +
        'is invalid, before or after mapping: every problem listed by its path in the body ' +
        '(batch[3].properties.total); nothing was recorded',
    }),
    ApiUnauthorizedResponse({
      type: ErrorResponseDto,
      description:
        'No write key, or an unknown one. Send it as the user name of HTTP Basic ' +
        '(Authorization: Basic base64("<key>:")), as Segment SDKs do, or as a Bearer token',
    }),
    ApiForbiddenResponse({ type: ErrorResponseDto, description: 'The key lacks the ingest scope' }),
    ApiConflictResponse({
      type: ConflictResponseDto,
      description:
        'A messageId is already recorded with different content (not just another time); ' +
        'nothing was recorded',
    }),
    ApiPayloadTooLargeResponse({
      type: ErrorResponseDto,
      description: 'The body is larger than 1 MB, the most any request body is read',
    }),
    ApiUnsupportedMediaTypeResponse({
      type: ErrorResponseDto,
      description: 'Content-Type is not application/json (gzip, deflate and br encodings are fine)',
    }),
    ApiTooManyRequestsResponse({
      type: ErrorResponseDto,
      description: 'The key exceeds its rate; nothing was recorded',
      headers: RETRY_AFTER,
    }),
    ApiServiceUnavailableResponse({
      type: ErrorResponseDto,
      description:
        `The event store is unavailable; retry after Retry-After (${STORE_RETRY_AFTER_SECONDS} s) ` +
        'with the same messageIds: it is safe',
      headers: RETRY_AFTER,
    }),
  );

/**
 * Segment's HTTP Tracking API (docs/api.md, "Segment-compatible API"), so that services
 * instrumented with Segment or RudderStack SDKs can point their host at touchline. Each request
 * is mapped and validated as a whole, recorded as one all-or-nothing command, and answered
 * `200 {"success": true}` only once that is durable.
 */
@ApiTags('segment')
@RequireScope('ingest')
@Controller('v1')
export class RecordSegmentCallsHttpController {
  private readonly mapping: SegmentMapping;

  constructor(
    private readonly commandBus: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(TOUCHLINE_CONFIG) config: TouchlineConfig,
    @Optional() @Inject(INGEST_OBSERVER) private readonly observer: IngestObserver | null = null,
  ) {
    // The file's format was checked with the rest of the configuration; its fit with the
    // catalogue is checked here, so a wrong type or field stops the start, not every request.
    this.mapping = SegmentMapping.compile(config.segmentMapping);
  }

  @Post('batch')
  @SegmentEndpoint(
    'Record a batch of Segment calls, all or nothing',
    'What Segment SDKs send (analytics-node posts here). Calls of every type: track, identify, ' +
      'alias, page, screen, group.',
    SegmentBatchDto,
  )
  batch(@JsonBody() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('batch', body, request);
  }

  @Post('track')
  @SegmentEndpoint(
    'Record a Segment track call',
    'Mapped by event name: Order Completed → purchase, Order Refunded → refund, Product Viewed → ' +
      'browse, … (docs/api.md); other names → custom.',
    SegmentTrackDto,
  )
  track(@JsonBody() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('track', body, request);
  }

  @Post('identify')
  @SegmentEndpoint(
    'Record a Segment identify call',
    'traits → profile.updated; with userId and anonymousId also identity.linked.',
    SegmentIdentifyDto,
  )
  identify(@JsonBody() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('identify', body, request);
  }

  @Post('alias')
  @SegmentEndpoint(
    'Record a Segment alias call',
    "identity.linked in the userId's stream.",
    SegmentAliasDto,
  )
  alias(@JsonBody() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('alias', body, request);
  }

  @Post('page')
  @SegmentEndpoint('Record a Segment page call', 'browse, with the page URL.', SegmentPageDto)
  page(@JsonBody() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('page', body, request);
  }

  @Post('screen')
  @SegmentEndpoint(
    'Record a Segment screen call',
    'browse, with the screen name.',
    SegmentScreenDto,
  )
  screen(@JsonBody() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('screen', body, request);
  }

  @Post('group')
  @SegmentEndpoint(
    'Record a Segment group call',
    'custom "Group" with the groupId and traits (the catalogue has no account type yet).',
    SegmentGroupDto,
  )
  group(@JsonBody() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('group', body, request);
  }

  private async record(
    route: SegmentRoute,
    body: unknown,
    request: AuthenticatedRequest,
  ): Promise<SegmentSuccessDto> {
    const receivedAt = Date.now();
    // The guard sets apiKey on every request it lets through to a scoped route.
    const keyId = request.apiKey!.id;
    const result = mapSegmentRequest(body, {
      route,
      receivedAt,
      source: `segment:${keyId}`,
      mapping: this.mapping,
    });
    if (!result.ok) {
      notify(this.observer, (o) => o.rejected('segment', segmentCalls(route, body)));
      throw invalid(route, result.errors);
    }
    if (result.touchpoints.length > 0) {
      await recordSegmentTouchpoints(
        result.touchpoints,
        (touchpoints: Touchpoint[]): Promise<RecordedTouchpoint[]> =>
          this.commandBus.execute(new RecordTouchpointsCommand(touchpoints)),
        (streamId) => this.store.readStream(streamId),
      );
    }
    return { success: true };
  }
}

/** The calls of a refused request, for the rejected count (their types are Segment's, not ours). */
function segmentCalls(route: SegmentRoute, body: unknown): { type?: unknown }[] {
  const batch =
    route === 'batch' && typeof body === 'object' && body !== null
      ? (body as { batch?: unknown }).batch
      : undefined;
  return Array.isArray(batch) ? batch.map(() => ({})) : [{}];
}

function invalid(route: SegmentRoute, errors: ValidationIssue[]): BadRequestException {
  const what = route === 'batch' ? 'The batch is invalid' : `The ${route} call is invalid`;
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: `${what} (${errors.length === 1 ? '1 error' : `${errors.length} errors`}); nothing was recorded`,
    errors,
  });
}
