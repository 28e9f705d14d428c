import { relative } from 'node:path';
import { STRICT } from '@touchline/testing';

/**
 * `describe` for suites that need a PostgreSQL server (DATABASE_URL): the leader lock takes a
 * connection of its own, which the embedded PGlite (one connection) cannot give. Without a server
 * the suite reports itself skipped in one line; under TOUCHLINE_TEST_STRICT=1 it runs, and
 * createTestDatabase fails it.
 */
export function describeWithPostgresServer(name: string, fn: () => void): void {
  if (process.env.DATABASE_URL || STRICT) {
    describe(name, fn);
    return;
  }
  const title = `${name} — skipped: needs a PostgreSQL server (DATABASE_URL)`;
  const file = expect.getState().testPath;
  process.stderr.write(`○ ${file ? `${relative(process.cwd(), file)}: ` : ''}${title}\n`);
  describe.skip(title, () => {
    it('needs a PostgreSQL server', () => undefined);
  });
}
