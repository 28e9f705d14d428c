import { Catch, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { ErasureRequestConflictError, HashChainUnavailableError } from '../errors';

/** Where the ops library's typed failures become HTTP answers. */
@Catch(HashChainUnavailableError, ErasureRequestConflictError)
export class OpsErrorsFilter implements ExceptionFilter {
  catch(error: HashChainUnavailableError | ErasureRequestConflictError, host: ArgumentsHost): void {
    const [statusCode, reason] =
      error instanceof ErasureRequestConflictError
        ? [HttpStatus.CONFLICT, 'Conflict']
        : [HttpStatus.NOT_IMPLEMENTED, 'Not Implemented'];
    host.switchToHttp().getResponse<Response>().status(statusCode).json({
      statusCode,
      error: reason,
      message: error.message,
    });
  }
}
