import { quietUntil } from '../core/reply-words.js';
import type { DispatchContext } from '../dispatch/context.js';
import { type OutboxTopic, SendLater } from '../engine/outbox/outbox.js';
import { lookUpLeadZones } from '../integrations/lead-zone.js';
import { SmsRefused, type TwilioClient, TwilioNoAnswer } from '../integrations/twilio/client.js';
import { maskPhone } from '../integrations/twilio/errors.js';
import { providerStatusOf } from './provider-status.js';
import {
  applyProviderStatus,
  isOptedOut,
  markNotSent,
  markRefused,
  markSending,
  markSent,
  markSkipped,
  markWaiting,
  namedAgent,
  type ReplyToSend,
  recordOptChoice,
} from './reply-store.js';
import { replyDeliveryTopic } from './reply-topic.js';
import { renderReply } from './template.js';
import { replyVariables } from './variables.js';

export interface SmsSettings {
  client: Pick<TwilioClient, 'sendSms' | 'findSent'>;
  from?: string | undefined;
  messagingServiceSid?: string | undefined;
  /** Where Twilio posts delivery status; without a public address, statuses stop at "sent". */
  statusCallback?: string | undefined;
  /** After a try, whatever it changed: the agent's DM shows the reply's state. */
  changed: () => void;
}

/**
 * Delivers `reply:sms` items: the text to a lead, at most once. Everything that can stop it is
 * checked at the moment it would go, not when it was planned: an opt-out since, the lead's quiet
 * hours (the item then waits for their end without spending a try). The row is marked `sending`
 * before Twilio is called; a try whose outcome is unknown (no answer in time, a restart) asks
 * Twilio for a text already sent to that number and adopts it instead of sending again.
 */
export function smsReplyTopic(ctx: DispatchContext, sms: SmsSettings): OutboxTopic {
  return replyDeliveryTopic(ctx, 'sms', sms.changed, (loaded) => sendText(ctx, sms, loaded));
}

async function sendText(ctx: DispatchContext, sms: SmsSettings, loaded: ReplyToSend): Promise<void> {
  const { reply, task } = loaded;
  if (isOptedOut(ctx, reply.address)) return markSkipped(ctx, reply, 'opted_out');
  if (reply.status === 'sending' && (await adoptEarlierSend(ctx, sms, loaded))) return;

  const settings = ctx.config.rules.find((r) => r.name === reply.rule)?.reply;
  if (!settings) return markSkipped(ctx, reply, 'rule_has_no_reply');
  const now = ctx.clock.now();
  const zones = await lookUpLeadZones(task, ctx.config.team.timezone);
  const zone = zones[0] ?? ctx.config.team.timezone;
  const quiet = ctx.config.replies?.quiet_hours;
  const until = quiet ? quietUntil(now, zones, quiet) : undefined;
  if (until) {
    if (settings.at_night === 'email_only') return markSkipped(ctx, reply, 'at_night');
    markWaiting(ctx, reply, until, zones.join(', '));
    throw new SendLater(`the lead's quiet hours (${zones.join(', ')})`, until);
  }
  const agent = namedAgent(ctx, loaded);
  const variables = replyVariables({
    config: ctx.config,
    rule: reply.rule,
    task,
    agent,
    now,
    leadZone: zone,
  });
  const sending = markSending(ctx, reply, agent?.id);
  if (!sending) return;
  let sent: Awaited<ReturnType<SmsSettings['client']['sendSms']>>;
  try {
    sent = await sms.client.sendSms({
      to: reply.address,
      body: renderReply(settings.text, variables),
      ...(sms.messagingServiceSid ? { messagingServiceSid: sms.messagingServiceSid } : { from: sms.from }),
      ...(sms.statusCallback ? { statusCallback: sms.statusCallback } : {}),
    });
  } catch (error) {
    // No answer: Twilio may have the text. The row stays `sending`, so the retry looks first.
    if (error instanceof TwilioNoAnswer) throw error;
    markNotSent(ctx, reply);
    if (!(error instanceof SmsRefused)) throw error;
    // Twilio knows of a STOP we never heard (texted while we were down): it counts as ours.
    if (error.problem === 'opted-out') {
      recordOptChoice(ctx, reply.address, 'opt-out', 'STOP');
      return markSkipped(ctx, reply, 'opted_out');
    }
    const status = error.problem === 'undeliverable-number' ? 'undeliverable' : 'failed';
    markRefused(ctx, reply, status, String(error.code || error.status));
    // Our sender or our text is wrong, not the lead's number: parked, so the leaders see it.
    if (error.problem === 'bad-sender' || error.problem === 'too-long') throw error;
    return;
  }
  // Outside the try: Twilio has the text now. If recording that fails (a full disk), the row stays
  // `sending` and the retry adopts this text; taking the failure for Twilio's sent it a second time.
  markSent(ctx, sending, sent.sid, sent.status === 'sent' ? 'sent' : 'queued');
}

/** An earlier try that got no answer may have sent the text: find it by number and time, and adopt it. */
async function adoptEarlierSend(
  ctx: DispatchContext,
  sms: SmsSettings,
  loaded: ReplyToSend,
): Promise<boolean> {
  const { reply } = loaded;
  const found = await sms.client.findSent({
    to: reply.address,
    ...(sms.messagingServiceSid ? { messagingServiceSid: sms.messagingServiceSid } : { from: sms.from }),
    since: reply.sentAt ?? reply.createdAt,
  });
  if (!found) return false;
  ctx.log.info('adopted a text Twilio had already accepted', {
    replyId: reply.id,
    to: maskPhone(reply.address),
  });
  markSent(ctx, reply, found.sid, 'queued');
  // The list shows how it went since; its status callbacks came while we did not know its sid.
  const later = providerStatusOf(
    found.status,
    found.errorCode === undefined ? undefined : String(found.errorCode),
  );
  if (later)
    applyProviderStatus(
      ctx,
      'sms',
      found.sid,
      later,
      found.errorCode === undefined ? undefined : String(found.errorCode),
    );
  return true;
}
