import type { KnownBlock } from '@slack/types';
import type { OfferRow, TaskRow, TaskViewRow } from '../../db/schema.js';
import { button, context, section, timelineButton } from './elements.js';
import { clip, clockTime, dayAndTime, escapeText } from './format.js';
import { reassignButton } from './move-modals.js';
import { CLAIM_ACTION, type RenderedMessage } from './offer-message.js';
import { area, headline, taskSummaryBlocks } from './task-summary.js';

/** Everything a watcher's message or a broadcast copy shows, loaded from rows. */
export interface TaskViewView {
  view: TaskViewRow;
  task: TaskRow;
  /** The broadcast offer for a copy; the live offer (if any) for a watcher. */
  offer: OfferRow | undefined;
  /** The task's live offer now, which may be a later one than the broadcast. */
  live: OfferRow | undefined;
  /** Display names by Slack id. */
  names: Record<string, string>;
  /** A team leader's copy, or one in the leaders' channel: leaders may Reassign… from it. */
  leaders?: boolean;
  zone: string;
  now: Date;
}

export function renderTaskView(v: TaskViewView): RenderedMessage {
  return v.view.kind === 'broadcast' ? renderBroadcastCopy(v) : renderWatcherMessage(v);
}

/**
 * One copy of a first-to-claim offer. While it is open every member sees the lead and a Claim
 * button; once someone wins, the others' copies shrink to who has it, without the contact details.
 */
function renderBroadcastCopy(v: TaskViewView): RenderedMessage {
  const { task, offer, names, zone, now } = v;
  const title = `${headline(task)} · #${task.id}`;
  const actions = (...extra: ReturnType<typeof button>[]): KnownBlock => ({
    type: 'actions',
    block_id: `broadcast_${v.view.id}`,
    elements: [...extra, timelineButton(task.id)],
  });
  if (!offer) return { text: title, blocks: [section(escapeText(title))] };
  const members = offer.pool?.length ?? 0;
  if (offer.status === 'live') {
    return {
      text: `First to claim: ${escapeText(title)} — claim by ${dayAndTime(offer.deadline, zone, now)}`,
      blocks: [
        ...taskSummaryBlocks(task),
        context(
          `🏁 *First to claim wins.* Offered to ${members} agent${members === 1 ? '' : 's'} at once: ${escapeText(offer.reason)}. ⏱ Claim by *${dayAndTime(offer.deadline, zone, now)}*.`,
        ),
        actions(button('Claim', CLAIM_ACTION, String(offer.id), 'primary')),
      ],
    };
  }
  const ended = clockTime(offer.resolvedAt ?? now, zone);
  const outcome =
    offer.status === 'claimed' && offer.agentId
      ? `✅ *Claimed by ${escapeText(names[offer.agentId] ?? offer.agentId)}* at ${ended}.`
      : offer.status === 'reassigned'
        ? `↪️ A team leader reassigned it at ${ended}. ${escapeText(holderText(v))}`
        : `⌛ Nobody claimed it by ${ended}; it moved on. ${escapeText(holderText(v))}`;
  return {
    text: `${escapeText(title)} — ${offer.status === 'claimed' ? 'claimed' : 'moved on'}`,
    blocks: [section(`*${escapeText(title)}*${whereText(task)}\n${outcome}`), actions()],
  };
}

/**
 * Someone the rule notifies without making them the owner. `dm` (and a channel) get the whole
 * task; `cc` is a copy for the record: the headline and where it stands, no contact details.
 */
function renderWatcherMessage(v: TaskViewView): RenderedMessage {
  const { task, view } = v;
  const rule = task.ruleName ? ` by rule *${escapeText(task.ruleName)}*` : '';
  const status = statusText(v);
  const movable = v.leaders === true && (task.status === 'offered' || task.status === 'claimed');
  const actions: KnownBlock = {
    type: 'actions',
    block_id: `watch_${view.id}`,
    elements: [...(movable ? [reassignButton(task.id)] : []), timelineButton(task.id)],
  };
  if (view.via === 'cc') {
    const title = `cc: ${headline(task)} · #${task.id}`;
    return {
      text: `${title} — ${status}`,
      blocks: [
        section(`*${escapeText(title)}*${whereText(task)}\n${status}`),
        context(`You are cc'd${rule}.`),
        actions,
      ],
    };
  }
  return {
    text: `For your information: ${headline(task)} — ${status}`,
    blocks: [
      ...taskSummaryBlocks(task),
      context(`🔔 You are notified${rule}; you do not need to claim it.`),
      section(status),
      actions,
    ],
  };
}

/** Where the task stands, in words for someone watching it. */
function statusText(v: TaskViewView): string {
  const { task, names, zone, now } = v;
  const name = (id: string | null) => escapeText(id ? (names[id] ?? id) : 'someone');
  switch (task.status) {
    case 'received':
      return '📥 Just received; being routed.';
    case 'held':
      return `⏸ Held until ${task.heldUntil ? dayAndTime(task.heldUntil, zone, now) : 'opening'}, when the team starts work.`;
    case 'offered':
      return `📨 ${escapeText(holderText(v))}`;
    case 'claimed': {
      const claimed = `✅ *${name(task.ownerId)}* owns it (claimed at ${clockTime(task.claimedAt ?? now, zone)}).`;
      return task.contactedAt ? `${claimed} 📞 Contacted at ${clockTime(task.contactedAt, zone)}.` : claimed;
    }
    case 'escalated':
      return '⚠️ With the team leaders, who will assign it.';
    case 'merged':
      return '🔁 Merged into an earlier task for the same contact.';
  }
}

function holderText(v: TaskViewView): string {
  const { task, live, names } = v;
  if (task.status === 'escalated') return 'It went to the team leaders.';
  if (task.status === 'claimed' && task.ownerId) return `${names[task.ownerId] ?? task.ownerId} owns it.`;
  if (live?.status !== 'live') return '';
  if (live.agentId) return `Offered to ${names[live.agentId] ?? live.agentId}.`;
  if (live.pond) return "It went into the rule's pond, where anyone in the pool can claim it.";
  return `Offered to ${live.pool?.length ?? 0} agents, first to claim.`;
}

function whereText(task: TaskRow): string {
  const where = area(task);
  // The headline and status must fit beside it in one section (3,000 characters at most).
  return where ? ` — ${clip(escapeText(where), 500)}` : '';
}
