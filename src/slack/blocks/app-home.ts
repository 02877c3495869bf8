import type { KnownBlock, View } from '@slack/types';
import type { Availability } from '../../core/availability.js';
import { formatDuration } from '../../core/duration.js';
import type { HomeData } from '../../dispatch/home.js';
import { unavailablePhrase } from './availability-text.js';
import { button, section } from './elements.js';
import { dayAndTime, escapeText } from './format.js';
import { contactName, headline } from './task-summary.js';

export const HOME_AWAY_ACTION = 'home_away';
export const HOME_BACK_ACTION = 'home_back';

/** An agent's App Home: my status (with Away and Back), my open leads and their clocks, my week. */
export function renderAppHome(data: HomeData, zone: string, now: Date): View {
  const a = data.availability;
  const status = a.available
    ? "🟢 *You're available* and getting leads."
    : data.onDutyFor.length > 0
      ? `📟 *You're on duty after hours* (${escapeText(data.onDutyFor.join(', '))}): after-hours leads come to you.`
      : unavailableStatus(a, zone, now);
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
  const median = w.medianSecondsToClaim === null ? 'no claims yet' : formatDuration(w.medianSecondsToClaim);
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'Lead Dispatch' } },
    section(status),
    {
      type: 'actions',
      block_id: 'home_status',
      elements: [
        button('Away…', HOME_AWAY_ACTION, 'away'),
        button('Back', HOME_BACK_ACTION, 'back', 'primary'),
      ],
    },
    { type: 'divider' },
    section(`*My open leads*\n${leads.length > 0 ? leads.join('\n') : 'None right now.'}`),
    { type: 'divider' },
    section(`*My week*\nOffered ${w.received} · claimed ${w.claimed} · median time to claim: ${median}`),
  ];
  return { type: 'home', blocks };
}

function unavailableStatus(a: Exclude<Availability, { available: true }>, zone: string, now: Date): string {
  if (a.why === 'inactive') return '⚪ *You are inactive* in dispatch.yml, so you get no leads.';
  const { emoji, text } = unavailablePhrase(a, zone, now);
  return `${emoji} *You're ${text}*, so leads go to the rest of the team.`;
}
