import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Follow Up Boss signs a webhook with `FUB-Signature`: the hex HMAC-SHA256, keyed with the system
 * key, of the base64 encoding of the raw body (base64 first, then HMAC). Pure.
 */
export function fubSignature(rawBody: string, systemKey: string): string {
  const encoded = Buffer.from(rawBody, 'utf8').toString('base64');
  return createHmac('sha256', systemKey).update(encoded).digest('hex');
}

/** Whether the header is the body's signature under the key, compared in constant time. */
export function verifyFubSignature(rawBody: string, header: string | undefined, systemKey: string): boolean {
  if (!header || !systemKey) return false;
  const given = Buffer.from(header.trim().toLowerCase(), 'utf8');
  const expected = Buffer.from(fubSignature(rawBody, systemKey), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
