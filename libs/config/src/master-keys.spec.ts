import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './config';
import { parseMasterKeys } from './master-keys';

const b64 = (fill: number, bytes = 32) => Buffer.alloc(bytes, fill).toString('base64');

describe('master keys (TOUCHLINE_MASTER_KEYS)', () => {
  it('reads keyId:base64 entries, the first active unless one is named', () => {
    const problems: string[] = [];
    const parsed = parseMasterKeys(
      `mk-2:${b64(2)}, mk-1:${b64(1)}`,
      undefined,
      undefined,
      problems,
    );
    expect(problems).toEqual([]);
    expect(parsed.activeId).toBe('mk-2');
    expect(parsed.keys.map((k) => [k.id, k.key])).toEqual([
      ['mk-2', Buffer.alloc(32, 2)],
      ['mk-1', Buffer.alloc(32, 1)],
    ]);
    expect(
      parseMasterKeys(`mk-2:${b64(2)},mk-1:${b64(1)}`, undefined, 'mk-1', problems).activeId,
    ).toBe('mk-1');
    expect(problems).toEqual([]);
  });

  it('reads a file, one key per line, comments and blank lines ignored', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mk-')), 'keys');
    writeFileSync(file, `# rotated 2026-03\n\nmk-new:${b64(9)}\nmk-old:${b64(8)}\n`);
    const problems: string[] = [];
    expect(parseMasterKeys(undefined, file, undefined, problems).keys.map((k) => k.id)).toEqual([
      'mk-new',
      'mk-old',
    ]);
    expect(problems).toEqual([]);
  });

  it('reports malformed entries without echoing key material', () => {
    const problems: string[] = [];
    const secretish = b64(5, 16);
    parseMasterKeys(
      `bad id:${b64(1)},short:${secretish},dup:${b64(1)},dup:${b64(2)},nocolon`,
      undefined,
      'missing',
      problems,
    );
    expect(problems).toHaveLength(5);
    expect(problems.join('\n')).not.toContain(secretish);
    expect(problems[1]).toMatch(/key "short" is not base64 of exactly 32 bytes/);
    expect(problems[2]).toMatch(/"dup" appears twice/);
    expect(problems[4]).toMatch(/TOUCHLINE_MASTER_KEY_ACTIVE names "missing"/);
  });

  it('is required outside the embedded profile, optional in it', () => {
    const env = { DATABASE_URL: 'postgres://h/db', TOUCHLINE_API_KEYS: 'o:0123456789abcdef:ops' };
    expect(() => loadConfig(env)).toThrow(/TOUCHLINE_MASTER_KEYS .* is required/);
    expect(loadConfig({ ...env, TOUCHLINE_MASTER_KEYS: `k:${b64(3)}` }).masterKeys.activeId).toBe(
      'k',
    );
    expect(loadConfig({}).masterKeys).toEqual({ keys: [], activeId: undefined });
  });
});
