import type { ClientBase, Connection, Submittable } from 'pg';

/**
 * `COPY ... FROM STDIN` through node-pg's Submittable interface (the mechanism pg-cursor and
 * pg-copy-streams use), for the benchmark's raw-COPY baseline. pg-copy-streams is not a dependency
 * of this project and the benchmark must not add one; this sends the whole payload as one
 * CopyData message, which is all a batch of 100 rows needs.
 */

/** The protocol methods node-pg's Connection has but @types/pg does not declare. */
interface CopyConnection extends Connection {
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

class CopyFromStdin implements Submittable {
  private rowCount = 0;
  private settled = false;

  constructor(
    private readonly text: string,
    private readonly payload: Buffer,
    private readonly resolve: (rows: number) => void,
    private readonly reject: (error: Error) => void,
  ) {}

  submit(connection: Connection): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: CopyConnection): void {
    connection.sendCopyFromChunk(this.payload);
    connection.endCopyFrom();
  }

  handleCommandComplete(message: { text?: string }): void {
    const match = /^COPY (\d+)/.exec(message.text ?? '');
    this.rowCount = match ? Number(match[1]) : 0;
  }

  handleReadyForQuery(): void {
    this.settle(null);
  }

  /** Called by the client for an ErrorResponse (no ReadyForQuery reaches us after it) or a dead socket. */
  handleError(error: Error): void {
    this.settle(error);
  }

  private settle(error: Error | null): void {
    if (this.settled) return;
    this.settled = true;
    if (error) this.reject(error);
    else this.resolve(this.rowCount);
  }
}

/** Runs `copyStatement` (a `COPY ... FROM STDIN`) with `payload` in text format; resolves with the row count. */
export function copyFrom(
  client: ClientBase,
  copyStatement: string,
  payload: Buffer,
): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    client.query(new CopyFromStdin(copyStatement, payload, resolve, reject));
  });
}

/** A value in COPY's text format: backslash, tab, newline and carriage return escaped. */
export function copyText(value: string): string {
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/[\\\t\n\r]/g, (c) =>
        c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
      )
    : value;
}

/** A bytea in COPY's text format: the hex form with its backslash escaped. */
export function copyBytea(value: Buffer): string {
  return `\\\\x${value.toString('hex')}`;
}
