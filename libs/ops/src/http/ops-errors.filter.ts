import { Catch, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { HashChainUnavailableError } from '../errors';

/** Where the ops library's typed failures become HTTP answers. */
@Catch(HashChainUnavailableError)
export class OpsErrorsFilter implements ExceptionFilter {
  catch(error: HashChainUnavailableError, host: ArgumentsHost): void {
    host.switchToHttp().getResponse<Response>().status(HttpStatus.NOT_IMPLEMENTED).json({
      statusCode: 501,
      error: 'Not Implemented',
      message: error.message,
    });
  }
}
