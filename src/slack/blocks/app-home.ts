import type { KnownBlock, View } from '@slack/types';
import type { Availability } from '../../core/availability.js';
import { formatMeasured } from '../../core/duration.js';
import type { HomeData } from '../../dispatch/home.js';
import type { TeamWeek, WaitingItem } from '../../reports/team-week.js';
import { unavailablePhrase } from './availability-text.js';
import { button, context, section } from './elements.js';
import { clip, dayAndTime, escapeText, humanType, sourceLabel } from './format.js';
import { contactName, headline } from './task-summary.js';

export const HOME_AWAY_ACTION = 'home_away';
export const HOME_BACK_ACTION = 'home_back';

/** Leads listed on the Home: the rest are counted, so a busy agent's Home stays a page, not a wall. */
export const HOME_LEADS_SHOWN = 50;
/** Slack refuses a section over 3,000 characters; one lead's line is cut well before that. */
const SECTION_MAX = 3000;
const LINE_MAX = 300;

/** An agent's App Home: my status (with Away and Back), my open leads and their clocks, my week. */
export function renderAppHome(data: HomeData, zone: string, now: Date): View {
  const a = data.availability;
  const status = a.available
    ? "🟢 *You're available* and getting leads."
    : data.onDutyFor.length > 0
      ? `📟 *You're on duty after hours* (${escapeText(data.onDutyFor.join(', '))}): after-hours leads come to you.`
      : unavailableStatus(a, zone, now);
  // A cover taken by `/dispatch cover` is said whatever the hour: it decides tonight's leads.
  const covering = data.covering.map(
    (c) =>
      `\n🔁 You're covering *${escapeText(c.rotation)}* until ${dayAndTime(c.until, zone, now)}: its after-hours leads come to you first.`,
  );
  const leads: string[] = [
    ...data.offered.map(({ task, deadline }) => {
      const left = deadline.getTime() - now.getTime();
      // Whole minutes: a per-second countdown would republish the Home every sweep (views.publish is rate-limited).
      const clock = left > 0 ? `⏱ ${Math.ceil(left / 60_000)} min left to claim` : '⚠️ overdue: claim it now';
      return `• *${escapeText(headline(task))}* #${task.id}, ${escapeText(contactName(task))}: ${clock}`;
    }),
    ...(data.moreOffered ? ['…and more offers waiting for you (see your DMs)'] : []),
    ...data.owned.map((task) => {
      const contact = task.contactedAt
        ? '📞 contacted'
        : task.contactDueAt
          ? task.contactDueAt > now
            ? `📞 contact by ${dayAndTime(task.contactDueAt, zone, now)}`
            : '⚠️ contact overdue'
          : 'yours';
      return `• *${escapeText(headline(task))}* #${task.id}, ${escapeText(contactName(task))}: ${contact}`;
    }),
    ...(data.moreOwned ? ['…and earlier leads of yours'] : []),
  ];
  const w = data.week;
  const median = w.medianSecondsToClaim === null ? 'no claims yet' : formatMeasured(w.medianSecondsToClaim);
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'Lead Dispatch' } },
    section(`${status}${covering.join('')}`),
    {
      type: 'actions',
      block_id: 'home_status',
      elements: [
        button('Away…', HOME_AWAY_ACTION, 'away'),
        button('Back', HOME_BACK_ACTION, 'back', 'primary'),
      ],
    },
    { type: 'divider' },
    ...leadBlocks(leads),
    { type: 'divider' },
    section(`*My week*\nOffered ${w.received} · claimed ${w.claimed} · median time to claim: ${median}`),
    ...(data.team ? teamBlocks(data.team, zone, now) : []),
  ];
  return { type: 'home', blocks };
}

/** The Home of someone outside the team: a polite word, none of the team's leads or figures. */
export function renderOutsiderHome(): View {
  return {
    type: 'home',
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'Lead Dispatch' } },
      section(
        "👋 This app hands the team's leads to its agents. You are not on the team in its dispatch.yml, so there is nothing to show you here. Ask a team leader if you should be on it.",
      ),
    ],
  };
}

/**
 * "My open leads", most urgent first (offers waiting, then owned), packed into as few sections as
 * Slack's 3,000 characters allow, with "…and N more" past HOME_LEADS_SHOWN. A section holds at
 * least 9 lines of 300, so this is at most 6 sections and a context: far inside 100 blocks.
 */
function leadBlocks(lines: string[]): KnownBlock[] {
  if (lines.length === 0) return [section('*My open leads*\nNone right now.')];
  const texts: string[] = [];
  let current = '*My open leads*';
  for (const line of lines.slice(0, HOME_LEADS_SHOWN).map((l) => clip(l, LINE_MAX))) {
    if (current.length + 1 + line.length > SECTION_MAX) {
      texts.push(current);
      current = line;
    } else current = `${current}\n${line}`;
  }
  texts.push(current);
  const more = lines.length - HOME_LEADS_SHOWN;
  return [
    ...texts.map(section),
    ...(more > 0 ? [context(`…and ${more} more open lead${more === 1 ? '' : 's'} not listed here.`)] : []),
  ];
}

function unavailableStatus(a: Exclude<Availability, { available: true }>, zone: string, now: Date): string {
  if (a.why === 'inactive') return '⚪ *You are inactive* in dispatch.yml, so you get no leads.';
  const { emoji, text } = unavailablePhrase(a, zone, now);
  return `${emoji} *You're ${text}*, so leads go to the rest of the team.`;
}

const WAITING_WORDS: Record<WaitingItem['what'], string> = {
  claim: 'to claim by',
  contact: 'to make contact, due',
  leader: 'a leader to act, escalated',
  held: 'held until',
};

/** A team leader's extra: the team's week in the report's own measures, and who is waiting on what. */
function teamBlocks(team: TeamWeek, zone: string, now: Date): KnownBlock[] {
  const f = team.figures;
  const claim = f.timeToClaim.median === null ? 'no claims yet' : formatMeasured(f.timeToClaim.median);
  const dispatch = f.timeToDispatch.median === null ? '–' : formatMeasured(f.timeToDispatch.median);
  const pct = (hits: number, of: number) => (of === 0 ? '–' : `${Math.round((hits / of) * 100)}%`);
  const waiting = team.waiting.map(
    (w) =>
      `• *${escapeText(w.who)}*: ${escapeText(humanType(w.type))} from ${escapeText(sourceLabel(w.source))} #${w.taskId}, ${WAITING_WORDS[w.what]} ${dayAndTime(w.at, zone, now)}`,
  );
  return [
    { type: 'divider' },
    section(
      [
        `*Team this week* (since ${dayAndTime(team.since, zone, now)})`,
        `Leads ${f.leads} · dispatched ${f.dispatched} · median time to dispatch ${dispatch} · median time to claim ${claim}`,
        `SLA hit on the first offer ${pct(f.slaFirstOffer.hits, f.slaFirstOffer.of)} · misassigned ${pct(f.misassigned.hits, f.misassigned.of)} · escalated ${f.escalated} · lapsed ${f.lapses}`,
      ].join('\n'),
    ),
    section(
      waiting.length === 0
        ? '*Waiting on someone*\nNothing: every lead is claimed and worked.'
        : clip(`*Waiting on someone*\n${waiting.join('\n')}`, SECTION_MAX),
    ),
    ...(team.moreWaiting > 0
      ? [context(`…and ${team.moreWaiting} more; \`/dispatch who\` shows everyone.`)]
      : []),
  ];
}
