import { Catch, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import {
  EventIdConflictError,
  EventStoreUnavailableError,
  WrongExpectedRevisionError,
} from '@touchline/event-store';
import type { Response } from 'express';

/** Seconds a client should wait before retrying when the store is unavailable. */
export const STORE_RETRY_AFTER_SECONDS = 2;

/**
 * The one place where the event store's typed failures become HTTP answers:
 * - unavailable → 503 with Retry-After: the write's outcome is unknown, never a 2xx, and a retry
 *   with the same event ids is safe;
 * - an event id stored with other content → 409;
 * - a failed expected-revision check → 409 with the actual revision.
 */
@Catch(EventStoreUnavailableError, EventIdConflictError, WrongExpectedRevisionError)
export class StoreErrorsFilter implements ExceptionFilter {
  catch(error: Error, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (error instanceof EventStoreUnavailableError) {
      response
        .status(HttpStatus.SERVICE_UNAVAILABLE)
        .setHeader('Retry-After', String(STORE_RETRY_AFTER_SECONDS))
        .json({
          statusCode: 503,
          error: 'Service Unavailable',
          message:
            'The event store is unavailable; nothing was acknowledged. Retry with the same event ids.',
        });
      return;
    }
    if (error instanceof EventIdConflictError) {
      response.status(HttpStatus.CONFLICT).json({
        statusCode: 409,
        error: 'Conflict',
        message: `eventId ${error.eventId} is already recorded with different content`,
        eventId: error.eventId,
      });
      return;
    }
    const wrong = error as WrongExpectedRevisionError;
    response.status(HttpStatus.CONFLICT).json({
      statusCode: 409,
      error: 'Conflict',
      message: wrong.message,
      stream: wrong.streamId,
      actualRevision: wrong.actual,
    });
  }
}
