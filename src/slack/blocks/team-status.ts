import type { TeamMemberStatus, TeamStatus } from '../../dispatch/team-status.js';
import { unavailablePhrase } from './availability-text.js';
import { coverLine, pauseLine } from './cover-pause-text.js';
import { dayAndTime, escapeText } from './format.js';

const RANK = { available: 0, on_duty: 1, away: 2, busy: 3, off_hours: 4, inactive: 5 } as const;

/** `/dispatch who`: one line per person, available first, in the reader's time, then what is held. */
export function renderTeamStatus(status: TeamStatus, zone: string, now: Date): string {
  const lines = [...status.members]
    .sort((a, b) => RANK[rankOf(a)] - RANK[rankOf(b)] || a.name.localeCompare(b.name))
    .map((m) => {
      const leads = m.openLeads > 0 ? ` · ${m.openLeads} open lead${m.openLeads === 1 ? '' : 's'}` : '';
      const name = `*${escapeText(m.name)}*`;
      const a = m.availability;
      if (a.available && m.capped)
        return `⚖️ ${name} — at their cap (${escapeText(m.capped)}), skipped for new leads`;
      if (a.available) return `🟢 ${name} — available${leads}`;
      if (m.onDutyFor.length > 0)
        return `📟 ${name} — on duty after hours (${m.onDutyFor.join(', ')})${leads}`;
      const { emoji, text } = unavailablePhrase(a, zone, now);
      return `${emoji} ${name} — ${text}${leads}`;
    });
  const held =
    status.held.count > 0 && status.held.next
      ? `\n\n⏸ ${status.held.count} lead${status.held.count === 1 ? '' : 's'} held for opening; the first goes out ${dayAndTime(status.held.next, zone, now)}.`
      : '';
  const covers = status.covers.map((c) => coverLine(c, zone, now));
  const pauses = status.pauses.map((p) => pauseLine(p, zone, now));
  const changes = [...covers, ...pauses];
  const extra = changes.length > 0 ? `\n\n${changes.join('\n')}` : '';
  return `*Team status*\n${lines.join('\n')}${held}${extra}`;
}

function rankOf(m: TeamMemberStatus): keyof typeof RANK {
  if (m.availability.available) return 'available';
  if (m.onDutyFor.length > 0) return 'on_duty';
  return m.availability.why;
}
