import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as registryModule from './api-key-registry';
import { ApiKeyRegistry } from './api-key-registry';
import { embeddedAdminKey } from './embedded-admin-key';

describe('embeddedAdminKey', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'touchline-auth-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates a key once, keeps it readable only by the owner, and reuses it after a restart', () => {
    const dataDir = join(dir, 'data');
    const first = embeddedAdminKey(dataDir);
    expect(first.generated).toBe(true);
    expect(readFileSync(first.file, 'utf8').trim()).toBe(first.secret);
    expect(statSync(first.file).mode & 0o777).toBe(0o600);

    const second = embeddedAdminKey(dataDir);
    expect(second.generated).toBe(false);
    expect(second.secret).toBe(first.secret);
    const registry = new ApiKeyRegistry([second.config]);
    expect(registry.authenticate(first.secret)?.scopes).toEqual(['admin']);
    expect(registry.authenticate(`${first.secret}x`)).toBeNull();
  });

  it('makes no new secret when it reuses the kept key', () => {
    embeddedAdminKey(dir);
    const generate = jest.spyOn(registryModule, 'generateAdminKey');
    try {
      expect(embeddedAdminKey(dir).generated).toBe(false);
      expect(generate).not.toHaveBeenCalled();
    } finally {
      generate.mockRestore();
    }
  });

  it('refuses a file that holds no key instead of silently replacing it', () => {
    writeFileSync(join(dir, 'admin-key'), 'not a key\n');
    expect(() => embeddedAdminKey(dir)).toThrow(/holds no usable API key/);
  });
});
