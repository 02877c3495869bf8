import type { DispatchContext } from '../dispatch/context.js';
import type { OutboxTopic } from '../engine/outbox/outbox.js';
import { EmailRefused, type Mailer } from '../integrations/email/mailer.js';
import { lookUpLeadZones } from '../integrations/lead-zone.js';
import {
  markNotSent,
  markRefused,
  markSending,
  markSent,
  markSkipped,
  namedAgent,
  type ReplyToSend,
} from './reply-store.js';
import { replyDeliveryTopic } from './reply-topic.js';
import { renderReply } from './template.js';
import { replyVariables } from './variables.js';

/** The Message-ID of a reply's email: the same on every try, so a resend is recognisable as one. */
export const replyMessageId = (replyId: number): string => `<reply-${replyId}@lead-dispatch>`;

/**
 * Delivers `reply:email` items over SMTP. Email has no quiet hours (it waits in the inbox). SMTP
 * cannot be asked whether an earlier try got through, so a try with no answer is sent again with
 * the same Message-ID, which mail clients show once.
 */
export function emailReplyTopic(
  ctx: DispatchContext,
  mailer: Pick<Mailer, 'send'>,
  /** After a try, whatever it changed: the agent's DM shows the reply's state. */
  changed: () => void,
): OutboxTopic {
  return replyDeliveryTopic(ctx, 'email', changed, (loaded) => sendEmail(ctx, mailer, loaded));
}

async function sendEmail(
  ctx: DispatchContext,
  mailer: Pick<Mailer, 'send'>,
  loaded: ReplyToSend,
): Promise<void> {
  const { reply, task } = loaded;
  const settings = ctx.config.rules.find((r) => r.name === reply.rule)?.reply;
  const email = ctx.config.replies?.email;
  if (!settings || !email) return markSkipped(ctx, reply, 'rule_has_no_reply');
  const agent = namedAgent(ctx, loaded);
  const variables = replyVariables({
    config: ctx.config,
    rule: reply.rule,
    task,
    agent,
    now: ctx.clock.now(),
    leadZone: (await lookUpLeadZones(task, ctx.config.team.timezone))[0] ?? ctx.config.team.timezone,
  });
  // The lead's answer reaches the agent who has them, when there is one.
  const replyTo = email.reply_to_agent ? agent?.email : undefined;
  const sending = markSending(ctx, reply, agent?.id);
  if (!sending) return;
  try {
    const sent = await mailer.send({
      from: email.from,
      to: reply.address,
      ...(replyTo ? { replyTo } : {}),
      subject: renderReply(settings.subject ?? 'Thanks for reaching out to {{team_name}}', variables),
      text: renderReply(settings.text, variables),
      messageId: replyMessageId(reply.id),
    });
    markSent(ctx, sending, sent.messageId, 'sent');
  } catch (error) {
    markNotSent(ctx, reply);
    if (!(error instanceof EmailRefused)) throw error;
    if (error.aboutRecipient) return markRefused(ctx, reply, 'undeliverable', String(error.responseCode));
    // Our sender or our message was refused (a relay refusal at MAIL FROM, say): every email would
    // be, so it is parked where the leaders see it rather than blamed on this lead's address.
    markRefused(ctx, reply, 'failed', String(error.responseCode));
    throw error;
  }
}
