import { BadRequestException } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional } from 'class-validator';

export class AsOfRequestDto {
  @ApiPropertyOptional({
    format: 'date-time',
    description:
      'The instant to compute as of (ISO 8601); touchpoints that occurred after it are ignored. Default: now.',
    example: '2026-06-30T23:59:59Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  asOf?: string;
}

/** The request's asOf, or now; a future instant or one before 1970 is a 400 (nothing is written). */
export function resolveAsOf(raw: string | undefined, now: Date = new Date()): Date {
  if (raw === undefined) return now;
  const asOf = new Date(raw);
  if (Number.isNaN(asOf.getTime()))
    throw new BadRequestException('asOf must be an ISO 8601 instant');
  if (asOf.getTime() > now.getTime())
    throw new BadRequestException(
      `asOf ${raw} is in the future: only what has happened can be scored`,
    );
  if (asOf.getTime() < 0) throw new BadRequestException('asOf must not be before 1970-01-01');
  return asOf;
}
