import type { IncomingMessage, ServerResponse } from 'node:http';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { DispatchContext } from '../dispatch/context.js';
import { sendJson } from '../http/json.js';
import { BodyTooLarge, readBody } from '../intake/read-body.js';
import { maskPhone } from '../integrations/twilio/errors.js';
import { smsKeyword } from '../integrations/twilio/keywords.js';
import { verifyTwilioSignature } from '../integrations/twilio/signature.js';
import { recordLeadText } from './lead-texts.js';
import { providerStatusOf } from './provider-status.js';
import { applyProviderStatus, recordOptChoice } from './reply-store.js';

export const TWILIO_STATUS_PATH = '/twilio/status';
export const TWILIO_INBOUND_PATH = '/twilio/inbound';
/** Twilio's webhooks are a few hundred bytes of form fields; a long inbound text is 1,600 characters. */
const MAX_BYTES = 32 * 1024;

export interface TwilioWebhookOptions {
  authToken: string;
  /** The public base URL Twilio calls (`PUBLIC_URL`): the signature covers the full URL. */
  publicUrl: string;
  /** After a status changed a reply, so the agent's DM shows it. */
  kick: () => void;
}

type Params = Record<string, string>;

/** Reads and signature-checks a Twilio webhook; answers the refusal itself and returns undefined. */
async function signedParams(
  ctx: DispatchContext,
  req: IncomingMessage,
  res: ServerResponse,
  options: TwilioWebhookOptions,
): Promise<Params | undefined> {
  let raw: string;
  try {
    raw = await readBody(req, MAX_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLarge) {
      sendJson(res, 413, { error: 'body too large' });
      return undefined;
    }
    throw error;
  }
  const params = Object.fromEntries(new URLSearchParams(raw));
  const url = `${options.publicUrl.replace(/\/+$/, '')}${req.url ?? ''}`;
  const header = req.headers['x-twilio-signature'];
  if (!verifyTwilioSignature(options.authToken, url, params, Array.isArray(header) ? header[0] : header)) {
    ctx.log.warn('Twilio webhook refused: missing or wrong X-Twilio-Signature', { path: req.url });
    sendJson(res, 403, { error: 'missing or wrong X-Twilio-Signature' });
    return undefined;
  }
  return params;
}

/** `POST /twilio/status`: Twilio's word on a text we sent (sent, delivered, undelivered, failed). */
export function twilioStatusHandler(ctx: DispatchContext, options: TwilioWebhookOptions) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const params = await signedParams(ctx, req, res, options);
    if (!params) return;
    const sid = params.MessageSid ?? params.SmsSid;
    const reported = params.MessageStatus ?? params.SmsStatus;
    const code = params.ErrorCode || undefined;
    const status = providerStatusOf(reported, code);
    // queued, sending, accepted…: steps on the way that change nothing a person reads.
    if (sid && status && applyProviderStatus(ctx, 'sms', sid, status, code) === 'applied') options.kick();
    res.writeHead(204).end();
  };
}

/**
 * `POST /twilio/inbound`: a text to our number. STOP (and Twilio's other opt-out words) marks the
 * number opted out for good; START undoes it. Twilio itself sends the carrier-required answer to
 * those words, so ours is an empty TwiML response. Bodies are never logged.
 */
export function twilioInboundHandler(ctx: DispatchContext, options: TwilioWebhookOptions) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const params = await signedParams(ctx, req, res, options);
    if (!params) return;
    const phone = parsePhoneNumberFromString(params.From ?? '')?.number;
    const keyword = smsKeyword(params.Body ?? '', params.OptOutType);
    if (phone && (keyword === 'opt-out' || keyword === 'opt-in')) {
      const word = (params.Body ?? '').trim().toUpperCase() || (params.OptOutType ?? '').toUpperCase();
      recordOptChoice(ctx, phone, keyword, word);
      ctx.log.info(`texted ${keyword === 'opt-out' ? 'an opt-out' : 'an opt-in'} word`, {
        from: maskPhone(phone),
      });
    } else if (phone && keyword === null && (params.Body ?? '').trim() !== '') {
      // The lead answered: whoever holds them sees it in Slack (the body is never logged).
      const shown = recordLeadText(ctx, phone, (params.Body ?? '').trim());
      ctx.log.info(shown ? 'a lead texted back' : 'a text from a number with no lead', {
        from: maskPhone(phone),
        ...(shown ? { taskId: shown.taskId } : {}),
      });
      if (shown) options.kick();
    }
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
  };
}
