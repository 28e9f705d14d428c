import { relative } from 'node:path';
import { STRICT } from './test-database';

/**
 * `describe` for suites that need a PostgreSQL server (DATABASE_URL), not the embedded PGlite:
 * PGlite is one connection inside the test process, so neither a second session of its own (a
 * leader lock) nor another process can reach it. Without a server the suite reports itself
 * skipped in one line; under TOUCHLINE_TEST_STRICT=1 it runs, and createTestDatabase fails it.
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
