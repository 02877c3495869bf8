/**
 * Seconds a `Retry-After` header asks us to wait: delta-seconds ("120") or an HTTP date
 * ("Wed, 21 Oct 2026 07:28:00 GMT", RFC 9110 §10.2.3). A date is measured against the same
 * response's own `Date` header when it has one, so neither clock's skew matters; else against
 * `now`. NaN when absent or unreadable, so the caller's own backoff applies.
 */
export function retryAfterSeconds(value: string | null, responseDate: string | null, now: number): number {
  const text = value?.trim() ?? '';
  if (text === '') return Number.NaN;
  if (/^\d+$/.test(text)) return Number(text);
  // An HTTP date names its day and month; V8 would read "-5" as a year.
  const until = /[a-z]{3}/i.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(until)) return Number.NaN;
  const sent = responseDate ? Date.parse(responseDate) : Number.NaN;
  return Math.max(0, Math.ceil((until - (Number.isNaN(sent) ? now : sent)) / 1000));
}
