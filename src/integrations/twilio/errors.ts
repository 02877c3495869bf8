/**
 * What a Twilio error code means for a reply to a lead, in the words the timeline uses. Codes come
 * from the REST API's refusals (`{ code, message, more_info, status }`) and from status callbacks'
 * `ErrorCode` on undelivered/failed messages.
 */
export type SmsProblem =
  /** The contact texted STOP (or another opt-out word) to this sender: Twilio refuses until START. */
  | 'opted-out'
  /** The number is not a phone that can take a text: invalid, landline, unknown or unreachable. */
  | 'undeliverable-number'
  /** Our sender (From number or messaging service) is wrong for this account or destination. */
  | 'bad-sender'
  /** The body is over Twilio's 1600-character limit. */
  | 'too-long'
  /** A carrier filtered it (spam / content rules). */
  | 'filtered'
  | 'other';

const PROBLEMS: ReadonlyMap<number, SmsProblem> = new Map([
  [21610, 'opted-out'],
  [21211, 'undeliverable-number'],
  [21612, 'undeliverable-number'],
  [21614, 'undeliverable-number'],
  // Sending to that country is not enabled on our account: ours to fix, not the lead's number.
  [21408, 'bad-sender'],
  [30003, 'undeliverable-number'],
  [30005, 'undeliverable-number'],
  [30006, 'undeliverable-number'],
  [21606, 'bad-sender'],
  [21659, 'bad-sender'],
  [21603, 'bad-sender'],
  [21617, 'too-long'],
  [30007, 'filtered'],
]);

export function smsProblem(code: number): SmsProblem {
  return PROBLEMS.get(code) ?? 'other';
}

const DESCRIPTIONS: ReadonlyMap<number, string> = new Map([
  [20003, 'authentication failed'],
  [20404, 'account or resource not found'],
  [20429, 'too many requests'],
  [21211, "invalid 'To' number"],
  [21408, 'sending to this region is not enabled'],
  [21602, 'message body is required'],
  [21603, "'From' or MessagingServiceSid is required"],
  [21604, "'To' number is required"],
  [21606, "'From' is not a message-capable number of this account"],
  [21610, 'recipient has opted out (STOP)'],
  [21612, "'To' number cannot be reached by SMS"],
  [21614, "'To' number is not a mobile number"],
  [21617, 'body exceeds 1600 characters'],
  [21659, "'From' is not a Twilio number of this account"],
  [30003, 'unreachable handset'],
  [30005, 'unknown handset'],
  [30006, 'landline or unreachable carrier'],
  [30007, 'filtered by the carrier'],
]);

/**
 * Our own words for a code. Twilio's `message` is never repeated in ours: it quotes the phone
 * number ("The 'To' number +1555… is not a valid phone number").
 */
export function describeTwilioCode(code: number): string {
  return DESCRIPTIONS.get(code) ?? 'see https://www.twilio.com/docs/errors';
}

/** A phone number as it may appear in an error or log line: its last two digits only. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return digits.length >= 2 ? `…${digits.slice(-2)}` : '…';
}
