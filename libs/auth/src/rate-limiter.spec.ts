import { RateLimiter } from './rate-limiter';

describe('RateLimiter', () => {
  it('allows a burst of two seconds worth, then asks to wait, and refills with time', () => {
    let now = 0;
    const limiter = new RateLimiter(() => now);
    for (let i = 0; i < 20; i++) expect(limiter.take('k', 10)).toBe(0);
    expect(limiter.take('k', 10)).toBe(1);
    now += 500; // +5 tokens
    for (let i = 0; i < 5; i++) expect(limiter.take('k', 10)).toBe(0);
    expect(limiter.take('k', 10)).toBeGreaterThan(0);
    expect(limiter.take('other', 10)).toBe(0); // buckets are per key
  });

  it('never limits a key without a rate', () => {
    const limiter = new RateLimiter(() => 0);
    for (let i = 0; i < 1000; i++) expect(limiter.take('k', 0)).toBe(0);
  });
});
