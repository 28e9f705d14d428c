import { BadRequestException } from '@nestjs/common';

/** Cursors are opaque to clients: base64url of a small JSON object. */
export function encodeCursor(payload: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor and checks it with `accept`; anything else is a clear 400 (a cursor made for
 * another sort or order included), never a wrong page.
 */
export function decodeCursor<T>(raw: string, accept: (value: unknown) => T | null): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  const cursor = value === undefined ? null : accept(value);
  if (cursor === null) {
    throw new BadRequestException(
      'cursor is not valid here: pass the nextCursor of the previous page, with the same sort and order',
    );
  }
  return cursor;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
