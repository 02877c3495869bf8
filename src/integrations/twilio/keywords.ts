/**
 * Twilio's default English opt-out handling, for the inbound webhook: a text is a keyword only when
 * the whole body, trimmed and in any case, is one. Twilio adds `OptOutType` (STOP/START/HELP) to the
 * webhook only when Advanced Opt-Out is on for a messaging service, so the body is what to read.
 * Twilio itself then refuses texts to an opted-out number from that sender (error 21610) until START.
 */
export type SmsKeyword = 'opt-out' | 'opt-in' | 'help';

const KEYWORDS: ReadonlyMap<string, SmsKeyword> = new Map([
  ['STOP', 'opt-out'],
  ['STOPALL', 'opt-out'],
  ['UNSUBSCRIBE', 'opt-out'],
  ['CANCEL', 'opt-out'],
  ['END', 'opt-out'],
  ['QUIT', 'opt-out'],
  ['REVOKE', 'opt-out'],
  ['OPTOUT', 'opt-out'],
  ['START', 'opt-in'],
  ['YES', 'opt-in'],
  ['UNSTOP', 'opt-in'],
  ['HELP', 'help'],
  ['INFO', 'help'],
]);

const OPT_OUT_TYPES: ReadonlyMap<string, SmsKeyword> = new Map([
  ['STOP', 'opt-out'],
  ['START', 'opt-in'],
  ['HELP', 'help'],
]);

/** The keyword an inbound text is, from Twilio's `OptOutType` when present, else from its body. */
export function smsKeyword(body: string, optOutType?: string): SmsKeyword | null {
  const declared = optOutType ? OPT_OUT_TYPES.get(optOutType.toUpperCase()) : undefined;
  return declared ?? KEYWORDS.get(body.trim().toUpperCase()) ?? null;
}
