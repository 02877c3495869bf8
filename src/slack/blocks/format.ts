import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { formatDuration } from '../../core/duration.js';

/** Slack mrkdwn treats &, < and > as control characters; anything a lead typed must be escaped. */
export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Cuts already-escaped mrkdwn to at most `max` characters without splitting an entity such as
 * `&amp;`: Slack rejects a whole message (invalid_blocks) when one text is over its limit.
 */
export function clip(escaped: string, max: number): string {
  if (escaped.length <= max) return escaped;
  return `${escaped.slice(0, max - 1).replace(/&[a-z]*$/, '')}…`;
}

export function money(amount: number): string {
  return `$${amount.toLocaleString('en-US')}`;
}

/** "$400K–$450K", "$1.2M–$1.5M": a band as people say it. */
export function priceBand(low: number, high: number): string {
  return `${compactMoney(low)}–${compactMoney(high)}`;
}

function compactMoney(amount: number): string {
  if (amount >= 1_000_000) return `$${Number((amount / 1_000_000).toFixed(2))}M`;
  if (amount >= 1_000) return `$${Number((amount / 1_000).toFixed(1))}K`;
  return money(amount);
}

/** A tappable tel: link that shows the number the way Americans write it. */
export function phoneLink(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  const shown = parsed
    ? parsed.country === 'US'
      ? parsed.formatNational()
      : parsed.formatInternational()
    : e164;
  return `<tel:${e164}|${escapeText(shown)}>`;
}

export function emailLink(email: string): string {
  return `<mailto:${email}|${escapeText(email)}>`;
}

/**
 * Formatters per zone, built once: building an Intl.DateTimeFormat costs ~0.25 ms, and luxon's
 * DateTime did the same zone work again on every call; both were on every DM render.
 */
const formats = new Map<string, Intl.DateTimeFormat>();

function formatIn(kind: 'clock' | 'day' | 'date', zone: string): Intl.DateTimeFormat {
  const key = `${kind} ${zone}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(
      'en-US',
      kind === 'clock'
        ? { timeZone: zone, hour: 'numeric', minute: '2-digit', timeZoneName: 'short' }
        : kind === 'day'
          ? { timeZone: zone, weekday: 'short', month: 'short', day: 'numeric' }
          : { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' },
    );
    formats.set(key, format);
  }
  return format;
}

/** "10:46 AM CST" in the reader's zone; the zone name makes a shared screenshot unambiguous. */
export function clockTime(at: Date, zone: string): string {
  let hour = '';
  let minute = '';
  let dayPeriod = '';
  let zoneName = '';
  for (const part of formatIn('clock', zone).formatToParts(at)) {
    if (part.type === 'hour') hour = part.value;
    else if (part.type === 'minute') minute = part.value;
    else if (part.type === 'dayPeriod') dayPeriod = part.value;
    else if (part.type === 'timeZoneName') zoneName = part.value;
  }
  return `${hour}:${minute} ${dayPeriod} ${zoneName}`;
}

/** "Thu, Nov 26 at 9:00 AM CST", or just the time when it is today in that zone. */
export function dayAndTime(at: Date, zone: string, now: Date): string {
  const date = formatIn('date', zone);
  if (date.format(at) === date.format(now)) return clockTime(at, zone);
  return `${formatIn('day', zone).format(at)} at ${clockTime(at, zone)}`;
}

export function elapsed(from: Date, to: Date): string {
  return formatDuration((to.getTime() - from.getTime()) / 1000);
}

/** Sources are stored lower-case for matching; people read the brand. */
const SOURCE_LABELS: Record<string, string> = {
  zillow: 'Zillow',
  'realtor.com': 'Realtor.com',
  realtor_com: 'Realtor.com',
  idx_form: 'IDX form',
  web_form: 'web form',
  facebook_ads: 'Facebook Ads',
  google_ads: 'Google Ads',
  past_client: 'past client',
  agent_referral: 'agent referral',
};

export function sourceLabel(source: string): string {
  return SOURCE_LABELS[source] ?? source.replace(/_/g, ' ');
}

export function humanType(type: string): string {
  const words = type.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
