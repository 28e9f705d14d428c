import { createHmac } from 'node:crypto';
import { signatureHeader, verifySignature } from './signature';

const SECRET = 'whsec-0123456789abcdef';
const BODY = '{"id":"detractor:1","kind":"detractor"}';
const NOW = new Date('2026-03-02T10:00:00.500Z');

describe('webhook signatures', () => {
  it('signs "<unix seconds>.<body>" with HMAC-SHA256, hex, in t=…,v1=…', () => {
    const expected = createHmac('sha256', SECRET).update(`1772445600.${BODY}`).digest('hex');
    expect(signatureHeader(SECRET, BODY, NOW)).toBe(`t=1772445600,v1=${expected}`);
  });

  it('verifies its own signature, and refuses a changed body, another secret, an old timestamp or junk', () => {
    const header = signatureHeader(SECRET, BODY, NOW);
    expect(verifySignature(SECRET, header, BODY, NOW)).toEqual({ ok: true });
    expect(verifySignature(SECRET, header, BODY.replace('1', '2'), NOW)).toEqual({
      ok: false,
      reason: 'signature mismatch',
    });
    expect(verifySignature('another-secret-of-16', header, BODY, NOW)).toMatchObject({ ok: false });
    const later = new Date(NOW.getTime() + 301_000);
    expect(verifySignature(SECRET, header, BODY, later)).toEqual({
      ok: false,
      reason: 'timestamp outside the tolerance',
    });
    expect(verifySignature(SECRET, 't=abc,v1=00', BODY, NOW)).toEqual({
      ok: false,
      reason: 'malformed signature header',
    });
    expect(verifySignature(SECRET, undefined, BODY, NOW)).toMatchObject({ ok: false });
  });
});
