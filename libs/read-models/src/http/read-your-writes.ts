import {
  applyDecorators,
  BadRequestException,
  Inject,
  Injectable,
  ServiceUnavailableException,
  SetMetadata,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiHeader, ApiServiceUnavailableResponse } from '@nestjs/swagger';
import { TOUCHLINE_CONFIG, type TouchlineConfig } from '@touchline/config';
import { EVENT_STORE, type EventStore } from '@touchline/event-store';
import { ProjectionEngine } from '@touchline/projections';
import type { Request, Response } from 'express';
import type { Observable } from 'rxjs';

export const MIN_POSITION_HEADER = 'X-Touchline-Min-Position';
const READS = 'touchline:reads-projections';
/** Seconds a client should wait before asking again after a position was not reached in time. */
export const MIN_POSITION_RETRY_AFTER_SECONDS = 1;

/**
 * Read-your-writes for a query route: with `X-Touchline-Min-Position: <position>` (the position an
 * ingestion answer returned), the route answers only after every projection it reads has applied
 * that position, waiting at most TOUCHLINE_MIN_POSITION_WAIT_MS; then 503 with Retry-After and
 * where each projection stands. Without the header the route answers at once.
 */
export const ReadsProjections = (...projections: string[]) =>
  applyDecorators(
    SetMetadata(READS, projections),
    UseInterceptors(MinPositionInterceptor),
    ApiHeader({
      name: MIN_POSITION_HEADER,
      required: false,
      description:
        'A store position (from an ingestion answer): wait until the read models this route reads include it.',
    }),
    ApiServiceUnavailableResponse({
      description:
        'The read models did not reach X-Touchline-Min-Position in time; Retry-After says when to ask again, the body where each stands.',
    }),
  );

@Injectable()
export class MinPositionInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly engine: ProjectionEngine,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(TOUCHLINE_CONFIG) private readonly config: TouchlineConfig,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const projections = this.reflector.get<string[] | undefined>(READS, context.getHandler()) ?? [];
    const request = context.switchToHttp().getRequest<Request>();
    const raw = request.header(MIN_POSITION_HEADER);
    if (raw === undefined || projections.length === 0) return next.handle();
    const position = raw.trim();
    try {
      this.store.compareCheckpoints(position, null);
    } catch {
      throw new BadRequestException(
        `${MIN_POSITION_HEADER} "${position.slice(0, 100)}" is not a position of this event store`,
      );
    }
    const result = await this.engine.waitForPosition(
      projections,
      position,
      this.config.minPositionWaitMs,
    );
    if (!result.reached) {
      context
        .switchToHttp()
        .getResponse<Response>()
        .setHeader('Retry-After', String(MIN_POSITION_RETRY_AFTER_SECONDS));
      throw new ServiceUnavailableException({
        statusCode: 503,
        error: 'Service Unavailable',
        message: `The read models did not reach position ${position} within ${this.config.minPositionWaitMs} ms`,
        minPosition: position,
        positions: result.positions,
      });
    }
    return next.handle();
  }
}
