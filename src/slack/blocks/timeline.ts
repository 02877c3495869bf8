import type { Offeree, ReadEvent, TaskEvent } from '../../core/events.js';
import { dayAndTime, escapeText } from './format.js';
import { noteLabel } from './intake-notes.js';

type Names = Record<string, string>;

/**
 * One line per event, in the reader's time: the whole history of a task, as the audit table has it.
 * Events come read through their schemas; one that could not be read still gets its line, by kind.
 */
export function renderTimeline(
  taskId: number,
  events: readonly ReadEvent[],
  names: Names,
  zone: string,
  now: Date,
): string {
  const name = (id: string) => escapeText(names[id] ?? id);
  const when = (iso: string) => dayAndTime(new Date(iso), zone, now);
  const lines = events.map((read) => {
    if (!read.ok) {
      const { at, kind } = read.unreadable;
      return `• ${dayAndTime(at, zone, now)} — ${escapeText(kind.replace(/_/g, ' '))} (details not shown)`;
    }
    return `• ${dayAndTime(read.event.at, zone, now)} — ${describe(read.event, name, when)}`;
  });
  return `*Timeline of #${taskId}*\n${lines.join('\n')}`;
}

function describe(e: TaskEvent, name: (id: string) => string, when: (iso: string) => string): string {
  const offeree = (o: Offeree) => ('pool' in o ? `${o.pool.map(name).join(', ')} at once` : name(o.agentId));
  switch (e.kind) {
    case 'received':
      return e.detail.flagged?.length
        ? `received; kept as sent: ${e.detail.flagged.map((f) => escapeText(noteLabel(f).toLowerCase())).join(', ')}`
        : 'received';
    case 'duplicate':
      return 'sent again by the source (ignored as a duplicate)';
    case 'classified':
      return e.detail.type ? `classified as ${e.detail.type.replace(/_/g, ' ')}` : 'could not be classified';
    case 'routed': {
      const paused = (e.detail.pausedRules ?? [])
        .map((p) => `rule ${escapeText(p.rule)} skipped: paused until ${when(p.until)}; `)
        .join('');
      return `${paused}${e.detail.rule ? `routed by rule ${escapeText(e.detail.rule)}` : 'matched no rule'}`;
    }
    case 'offered':
      return `offered to ${offeree(e.detail)} (${escapeText(e.detail.reason)})`;
    case 'skipped':
      return `skipped ${'pool' in e.detail ? 'the pool' : name(e.detail.agentId)}: ${escapeText(e.detail.why)}`;
    case 'claimed':
      return `claimed by ${name(e.actor)}`;
    case 'passed':
      return `passed by ${name(e.actor)}`;
    case 'pass_reason':
      return `${name(e.actor)} gave the reason: ${escapeText(e.detail.reason.replace(/_/g, ' '))}`;
    case 'expired':
      return `offer to ${offeree(e.detail)} expired`;
    case 'delivery_failed':
      return `could not reach ${offeree(e.detail)} on Slack (${escapeText(e.detail.error)})`;
    case 'escalated':
      return `sent to the leaders: ${escapeText(e.detail.reason)}`;
    case 'reannounced':
      return 'leaders reminded';
    case 'assigned':
      return `${name(e.actor)} assigned it to ${name(e.detail.assignee)}`;
    case 'taken':
      return `${name(e.actor)} took it`;
    case 'returned':
      return `${name(e.actor)} sent it back to the pool`;
    case 'reassigned': {
      const from = e.detail.from ? ` from ${name(e.detail.from)}` : '';
      return `${name(e.actor)} reassigned it${from} to ${name(e.detail.to)}${because(e.detail.reason)}`;
    }
    case 'handed_off': {
      const to = e.detail.to ? `to ${name(e.detail.to)}` : "back to the rule's pool";
      return `${name(e.actor)} handed it off ${to}${because(e.detail.reason)}`;
    }
    case 'contact_reminded':
      return `${name(e.detail.ownerId)} reminded to make contact`;
    case 'withdrawn':
      return 'pool' in e.detail
        ? 'a leader acted, so it left the pond'
        : `${name(e.detail.agentId)} went away, so the offer moved on`;
    case 'pond_reminded':
      return 'still in the pond: reminded in its thread';
    case 'idle_moved':
      return `${name(e.detail.ownerId)} did not mark it contacted in time, so it moved on`;
    case 'contacted':
      return `${name(e.actor)} marked it contacted`;
    case 'held': {
      const { waitingFor, pausedSource } = e.detail;
      if (pausedSource !== undefined)
        return `held: source ${escapeText(pausedSource)} is paused until ${when(e.detail.until)}`;
      const who = waitingFor.length > 0 ? waitingFor.map(name).join(', ') : 'the team';
      return `after hours with no one on duty: held until ${when(e.detail.until)}, when ${who} start${waitingFor.length === 1 ? 's' : ''}`;
    }
    case 'clock_restarted':
      return `Slack held the offer up ${Math.round(e.detail.heldUpSeconds)} s: its clock restarted, now due ${when(e.detail.deadline)}`;
    case 'released':
      return e.detail.pausedSource !== undefined
        ? `source ${escapeText(e.detail.pausedSource)} no longer paused: routed in arrival order`
        : 'opening time: routed again';
    case 'merged':
      return `the same ${e.detail.matchedOn} as #${e.detail.into}: kept as a note on it, not dispatched`;
    case 'duplicate_contact':
      return `the contact came back from ${escapeText(e.detail.source)} (#${e.detail.taskId})`;
    case 'crm_write_failed':
      return `${escapeText(e.detail.system)} was not updated (${escapeText(e.detail.action)}): ${escapeText(e.detail.error)}; retry with lead-dispatch outbox retry ${e.detail.outboxId}`;
    case 'outbox_retried':
      return `a failed delivery to ${escapeText(e.detail.topic)} was sent again by ${e.actor === 'cli' ? 'lead-dispatch outbox retry' : name(e.actor)}`;
    case 'reply_waiting':
      return `${replyWord(e.detail.channel)} waits for the end of the lead's quiet hours (${when(e.detail.until)})`;
    case 'replied':
      return `${replyWord(e.detail.channel)} sent to the lead${e.detail.agentId ? `, naming ${name(e.detail.agentId)}` : ''}`;
    case 'reply_status':
      return `${replyWord(e.detail.channel)} ${e.detail.status}${e.detail.reason ? ` (${escapeText(e.detail.reason)})` : ''}`;
    case 'reply_skipped':
      return `no ${replyWord(e.detail.channel).toLowerCase()}: ${escapeText(SKIP_REASONS[e.detail.reason] ?? e.detail.reason.replace(/_/g, ' '))}`;
    case 'opted_out':
      return `the lead texted ${escapeText(e.detail.keyword)}: no more texts to this number`;
    case 'lead_texted':
      return `the lead texted back; shown to ${e.detail.shownTo.startsWith('U') ? name(e.detail.shownTo) : 'the leaders'}`;
    case 'opted_in':
      return `the lead texted ${escapeText(e.detail.keyword)}: texts allowed again`;
    case 'details_removed':
      return e.detail.reason === 'retention'
        ? "the lead's contact details were removed (older than the team's retention period)"
        : "the lead's contact details were removed at the person's request";
    default:
      return unreachable(e);
  }
}

const because = (reason: string | undefined) => (reason ? `: “${escapeText(reason)}”` : '');

const replyWord = (channel: 'sms' | 'email') => (channel === 'sms' ? 'Text' : 'Email');

const SKIP_REASONS: Record<string, string> = {
  opted_out: 'the number opted out (STOP)',
  no_phone: 'no phone number',
  no_email: 'no email address',
  at_night: 'quiet hours, and the rule sends only the email then',
  not_mobile: 'the number cannot take texts',
  already_contacted: 'the lead was reached before it could go',
  rule_has_no_reply: 'the rule no longer replies',
};

/** Every kind has a case above: a new kind without one fails to compile here. */
function unreachable(e: never): never {
  throw new Error(`no timeline line for event ${JSON.stringify(e)}`);
}
