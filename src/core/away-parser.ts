import { createRequire } from 'node:module';
import type { ParsedResult } from 'chrono-node';
import { DateTime } from 'luxon';

/**
 * `/away` text → an away window, read in the agent's own time zone. Pure: no I/O and no clock.
 * chrono-node recognises the time phrase after "until"; every component it reports is checked and the
 * instant is built with luxon, so wall-clock times stay right across DST changes.
 */

/**
 * `until_back`: no end, until `/back`. `until`: back at that instant. `target`: the Slack user id of a
 * leading mention (the caller checks the sender may act for them). `reason`: the rest of the text, or null.
 * A refusal's `message` is ready to show; for `unparseable` it ends with {@link AWAY_USAGE}.
 */
export type AwayParse =
  | { ok: true; kind: 'until_back'; reason: string | null; target: string | null }
  | { ok: true; kind: 'until'; until: Date; reason: string | null; target: string | null }
  | { ok: false; error: 'unparseable' | 'in_the_past' | 'too_far'; message: string };

/** The longest away window `/away` text may set. */
export const AWAY_MAX_DAYS = 90;
/** A day named without a time means back at this hour, local time. */
export const AWAY_DAY_START_HOUR = 9;

/** Usage with examples, in Slack mrkdwn; every `unparseable` message ends with it. */
export const AWAY_USAGE = [
  '*Usage:* `/away [@person] [when] [reason]`, in your own time zone:',
  '• `/away` — away until you type `/back`',
  '• `/away 2h`, `/away 90m`, `/away 1h30m`, `/away 45 min`, `/away 2 hours` — for that long',
  '• `/away until 3pm`, `/away until 3:30pm`, `/away until 15:30` — until that time today',
  '• `/away until friday`, `/away until monday` — back at 9:00 AM on the next Friday or Monday after today',
  '• `/away until dec 24`, `/away until 2026-12-24 17:00` — a date (9:00 AM if no time is given)',
  '• `/away tomorrow`, `/away today`, `/away for the day` — back tomorrow at 9:00 AM',
  '• `/away for the weekend` — back Monday at 9:00 AM (Friday to Sunday)',
  '• `/away 90m showing 12 Elm St`, `/away until 3pm dentist` — a reason can go before or after the time',
  '• `/away - at a closing` — a reason with no end time: away until `/back`',
  '• `/away @dana until monday` — team leaders, for someone else',
  'Give am or pm for times up to 12:59 (or 24-hour time like 09:00). The most is 90 days ahead.',
].join('\n');

type Hint = { hint: string };
type Resolved = { at: DateTime } | { openEnded: true } | Hint;

interface Phrase {
  start: number;
  end: number;
  /** The words as typed, for messages. */
  text: string;
  resolve: () => Resolved;
}

const MASK = '\u0000';
const UNTIL = /(?<![\w'])(?:until|till|til|'til)(?![\w'])/gi;
const OPEN_ENDED = /^\/?back\b/i;

const UNIT = '(?:weeks?|wks?|w|days?|d|hours?|hrs?|h|minutes?|mins?|m)';
const PART = String.raw`(?:\d{1,6}h\d{2}|\d{1,6}\s*${UNIT}|an\s+hour|half\s+an\s+hour)`;
const DURATION = new RegExp(
  String.raw`(?<![\w.,:/'-])(?:(?:for|in)\s+)?(${PART}(?:\s*(?:,\s*|and\s+)?${PART})*)(?![\w:/]|[.,]\d)`,
  'gi',
);
const DURATION_PART = new RegExp(
  String.raw`(\d{1,6})h(\d{2})|(\d{1,6})\s*(${UNIT})(?![a-z])|(half\s+an\s+hour)|(an\s+hour)`,
  'gi',
);

const KEYWORDS: { pattern: RegExp; kind: 'tomorrow' | 'rest_of_day' | 'weekend' }[] = [
  {
    pattern:
      /(?<![\w'])(?:(?:for\s+)?(?:the\s+)?rest\s+of\s+(?:the\s+day|today)|for\s+the\s+day|(?:for\s+)?today)(?![\w'])/gi,
    kind: 'rest_of_day',
  },
  {
    pattern: /(?<![\w'])(?:(?:for|over)\s+the\s+weekend|this\s+weekend|the\s+weekend|weekend)(?![\w'])/gi,
    kind: 'weekend',
  },
  { pattern: /(?<![\w'])tomorrow(?![\w'])/gi, kind: 'tomorrow' },
];

/** What may not directly follow a recognised time: more of a time chrono did not take in. */
const TIME_CONTINUES =
  /^(?:\s*[-–—:.,']?\s*\d|[^\s,;.!?)\]]|\s*(?:[ap]\.?m\b|o'?clock\b|noon\b|midnight\b|morning\b|afternoon\b|evening\b|night\b|tonight\b|today\b|tomorrow\b|tmrw?\b|next\b|this\b|last\b|week\b|weekend\b|ish\b))/i;
/** Leftover text that still looks like a time or a length of time. */
const TIME_ISH =
  /\d\s*(?:[ap]\.?m\.?|h(?:ours?|rs?)?|m(?:in(?:ute)?s?)?|d(?:ays?)?|w(?:ee)?ks?)(?![a-z])|\d[:.]\d\d\b|\buntil\b|\btill?\b/i;
const RELATIVE_WORDS = /\b(?:next|last|this|coming|past|previous|week|weeks|weekend|fortnight)\b/i;
const ALLOWED_CASUAL = new Set(['today', 'tomorrow', 'yesterday', 'noon']);
const DATE_CASUAL = new Set(['today', 'tomorrow', 'yesterday']);
const MENTION = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/;

/**
 * Reads `/away` text typed at `now` by someone in time zone `zone` (IANA). Throws a RangeError for an
 * unknown zone, which is the caller's mistake, not the user's. It never guesses: anything chrono only
 * half understood, or that could mean two things, is refused with usage.
 *
 * The rules for phrases that could be read more than one way:
 * - A day without a time ("until friday", "until dec 24", "until tomorrow", "tomorrow") means back
 *   at 9:00 AM that day, the start of the team day.
 * - A weekday name means the next such day after today: "until friday" said on a Friday is a week away.
 *   "next friday", "this friday" and "last friday" are refused: people disagree about which day they mean.
 * - A month and day without a year ("until dec 24") is the next one, today included.
 * - A time alone ("until 3pm") is today; if it has passed, the answer is `in_the_past`, never tomorrow.
 * - A time from 1:00 to 12:59 needs am or pm unless the hour has a leading zero ("09:00") or follows a
 *   YYYY-MM-DD date, where the clock is 24-hour. "until 3:30" and "until 10:00" are refused.
 * - "today", "for the day", "rest of the day": back tomorrow at 9:00 AM.
 * - "for the weekend" (or "this weekend", "the weekend"): back Monday at 9:00 AM; only said Friday to
 *   Sunday, since earlier in the week it would take the agent out for the weekdays as well.
 * - A length of time ("2h", "90m", "1h30m", "45 min", "2 hours", "3 days") counts from now.
 * - With no time at all, text is a reason only when it says so: "- at the dentist" (a leading dash) or
 *   "until back at the dentist". Bare words ("banana") are refused, since they may be a time we misread.
 * - A wall-clock time that does not exist (skipped by a spring-forward) or happens twice (a fall-back)
 *   is refused. A zone written after the time ("3pm CST") is accepted only if it is the agent's own offset.
 * - Back must be after now and at most {@link AWAY_MAX_DAYS} days ahead.
 */
export function parseAway(text: string, now: Date, zone: string): AwayParse {
  const local = DateTime.fromJSDate(now, { zone });
  if (!local.isValid) throw new RangeError(`Unknown time zone: ${zone}`);

  let rest = text
    .split(MASK)
    .join('')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
  let target: string | null = null;
  const mention = MENTION.exec(rest);
  if (mention) {
    target = mention[1] ?? null;
    rest = rest.slice(mention[0].length).trim();
  }
  if (rest.includes('<@')) {
    return unparseable('Put the person first, and only one: `/away @dana until monday`.');
  }
  const plainAt = /^@[\w.-]+/.exec(rest);
  if (plainAt) {
    return unparseable(
      `I can't tell who “${plainAt[0]}” is. Pick them from Slack's @ list so the name is linked.`,
    );
  }
  if (rest === '') return { ok: true, kind: 'until_back', reason: null, target };

  const found = findPhrases(rest, local, zone);
  if ('hint' in found) return unparseable(found.hint);
  const { phrases } = found;
  if (phrases.length > 1) {
    const list = phrases.map((p) => `“${p.text}”`).join(' and ');
    return unparseable(`I found more than one time in “${rest}” (${list}). Give just one.`);
  }

  const phrase = phrases[0];
  const leftover = phrase ? `${rest.slice(0, phrase.start)} ${rest.slice(phrase.end)}` : rest;
  const stray = strayTime(leftover, local);
  if (stray !== null) {
    if (phrase) {
      return unparseable(`“${stray.text}” looks like another time besides “${phrase.text}”. Give just one.`);
    }
    return unparseable(
      stray.clock
        ? `I couldn't tell when you'll be back from “${rest}”. Put “until” before a time or day: \`/away until ${stray.text}\`.`
        : `I couldn't read “${stray.text}” as a time. Write lengths of time like 90m, 1h30m or 2 hours.`,
    );
  }
  const reason = cleanReason(leftover);

  if (!phrase) {
    if (/^[-–—:]/.test(rest)) return { ok: true, kind: 'until_back', reason, target };
    return unparseable(
      `I couldn't tell when you'll be back from “${rest}”. For a reason with no end time, start it with a dash: \`/away - ${rest}\`.`,
    );
  }

  const resolved = phrase.resolve();
  if ('hint' in resolved) return unparseable(resolved.hint);
  if ('openEnded' in resolved) return { ok: true, kind: 'until_back', reason, target };

  const until = resolved.at.toJSDate();
  if (until.getTime() <= now.getTime()) {
    return {
      ok: false,
      error: 'in_the_past',
      message: `“${phrase.text}” is ${formatBack(until, zone, now)}, which has already passed. Give a time that is still ahead.`,
    };
  }
  if (resolved.at.toMillis() > local.plus({ days: AWAY_MAX_DAYS }).toMillis()) {
    return {
      ok: false,
      error: 'too_far',
      message: `“${phrase.text}” is ${formatBack(until, zone, now)}, more than ${AWAY_MAX_DAYS} days ahead. /away goes at most ${AWAY_MAX_DAYS} days ahead.`,
    };
  }
  return { ok: true, kind: 'until', until, reason, target };
}

export type EndTimeParse = { ok: true; until: Date } | { ok: false; message: string };

/**
 * An end time alone, read exactly as `/away` reads its time ("until monday 8am", "2h",
 * "tomorrow", "until dec 24 5pm"), for commands that set something until then (`/dispatch cover`,
 * `/dispatch pause`). Nothing else may be in the text; the message says what went wrong, without
 * `/away`'s usage (the caller adds its own).
 */
export function parseEndTime(text: string, now: Date, zone: string): EndTimeParse {
  const local = DateTime.fromJSDate(now, { zone });
  if (!local.isValid) throw new RangeError(`Unknown time zone: ${zone}`);
  const rest = text
    .split(MASK)
    .join('')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
  const fail = (message: string): EndTimeParse => ({ ok: false, message });
  if (rest === '') return fail('Say until when, like “until monday 8am” or “2h”.');
  const found = findPhrases(rest, local, zone);
  if ('hint' in found) return fail(found.hint);
  const [phrase, ...more] = found.phrases;
  if (!phrase) return fail(`I couldn't read “${rest}” as a time. Say “until monday 8am” or “2h”.`);
  if (more.length > 0) return fail(`I found more than one time in “${rest}”. Give just one.`);
  const leftover = `${rest.slice(0, phrase.start)} ${rest.slice(phrase.end)}`.trim();
  if (leftover !== '') return fail(`I couldn't read “${leftover}” besides the time “${phrase.text}”.`);
  const resolved = phrase.resolve();
  if ('hint' in resolved) return fail(resolved.hint);
  if ('openEnded' in resolved) return fail('This needs an end time, like “until monday 8am” or “2h”.');
  const until = resolved.at.toJSDate();
  if (until.getTime() <= now.getTime())
    return fail(
      `“${phrase.text}” is ${formatBack(until, zone, now)}, which has already passed. Give a time that is still ahead.`,
    );
  if (resolved.at.toMillis() > local.plus({ days: AWAY_MAX_DAYS }).toMillis())
    return fail(
      `“${phrase.text}” is more than ${AWAY_MAX_DAYS} days ahead; the most is ${AWAY_MAX_DAYS} days.`,
    );
  return { ok: true, until };
}

/** "Fri, Dec 4 at 5:00 PM (CST)", in `zone`; the year is added when it is not the year of `now` there. */
export function formatBack(until: Date, zone: string, now: Date): string {
  const at = DateTime.fromJSDate(until, { zone }).setLocale('en-US');
  if (!at.isValid) throw new RangeError(`Unknown time zone: ${zone}`);
  const sameYear = at.year === DateTime.fromJSDate(now, { zone }).year;
  const day = at.toFormat(sameYear ? 'ccc, LLL d' : 'ccc, LLL d, yyyy');
  return `${day} at ${at.toFormat('h:mm a')} (${zoneAbbreviation(at)})`;
}

/** CST, EDT, BST, CEST, IST… falling back to GMT+9 where no English locale has a short name. */
function zoneAbbreviation(at: DateTime): string {
  const fallback = at.toFormat('ZZZZ');
  for (const locale of ['en-US', 'en-GB', 'en-AU', 'en-IN']) {
    const name = at.setLocale(locale).toFormat('ZZZZ');
    if (!/^(?:GMT|UTC)[+-]/.test(name)) return name;
  }
  return fallback;
}

function unparseable(hint: string): AwayParse {
  return { ok: false, error: 'unparseable', message: `${hint}\n\n${AWAY_USAGE}` };
}

function cleanReason(leftover: string): string | null {
  const reason = leftover
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[-–—:;,\s]+|[-–—:;,\s]+$/g, '');
  return reason === '' ? null : reason;
}

function masked(text: string, phrases: readonly Phrase[]): string {
  let out = text;
  for (const p of phrases) out = out.slice(0, p.start) + MASK.repeat(p.end - p.start) + out.slice(p.end);
  return out;
}

/** Every time phrase in the text: "until …", lengths of time, and the fixed day phrases. */
function findPhrases(text: string, local: DateTime, zone: string): { phrases: Phrase[] } | Hint {
  const phrases: Phrase[] = [];

  for (const m of text.matchAll(UNTIL)) {
    const afterStart = m.index + m[0].length;
    const after = text.slice(afterStart);
    const gap = after.length - after.trimStart().length;
    const body = after.trimStart();
    const open = OPEN_ENDED.exec(body);
    if (open) {
      const end = afterStart + gap + open[0].length;
      phrases.push({
        start: m.index,
        end,
        text: text.slice(m.index, end),
        resolve: () => ({ openEnded: true }),
      });
      continue;
    }
    const result = chronoAt(body, local);
    if (!result) {
      const shown = text.slice(m.index).split(' ').slice(0, 3).join(' ');
      return { hint: `I couldn't read the time in “${shown}”.` };
    }
    const end = afterStart + gap + result.text.trimEnd().length;
    const phraseText = text.slice(m.index, end);
    if (TIME_CONTINUES.test(text.slice(end))) {
      const shown = text.slice(m.index).split(' ').slice(0, 4).join(' ');
      return { hint: `I couldn't read “${shown}” as one time. Write it like “until friday 5pm”.` };
    }
    phrases.push({
      start: m.index,
      end,
      text: phraseText,
      resolve: () => resolveChrono(result, phraseText, local, zone),
    });
  }

  let rest = masked(text, phrases);
  const durations: Phrase[] = [];
  for (const m of rest.matchAll(DURATION)) {
    const end = m.index + m[0].length;
    const words = m[0];
    durations.push({ start: m.index, end, text: words, resolve: () => resolveDuration(words, local) });
  }
  phrases.push(...durations);

  rest = masked(text, phrases);
  for (const { pattern, kind } of KEYWORDS) {
    const hits: Phrase[] = [];
    for (const m of rest.matchAll(pattern)) {
      const end = m.index + m[0].length;
      const words = m[0];
      hits.push({
        start: m.index,
        end,
        text: words,
        resolve: () => resolveKeyword(kind, words, local, zone),
      });
    }
    phrases.push(...hits);
    rest = masked(text, phrases);
  }

  phrases.sort((a, b) => a.start - b.start);
  return { phrases };
}

/** chrono's reading of a time phrase at the very start of `body`, or null. */
function chronoAt(body: string, local: DateTime): ParsedResult | null {
  const result = chronoParse(body, local)[0];
  return result && result.index === 0 ? result : null;
}

/**
 * chrono works on the system clock's zone, so it is handed the agent's wall-clock date (at noon, clear of
 * any DST change) as a UTC reference. Only the day phrases (today, tomorrow) take anything from it.
 */
function chronoParse(text: string, local: DateTime): ParsedResult[] {
  const instant = new Date(Date.UTC(local.year, local.month - 1, local.day, 12));
  return chrono().casual.parse(text, { instant, timezone: 0 });
}

type Chrono = typeof import('chrono-node');
let loaded: Chrono | undefined;

/**
 * chrono-node is loaded by the first /away that needs it (its CommonJS build, synchronously): its
 * parsers and locale tables cost about 12 MB of resident memory for the app's whole life, and most
 * processes parse a handful of /away commands a day, if any.
 */
function chrono(): Chrono {
  loaded ??= createRequire(import.meta.url)('chrono-node') as Chrono;
  return loaded;
}

/** A time or day still sitting in what would be the reason (`clock` when chrono read it), or null. */
function strayTime(leftover: string, local: DateTime): { text: string; clock: boolean } | null {
  for (const result of chronoParse(leftover, local)) {
    const s = result.start;
    const casualTag = [...result.tags()].some((t) => t.startsWith('casualReference/'));
    const clock = s.isCertain('hour') && (s.isCertain('meridiem') || /\d:\d\d/.test(result.text));
    if (clock || casualTag || s.isCertain('day') || s.isCertain('weekday')) {
      return { text: result.text.trim(), clock: true };
    }
  }
  const timeish = TIME_ISH.exec(leftover);
  if (timeish) {
    const at = timeish.index;
    const from = leftover.lastIndexOf(' ', at) + 1;
    const to = leftover.indexOf(' ', at + timeish[0].length);
    return { text: leftover.slice(from, to === -1 ? undefined : to).trim(), clock: false };
  }
  return null;
}

function resolveDuration(words: string, local: DateTime): Resolved {
  const total = { weeks: 0, days: 0, hours: 0, minutes: 0 };
  const seen = new Set<string>();
  const add = (unit: keyof typeof total, amount: number): boolean => {
    if (seen.has(unit)) return false;
    seen.add(unit);
    total[unit] += amount;
    return true;
  };
  for (const m of words.matchAll(DURATION_PART)) {
    const [, hhH, hhM, amount, unit, half, anHour] = m;
    let ok = true;
    if (hhH !== undefined && hhM !== undefined) {
      if (Number(hhM) >= 60)
        return { hint: `I couldn't read “${words.trim()}”: use 1h30m for an hour and a half.` };
      ok = add('hours', Number(hhH)) && add('minutes', Number(hhM));
    } else if (amount !== undefined && unit !== undefined) {
      ok = add(unitOf(unit), Number(amount));
    } else if (half !== undefined) {
      ok = add('minutes', 30);
    } else if (anHour !== undefined) {
      ok = add('hours', 1);
    }
    if (!ok) return { hint: `“${words.trim()}” gives the same unit twice.` };
  }
  if (total.weeks + total.days + total.hours + total.minutes === 0) {
    return { hint: `“${words.trim()}” is no time at all. Give at least a minute.` };
  }
  return { at: local.plus(total) };
}

function unitOf(unit: string): 'weeks' | 'days' | 'hours' | 'minutes' {
  const u = unit.toLowerCase();
  if (u.startsWith('w')) return 'weeks';
  if (u.startsWith('d')) return 'days';
  if (u.startsWith('h')) return 'hours';
  return 'minutes';
}

function resolveKeyword(
  kind: 'tomorrow' | 'rest_of_day' | 'weekend',
  words: string,
  local: DateTime,
  zone: string,
): Resolved {
  if (kind === 'weekend') {
    // Luxon weekdays: 1 = Monday … 5 = Friday, 6 = Saturday, 7 = Sunday.
    if (local.weekday < 5) {
      return {
        hint: `It's ${local.setLocale('en-US').toFormat('cccc')}, so “${words.trim()}” would take you out for the weekdays too. Say \`/away until monday\` if that is what you mean.`,
      };
    }
    return dayStart(local.plus({ days: 8 - local.weekday }), zone);
  }
  return dayStart(local.plus({ days: 1 }), zone);
}

function dayStart(day: DateTime, zone: string): Resolved {
  return wallClock({ year: day.year, month: day.month, day: day.day }, AWAY_DAY_START_HOUR, 0, 0, zone);
}

function wallClock(
  date: { year: number; month: number; day: number },
  hour: number,
  minute: number,
  second: number,
  zone: string,
): Resolved {
  const at = DateTime.fromObject({ ...date, hour, minute, second }, { zone });
  const shown = DateTime.fromObject({ ...date, hour, minute }, { zone: 'UTC' }).setLocale('en-US');
  if (!at.isValid)
    return { hint: `There is no such date as ${shown.isValid ? shown.toFormat('LLL d, yyyy') : 'that'}.` };
  if (at.day !== date.day || at.hour !== hour || at.minute !== minute) {
    return {
      hint: `${shown.toFormat('h:mm a')} doesn't happen on ${shown.toFormat('LLL d')} in ${zone}: the clocks jump forward. Pick another time.`,
    };
  }
  if (at.getPossibleOffsets().length > 1) {
    return {
      hint: `${shown.toFormat('h:mm a')} happens twice on ${shown.toFormat('LLL d')} in ${zone}: the clocks go back. Pick another time.`,
    };
  }
  return { at };
}

function resolveChrono(result: ParsedResult, phrase: string, local: DateTime, zone: string): Resolved {
  const s = result.start;
  const words = result.text.trim();
  const tags = [...result.tags()];
  const casualRefs = tags.filter((t) => t.startsWith('casualReference/')).map((t) => t.slice(16));
  const unclear = { hint: `I couldn't read “${phrase}” as one time.` };

  if (result.end) return { hint: `“${phrase}” is a range. Give only the time you'll be back.` };
  if (tags.includes('result/relativeDate') || tags.includes('result/relativeDateAndTime')) {
    return {
      hint: `For a length of time, leave out “until”: \`/away 2h\`. Otherwise give a clock time or date.`,
    };
  }
  const vague = casualRefs.find((c) => !ALLOWED_CASUAL.has(c));
  if (vague !== undefined) {
    return { hint: `“${words}” isn't a clock time. Give one, like “until 9pm” or “until tomorrow 9am”.` };
  }
  if (RELATIVE_WORDS.test(words)) {
    return { hint: `People read “${words}” differently. Give the date instead, like “until dec 11”.` };
  }

  const year = s.get('year');
  const month = s.get('month');
  const day = s.get('day');
  const iso = /(\d{4})-(\d{1,2})-(\d{1,2})/.exec(words);
  if (iso && (Number(iso[1]) !== year || Number(iso[2]) !== month || Number(iso[3]) !== day)) return unclear;
  const slash = /(\d{1,2})\/(\d{1,2})/.exec(words);
  if (slash && Number(slash[1]) <= 12 && Number(slash[2]) <= 12 && slash[1] !== slash[2]) {
    return { hint: `“${slash[0]}” could be two different days. Write the month's name, like “until jan 2”.` };
  }
  const dateCasual = casualRefs.some((c) => DATE_CASUAL.has(c));
  if (s.isCertain('year') && !dateCasual && !new RegExp(`\\b${year}\\b`).test(words)) return unclear;

  let date: { year: number; month: number; day: number };
  let timeRequired = false;
  if (dateCasual && year !== null && month !== null && day !== null) {
    date = { year, month, day };
  } else if (s.isCertain('day') && s.isCertain('month') && month !== null && day !== null) {
    if (s.isCertain('year') && year !== null) {
      date = { year, month, day };
    } else {
      const stillAhead = month > local.month || (month === local.month && day >= local.day);
      date = { year: stillAhead ? local.year : local.year + 1, month, day };
    }
  } else if (s.isCertain('day') || s.isCertain('month') || s.isCertain('year')) {
    return { hint: `Give both the month and the day, like “until dec 24”.` };
  } else if (s.isCertain('weekday')) {
    const weekday = s.get('weekday') ?? 0;
    const wanted = weekday === 0 ? 7 : weekday;
    const ahead = (wanted - local.weekday + 7) % 7 || 7;
    const next = local.plus({ days: ahead });
    date = { year: next.year, month: next.month, day: next.day };
  } else {
    date = { year: local.year, month: local.month, day: local.day };
    timeRequired = true;
  }

  const calendar = DateTime.fromObject(date, { zone });
  if (!calendar.isValid) return wallClock(date, 0, 0, 0, zone);
  if (s.isCertain('weekday')) {
    const weekday = s.get('weekday') ?? 0;
    if (calendar.weekday % 7 !== weekday) {
      return {
        hint: `${calendar.setLocale('en-US').toFormat('LLL d, yyyy')} is a ${calendar.setLocale('en-US').toFormat('cccc')}, not what “${words}” says.`,
      };
    }
  }

  let hour = AWAY_DAY_START_HOUR;
  let minute = 0;
  let second = 0;
  if (s.isCertain('hour')) {
    hour = s.get('hour') ?? 0;
    minute = s.isCertain('minute') ? (s.get('minute') ?? 0) : 0;
    second = s.isCertain('second') ? (s.get('second') ?? 0) : 0;
    const twentyFourHour = iso !== null || /(?:^|\D)0\d[:.]\d\d/.test(words) || casualRefs.includes('noon');
    if (!s.isCertain('meridiem') && hour >= 1 && hour <= 12 && !twentyFourHour) {
      return {
        hint: `“${words}” could be morning or evening. Add am or pm (or use 24-hour time with two digits, like 09:00 or 15:30).`,
      };
    }
  } else if (timeRequired) {
    return unclear;
  }

  const built = wallClock(date, hour, minute, second, zone);
  if ('at' in built && s.isCertain('timezoneOffset')) {
    const offset = s.get('timezoneOffset');
    if (offset !== built.at.offset) {
      return {
        hint: `“${words}” names a time zone other than yours (${zone}, ${built.at.toFormat('ZZZZ')} then). Leave the zone out: times are read in your own.`,
      };
    }
  }
  return built;
}
