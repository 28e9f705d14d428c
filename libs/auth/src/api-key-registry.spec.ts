import { parseApiKeys } from '@touchline/config';
import { ApiKeyRegistry, generateAdminKey, hasScope } from './api-key-registry';

describe('ApiKeyRegistry', () => {
  const problems: string[] = [];
  const registry = new ApiKeyRegistry(
    parseApiKeys(
      'shop:shop-secret-0123456:ingest:100,root:root-secret-0123456:admin',
      undefined,
      problems,
    ),
  );

  it('authenticates by secret and reports the key, its scopes and rate', () => {
    expect(problems).toEqual([]);
    expect(registry.authenticate('shop-secret-0123456')).toEqual({
      id: 'shop',
      scopes: ['ingest'],
      ratePerSecond: 100,
    });
    expect(registry.authenticate('shop-secret-012345')).toBeNull();
    expect(registry.authenticate('')).toBeNull();
  });

  it('grants admin every scope and the others only their own', () => {
    const shop = registry.authenticate('shop-secret-0123456')!;
    const root = registry.authenticate('root-secret-0123456')!;
    expect(hasScope(shop, 'ingest')).toBe(true);
    expect(hasScope(shop, 'analyst')).toBe(false);
    for (const scope of ['ingest', 'analyst', 'ops', 'admin'] as const)
      expect(hasScope(root, scope)).toBe(true);
  });

  it('generates a strong admin key for the embedded profile', () => {
    const { secret, config } = generateAdminKey();
    expect(secret).toMatch(/^tl_[A-Za-z0-9_-]{32}$/);
    expect(new ApiKeyRegistry([config]).authenticate(secret)?.scopes).toEqual(['admin']);
  });
});
