import { formatBack } from '../../core/away-parser.js';
import type { TeamMemberStatus } from '../../dispatch/team-status.js';
import { escapeText } from './format.js';

/** `/dispatch who`: one line per person, available first, in the reader's time. */
export function renderTeamStatus(members: TeamMemberStatus[], zone: string, now: Date): string {
  const rank = (m: TeamMemberStatus) =>
    m.availability.available ? 0 : m.availability.why === 'away' ? 1 : 2;
  const lines = [...members]
    .sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name))
    .map((m) => {
      const leads = m.openLeads > 0 ? ` · ${m.openLeads} open lead${m.openLeads === 1 ? '' : 's'}` : '';
      const a = m.availability;
      if (a.available) return `🟢 *${escapeText(m.name)}* — available${leads}`;
      if (a.why === 'inactive') return `⚪ *${escapeText(m.name)}* — inactive${leads}`;
      const until = a.until ? `until ${formatBack(a.until, zone, now)}` : 'until /back';
      const why = a.reason ? ` (${escapeText(a.reason)})` : '';
      return `🌴 *${escapeText(m.name)}* — away ${until}${why}${leads}`;
    });
  return `*Team status*\n${lines.join('\n')}`;
}
