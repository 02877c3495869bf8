import { describe, expect, it } from 'vitest';
import { retryAfterSeconds } from '../../src/http/retry-after.js';

const NOW = Date.parse('2026-11-25T16:40:00Z');

describe('Retry-After', () => {
  it('reads delta-seconds', () => {
    expect(retryAfterSeconds('120', null, NOW)).toBe(120);
    expect(retryAfterSeconds(' 0 ', null, NOW)).toBe(0);
  });

  it("reads an HTTP date against the response's own Date header, whatever our clock says", () => {
    expect(retryAfterSeconds('Wed, 25 Nov 2026 10:00:30 GMT', 'Wed, 25 Nov 2026 10:00:00 GMT', NOW)).toBe(30);
  });

  it('reads an HTTP date against now when the response has no Date', () => {
    expect(retryAfterSeconds('Wed, 25 Nov 2026 16:41:00 GMT', null, NOW)).toBe(60);
    expect(retryAfterSeconds('Wed, 25 Nov 2026 16:39:00 GMT', null, NOW)).toBe(0);
  });

  it('is NaN when absent or unreadable, so our own backoff applies', () => {
    expect(retryAfterSeconds(null, null, NOW)).toBeNaN();
    expect(retryAfterSeconds('', null, NOW)).toBeNaN();
    expect(retryAfterSeconds('soon', null, NOW)).toBeNaN();
    expect(retryAfterSeconds('-5', null, NOW)).toBeNaN();
  });
});
