/** Codes of an `undelivered` text that mean the number itself cannot take texts. */
const UNDELIVERABLE_CODES = new Set(['30003', '30005', '30006', '21211', '21614']);

/**
 * What a Twilio message status means for a reply, whether it came in a status callback or from the
 * Messages list: `sent`, `delivered`, `undeliverable` (the number cannot take texts) or `failed`;
 * undefined for the steps on the way (queued, sending, accepted) that change nothing a person
 * reads. Pure.
 */
export function providerStatusOf(
  reported: string | undefined,
  errorCode: string | undefined,
): 'sent' | 'delivered' | 'failed' | 'undeliverable' | undefined {
  if (reported === 'sent' || reported === 'delivered') return reported;
  if (reported === 'undelivered')
    return errorCode && UNDELIVERABLE_CODES.has(errorCode) ? 'undeliverable' : 'failed';
  if (reported === 'failed') return 'failed';
  return undefined;
}
