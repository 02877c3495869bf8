import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';
import { templateProblems } from '../replies/template.js';

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a 24-hour time such as 08:30');

/** A US number as written by a person ("(512) 555-0100") stored as E.164 (+15125550100). */
export const phoneNumber = z.string().transform((value, ctx) => {
  const parsed = parsePhoneNumberFromString(value, 'US');
  if (parsed?.isValid()) return parsed.number;
  ctx.addIssue({ code: 'custom', message: 'expected a phone number such as +1 512 555 0100' });
  return z.NEVER;
});

/** A Mustache template whose placeholders are all known: refused at its line otherwise. */
const template = z
  .string()
  .min(1, 'write the message, e.g. "Hi {{first_name}}, this is {{agent_first_name}} with {{team_name}}."')
  .superRefine((text, ctx) => {
    for (const message of templateProblems(text)) ctx.addIssue({ code: 'custom', message });
  });

export const REPLY_CHANNELS = ['sms', 'email'] as const;
export type ReplyChannel = (typeof REPLY_CHANNELS)[number];

/** `reply:` on a rule: whether, how and when the lead hears from us automatically. */
export const ruleReplySchema = z
  .strictObject({
    /** arrival: as soon as the lead is routed; claim: when an agent claims it, so it can name them. */
    when: z.enum(['arrival', 'claim'], { error: 'expected arrival or claim' }).default('arrival'),
    by: z
      .union([z.enum(REPLY_CHANNELS), z.array(z.enum(REPLY_CHANNELS)).min(1)], {
        error: 'expected sms, email, or [sms, email]',
      })
      .transform((v) => [...new Set(Array.isArray(v) ? v : [v])]),
    text: template,
    /** The email's subject line; the text is its body. */
    subject: template.optional(),
    /** In the lead's quiet hours: wait to text at their end, or send only the email (no text at all). */
    at_night: z.enum(['wait', 'email_only'], { error: 'expected wait or email_only' }).default('wait'),
  })
  .superRefine((reply, ctx) => {
    // Twilio refuses a body over 1,600 characters (21617): refused here, not at a lead's expense.
    if (reply.by.includes('sms') && reply.text.length > MAX_SMS)
      ctx.addIssue({
        code: 'custom',
        path: ['text'],
        message: `a text may be at most ${MAX_SMS} characters (Twilio refuses longer ones); this template is ${reply.text.length} before its placeholders are filled`,
      });
  });

/** Twilio's limit on one message's body, in characters. */
export const MAX_SMS = 1600;

/** Top-level `replies:`: the senders and quiet hours every rule's `reply:` uses. */
export const repliesSchema = z
  .strictObject({
    sms: z
      .strictObject({
        /** A Twilio number of the account, or … */
        from: phoneNumber.optional(),
        /** … a Messaging Service (MG…), which picks the number itself. */
        messaging_service: z
          .string()
          .regex(/^MG[0-9a-f]{32}$/i, 'expected a Messaging Service SID (MG…)')
          .optional(),
      })
      .refine((s) => (s.from === undefined) !== (s.messaging_service === undefined), {
        message: 'give either from: (a Twilio number) or messaging_service: (MG…), not both or neither',
      })
      .optional(),
    email: z
      .strictObject({
        /** "Lakeside Team <hello@lakeside.example>" */
        from: z
          .string()
          .regex(
            /^(?:[^<>]*<)?[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+>?$/,
            'expected an address such as "Lakeside Team <hello@lakeside.example>"',
          ),
        /** Replies from the lead go to the claiming agent when known (claim-time replies), else to `from`. */
        reply_to_agent: z.boolean().default(true),
      })
      .optional(),
    /** Named in templates as {{team_phone}}, and {{agent_phone}} falls back to it. */
    team_phone: phoneNumber.optional(),
    /** No texts between these times in the lead's own time zone (TCPA: 8 am to 9 pm is the safe window). */
    quiet_hours: z
      .strictObject({ start: clockTime, end: clockTime })
      .default({ start: '21:00', end: '08:00' }),
  })
  .optional();

export type RepliesConfig = NonNullable<z.output<typeof repliesSchema>>;
export type RuleReply = z.output<typeof ruleReplySchema>;

/** A rule replying by a channel dispatch.yml has no sender for. */
export function replySenderIssues(
  replies: z.output<typeof repliesSchema>,
  rules: Array<{ index: number; reply?: RuleReply | undefined }>,
): Array<{ path: (string | number)[]; message: string }> {
  return rules.flatMap(({ index, reply }) =>
    (reply?.by ?? []).flatMap((channel) =>
      replies?.[channel]
        ? []
        : [
            {
              path: ['rules', index, 'reply', 'by'],
              message:
                channel === 'sms'
                  ? 'texts need replies.sms (from: a Twilio number, or messaging_service:) at the top of dispatch.yml'
                  : 'emails need replies.email (from: "Team <address>") at the top of dispatch.yml',
            },
          ],
    ),
  );
}
