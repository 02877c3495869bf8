import type { EventRow } from '../../db/schema.js';
import { dayAndTime, escapeText } from './format.js';

type Names = Record<string, string>;

/** One line per event, in the reader's time: the whole history of a task, as the audit table has it. */
export function renderTimeline(
  taskId: number,
  events: EventRow[],
  names: Names,
  zone: string,
  now: Date,
): string {
  const name = (id: unknown) => escapeText(typeof id === 'string' ? (names[id] ?? id) : 'someone');
  const lines = events.map((e) => {
    const d = e.detail;
    const when = (iso: unknown) => (typeof iso === 'string' ? dayAndTime(new Date(iso), zone, now) : 'later');
    const what = describe(e, d, name, when);
    return `• ${dayAndTime(e.at, zone, now)} — ${what}`;
  });
  return `*Timeline of #${taskId}*\n${lines.join('\n')}`;
}

function describe(
  e: EventRow,
  d: Record<string, unknown>,
  name: (id: unknown) => string,
  when: (iso: unknown) => string,
): string {
  switch (e.kind) {
    case 'received':
      return 'received';
    case 'duplicate':
      return 'sent again by the source (ignored as a duplicate)';
    case 'classified':
      return d.type ? `classified as ${String(d.type).replace(/_/g, ' ')}` : 'could not be classified';
    case 'routed':
      return d.rule ? `routed by rule ${escapeText(String(d.rule))}` : 'matched no rule';
    case 'offered': {
      const to = Array.isArray(d.pool) ? `${d.pool.map(name).join(', ')} at once` : name(d.agentId);
      return `offered to ${to} (${escapeText(String(d.reason ?? ''))})`;
    }
    case 'skipped':
      return `skipped ${Array.isArray(d.pool) ? 'the pool' : name(d.agentId)}: ${escapeText(String(d.why ?? ''))}`;
    case 'claimed':
      return `claimed by ${name(e.actor)}`;
    case 'passed':
      return `passed by ${name(e.actor)}`;
    case 'pass_reason':
      return `${name(e.actor)} gave the reason: ${escapeText(String(d.reason ?? '').replace(/_/g, ' '))}`;
    case 'expired':
      return `offer to ${name(d.agentId)} expired`;
    case 'delivery_failed':
      return `could not reach ${name(d.agentId)} on Slack (${escapeText(String(d.error ?? ''))})`;
    case 'escalated':
      return `sent to the leaders: ${escapeText(String(d.reason ?? ''))}`;
    case 'reannounced':
      return 'leaders reminded';
    case 'assigned':
      return `${name(e.actor)} assigned it to ${name(d.assignee)}`;
    case 'taken':
      return `${name(e.actor)} took it`;
    case 'returned':
      return `${name(e.actor)} sent it back to the pool`;
    case 'contact_reminded':
      return `${name(d.ownerId)} reminded to make contact`;
    case 'withdrawn':
      return `${name(d.agentId)} went away, so the offer moved on`;
    case 'contacted':
      return `${name(e.actor)} marked it contacted`;
    case 'held': {
      const who = Array.isArray(d.waitingFor) ? d.waitingFor.map(name).join(', ') : 'the team';
      return `after hours with no one on duty: held until ${when(d.until)}, when ${who} start${Array.isArray(d.waitingFor) && d.waitingFor.length === 1 ? 's' : ''}`;
    }
    case 'released':
      return 'opening time: routed again';
    case 'merged':
      return `the same ${escapeText(String(d.matchedOn ?? 'contact'))} as #${escapeText(String(d.into ?? '?'))}: kept as a note on it, not dispatched`;
    case 'duplicate_contact':
      return `the contact came back from ${escapeText(String(d.source ?? 'another source'))} (#${escapeText(String(d.taskId ?? '?'))})`;
    default:
      return escapeText(e.kind);
  }
}
