import { BadRequestException } from '@nestjs/common';

/** Opaque to clients: base64url of {"seq": "<n>"}. */
export function encodeAlertCursor(seq: string): string {
  return Buffer.from(JSON.stringify({ seq }), 'utf8').toString('base64url');
}

export function decodeAlertCursor(raw: string): string {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    value = null;
  }
  const seq = (value as { seq?: unknown } | null)?.seq;
  if (typeof seq !== 'string' || !/^[1-9]\d{0,18}$/.test(seq)) {
    throw new BadRequestException('cursor is not valid: pass the nextCursor of the previous page');
  }
  return seq;
}
