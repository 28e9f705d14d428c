import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigModule, type TouchlineConfig } from '@touchline/config';
import { API_KEY_REGISTRY } from './api-key.guard';
import type { ApiKeyRegistry } from './api-key-registry';
import { AuthModule } from './auth.module';

describe('AuthModule without configured keys (embedded profile)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'touchline-auth-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** One start of the module: the registry it built and what it logged. */
  async function start(): Promise<{ registry: ApiKeyRegistry; logged: string }> {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    try {
      const config = { apiKeys: [], dataDir: dir } as unknown as TouchlineConfig;
      const moduleRef = await Test.createTestingModule({
        imports: [ConfigModule.forRoot(config), AuthModule],
      }).compile();
      const registry = moduleRef.get<ApiKeyRegistry>(API_KEY_REGISTRY);
      await moduleRef.close();
      const logged = [...warn.mock.calls, ...log.mock.calls].map(([m]) => String(m)).join('\n');
      return { registry, logged };
    } finally {
      warn.mockRestore();
      log.mockRestore();
    }
  }

  it('prints the admin key only on the start that generates it, afterwards only its file', async () => {
    const file = join(dir, 'admin-key');
    const first = await start();
    const secret = readFileSync(file, 'utf8').trim();
    expect(first.logged).toContain(secret);

    const second = await start();
    expect(second.logged).not.toContain(secret);
    expect(second.logged).toContain(`using the admin key kept in ${file}`);
    expect(second.registry.authenticate(secret)?.scopes).toEqual(['admin']);
  });
});
