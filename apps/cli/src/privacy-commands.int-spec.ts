import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@touchline/event-store';
import { listAudit } from '@touchline/ops';
import { PersonalDataVault, TEST_MASTER_KEYS_ENV } from '@touchline/privacy';
import { createTestDatabase, type TestDatabase } from '@touchline/testing';
import { EXIT } from './cli-io';
import { EraseCommand } from './commands/erase.command';
import { ExportCommand } from './commands/export.command';
import { KeysRotateCommand } from './commands/keys.command';
import { Capture, cliApplication } from './testing/cli-harness';

/** `touchline erase`, `export` and `keys rotate` on the CLI's own wiring, on a real database. */
describe('touchline CLI: erase, export, keys rotate', () => {
  let db: TestDatabase;
  const out = new Capture();
  const err = new Capture();
  const customerId = `c-${randomUUID()}`;
  const EMAIL = `cli.${randomUUID()}@example.com`;
  const NEXT_MASTER = `next:${Buffer.alloc(32, 8).toString('base64')}`;

  const cli = (masterKeys: string): Promise<INestApplicationContext> =>
    cliApplication(db, { out, err }, masterKeys);

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  beforeEach(() => {
    out.text = '';
    err.text = '';
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it('exports decrypted, erases only with --yes, then exports the fields as erased', async () => {
    const app = await cli(TEST_MASTER_KEYS_ENV);
    try {
      const stream = `customer-${customerId}`;
      const vault = app.get(PersonalDataVault);
      await app.get<EventStore>(EVENT_STORE).appendToStream(
        stream,
        await vault.sealAll(stream, [
          {
            eventId: randomUUID(),
            type: 'profile.updated',
            data: { attributes: { email: EMAIL } },
            metadata: { source: 'cli-spec', customerId },
          },
          {
            eventId: randomUUID(),
            type: 'purchase',
            data: { orderId: 'o-1', amount: 12, currency: 'EUR' },
            metadata: { source: 'cli-spec', customerId },
          },
        ]),
        'no_stream',
      );

      const file = join(mkdtempSync(join(tmpdir(), 'tl-export-')), 'export.json');
      expect(await app.get(ExportCommand).execute(customerId, { out: file })).toBe(EXIT.ok);
      expect(readFileSync(file, 'utf8')).toContain(EMAIL);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      // Never overwrites a file: an export is personal data.
      expect(await app.get(ExportCommand).execute(customerId, { out: file })).toBe(EXIT.error);
      expect(err.text).toMatch(/EEXIST/);

      expect(await app.get(EraseCommand).execute(customerId, { reason: 'gdpr-request' })).toBe(
        EXIT.error,
      );
      expect(err.text).toMatch(/cannot be undone: run again with --yes/);
      expect(
        await app
          .get(EraseCommand)
          .execute(customerId, { yes: true, reason: 'Because she said so' }),
      ).toBe(EXIT.error);
      expect(err.text).toMatch(/--reason: reason must be a lower-case code/);
      expect(await app.get(EraseCommand).execute(`c-${randomUUID()}`, { yes: true })).toBe(
        EXIT.error,
      );
      expect(err.text).toMatch(/no events nor keys of customer/);

      err.text = '';
      expect(
        await app
          .get(EraseCommand)
          .execute(customerId, { yes: true, reason: 'gdpr-request', requestId: 'DSR-9' }),
      ).toBe(EXIT.ok);
      expect(out.text).toMatch(/Erased customer .*: 1 data key\(s\) destroyed across 1 stream/);

      out.text = '';
      expect(await app.get(ExportCommand).execute(customerId, {})).toBe(EXIT.ok);
      const exported = JSON.parse(out.text);
      expect(out.text).not.toContain(EMAIL);
      expect(exported.erasedEvents).toBe(1);
      expect(exported.events.map((e: { type: string }) => e.type)).toEqual([
        'profile.updated',
        'purchase',
        'customer.erased',
      ]);

      const { entries } = await listAudit(app.get(EVENT_STORE), { limit: 10 });
      expect(entries.map((e) => [e.action, e.outcome])).toEqual(
        expect.arrayContaining([
          ['customer.erase', 'succeeded'],
          ['customer.erase', 'not_found'],
          ['customer.export', 'succeeded'],
        ]),
      );
      expect(entries[0]!.actor.kind).toBe('cli_user');
    } finally {
      await app.close();
    }
  });

  it('keys rotate re-wraps every live key under the active master key, and says so', async () => {
    const before = await cli(TEST_MASTER_KEYS_ENV);
    const other = `c-${randomUUID()}`;
    try {
      const stream = `customer-${other}`;
      await before.get<EventStore>(EVENT_STORE).appendToStream(
        stream,
        await before.get(PersonalDataVault).sealAll(stream, [
          {
            eventId: randomUUID(),
            type: 'profile.updated',
            data: { attributes: { email: EMAIL } },
            metadata: { source: 'cli-spec', customerId: other },
          },
        ]),
        'no_stream',
      );
    } finally {
      await before.close();
    }

    const app = await cli(`${NEXT_MASTER},${TEST_MASTER_KEYS_ENV}`);
    try {
      expect(await app.get(KeysRotateCommand).execute({})).toBe(EXIT.ok);
      expect(out.text).toMatch(/Active master key: next/);
      expect(out.text).toMatch(/Re-wrapped 1 data key\(s\) from test-master/);
      expect(out.text).toMatch(/Live data keys: 1 under next/);
      out.text = '';
      expect(await app.get(KeysRotateCommand).execute({ json: true })).toBe(EXIT.ok);
      expect(JSON.parse(out.text)).toEqual({
        activeMasterKeyId: 'next',
        rewrapped: {},
        liveKeys: { next: 1 },
      });
    } finally {
      await app.close();
    }
    // Without the old master key, the export still decrypts.
    const after = await cli(NEXT_MASTER);
    try {
      out.text = '';
      expect(await after.get(ExportCommand).execute(other, {})).toBe(EXIT.ok);
      expect(out.text).toContain(EMAIL);
    } finally {
      await after.close();
    }
  });
});
