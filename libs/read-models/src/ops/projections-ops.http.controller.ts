import {
  BadRequestException,
  Controller,
  DefaultValuePipe,
  Get,
  HttpCode,
  HttpStatus,
  NotFoundException,
  Param,
  ParseIntPipe,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { RequireScope } from '@touchline/auth';
import {
  ProjectionEngine,
  UnknownProjectionError,
  type DeadLetterRecord,
  type ProjectionStatus,
} from '@touchline/projections';
import type { Response } from 'express';
import { READ_MODEL_PROJECTIONS } from '../projections/read-model-projections';
import { DeadLetterDto, ProjectionStatusDto, RebuildStartedDto } from './projection-status.dto';

const KNOWN = new Set(READ_MODEL_PROJECTIONS.map((p) => p.name));
const progressOf = (name: string) => `/v1/ops/projections/${name}`;

/** The projection engine for operators: status, rebuilds without downtime, dead letters. */
@ApiTags('ops')
@RequireScope('ops')
@Controller('v1/ops/projections')
export class ProjectionsOpsHttpController {
  constructor(private readonly engine: ProjectionEngine) {}

  @Get()
  @ApiOperation({
    summary: 'Every projection: version, position, lag, state, last error, health',
    description:
      'A projection that stopped moving while events wait is unhealthy, never caught up. A rebuild under way is reported with its progress.',
  })
  @ApiOkResponse({ type: [ProjectionStatusDto] })
  list(): Promise<ProjectionStatus[]> {
    return this.engine.status();
  }

  @Get(':name')
  @ApiOperation({ summary: "One projection's status, with its rebuild's progress" })
  @ApiOkResponse({ type: ProjectionStatusDto })
  @ApiNotFoundResponse({ description: 'No such projection' })
  async get(@Param('name') name: string): Promise<ProjectionStatus> {
    const status = (await this.engine.status()).find((s) => s.name === name);
    if (!status) throw new NotFoundException(`Projection ${name} is unknown`);
    return status;
  }

  @Post(':name/rebuild')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Rebuild a projection beside the live one; reads switch once it has caught up',
    description:
      'Joins a rebuild of the same version under way. Follow the progress at the Location header (rebuild.applied / rebuild.total).',
  })
  @ApiAcceptedResponse({ type: RebuildStartedDto })
  @ApiNotFoundResponse({ description: 'No such projection' })
  async rebuild(
    @Param('name') name: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RebuildStartedDto> {
    this.assertKnown(name);
    try {
      const started = await this.engine.rebuild(name);
      response.setHeader('Location', progressOf(name));
      return { ...started, progress: progressOf(name) };
    } catch (error) {
      if (error instanceof UnknownProjectionError)
        throw new NotFoundException(`Projection ${name} is unknown`);
      throw error;
    }
  }

  @Get(':name/dead-letters')
  @ApiOperation({
    summary: 'Events the projection could not apply, newest first, with the reason',
  })
  @ApiQuery({ name: 'limit', required: false, description: '1–1000, default 100' })
  @ApiOkResponse({ type: [DeadLetterDto] })
  @ApiNotFoundResponse({ description: 'No such projection' })
  deadLetters(
    @Param('name') name: string,
    @Query('limit', new DefaultValuePipe(100), ParseIntPipe) limit: number,
  ): Promise<DeadLetterRecord[]> {
    this.assertKnown(name);
    if (limit < 1 || limit > 1_000) throw new BadRequestException('limit must be from 1 to 1000');
    return this.engine.deadLetters(name, { limit });
  }

  private assertKnown(name: string): void {
    if (!KNOWN.has(name)) throw new NotFoundException(`Projection ${name} is unknown`);
  }
}
