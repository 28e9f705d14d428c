import { BadRequestException } from '@nestjs/common';
import type { AuthenticatedRequest } from '@touchline/auth';
import { PARTY_ID_PATTERN } from '@touchline/touchpoints';
import type { OpsActor } from '../audit/ops-audit';
import { parseInstant } from '../instant';

/** The guard has authenticated the key before any ops handler runs. */
export function actorOf(request: AuthenticatedRequest): OpsActor {
  return { kind: 'api_key', id: request.apiKey?.id ?? 'unknown' };
}

export function customerIdParam(value: string): string {
  if (value.length > 128 || !PARTY_ID_PATTERN.test(value)) {
    throw new BadRequestException(
      'customer id must be 1-128 letters, digits and . _ : | - starting with a letter or digit',
    );
  }
  return value;
}

/** An optional instant query parameter; 400 naming the parameter and the accepted forms. */
export function instantQuery(name: string, value: unknown): Date | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new BadRequestException(`${name} must be given once`);
  const parsed = parseInstant(name, value);
  if (!parsed.ok) throw new BadRequestException(parsed.problem);
  return parsed.date;
}

export function integerQuery(
  name: string,
  value: unknown,
  { min, max }: { min: number; max: number },
): number | undefined {
  if (value === undefined || value === '') return undefined;
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    throw new BadRequestException(`${name} must be an integer from ${min} to ${max}`);
  }
  return number;
}
