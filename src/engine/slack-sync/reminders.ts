import { and, desc, eq, isNull } from 'drizzle-orm';
import {
  escalations,
  events,
  type NotificationRow,
  notifications,
  outbox,
  type TaskRow,
  tasks,
} from '../../db/schema.js';
import type { DispatchContext, Sql } from '../../dispatch/context.js';
import { pondOf, pondStillOpen } from '../../dispatch/pond.js';
import { agentName, agentZone, findAgent } from '../../dispatch/roster.js';
import { renderContactReminder } from '../../slack/blocks/contact-reminder.js';
import {
  type RetriedBy,
  renderCrmWriteFailed,
  renderCrmWriteRetried,
} from '../../slack/blocks/crm-write-failed.js';
import { renderDuplicateNote } from '../../slack/blocks/duplicate-note.js';
import { renderEscalationReminder } from '../../slack/blocks/escalation-message.js';
import { renderLeadText } from '../../slack/blocks/lead-text.js';
import { renderPondReminder } from '../../slack/blocks/pond-message.js';
import type { MessageKind } from './message-kind.js';
import { MessageStore } from './message-store.js';

/**
 * One-off posts (a threaded re-announcement, a contact reminder, a note that the same person wrote
 * again): posted once and dropped when overtaken or when the recipient is gone; only a failed
 * write-back's note is updated, once a leader sends it again.
 */
export function reminders(ctx: DispatchContext): MessageKind {
  const store = new MessageStore(ctx.db.$client, {
    table: 'notifications',
    recipient: { column: 'recipient' },
    threadTs: 'thread_ts',
    channel: 'channel',
    ts: 'ts',
    postedAt: 'sent_at',
  });
  return {
    name: 'reminder',
    store,
    render(id, now, firstPost) {
      const row = ctx.db
        .select({ note: notifications, task: tasks })
        .from(notifications)
        .innerJoin(tasks, eq(tasks.id, notifications.taskId))
        .where(eq(notifications.id, id))
        .get();
      if (!row) return undefined;
      const { note, task } = row;
      const { config, db: sql } = ctx;
      if (note.kind === 'crm_write_failed') {
        const item = outboxItem(sql, note);
        if (item?.status === 'dead') return { show: renderCrmWriteFailed(task, item) };
        // Sent again before it was ever posted: nothing to tell. Once posted, the note is updated
        // (retry bumps its version) so it no longer says "not updated" with a live Retry button.
        if (!item || firstPost) return { skip: 'retried' };
        return { show: renderCrmWriteRetried(task, item, retriedBy(ctx, task.id, item.id)) };
      }
      // Queued while Slack was unavailable and overtaken since (a leader acted, the owner made contact).
      if (!stillRelevant(ctx.db, note, task)) return { skip: 'overtaken' };
      if (note.kind === 'contact_reminder') {
        const zone = agentZone(task.ownerId ? findAgent(sql, task.ownerId) : undefined, config);
        return { show: renderContactReminder(task, zone, now) };
      }
      if (note.kind === 'lead_texted') {
        const zone = note.recipient.startsWith('U')
          ? agentZone(findAgent(sql, note.recipient), config)
          : config.team.timezone;
        return { show: renderLeadText(task, note.text ?? '', note.createdAt, zone) };
      }
      if (note.kind === 'pond_reminder') {
        const pond = pondOf(sql, task.id);
        return { show: renderPondReminder(task, pond?.createdAt ?? note.createdAt, now) };
      }
      if (note.kind === 'duplicate_note') {
        return { show: renderDuplicateNote(task, agentZone(findAgent(sql, note.recipient), config), now) };
      }
      return { show: renderEscalationReminder(task, now) };
    },
    unreachable(state, code) {
      ctx.log.error('reminder could not be sent; giving up on it', {
        notificationId: state.id,
        taskId: state.taskId,
        error: code,
      });
      return 'give_up';
    },
    whenDeleted: 'give_up',
  };
}

/** A reminder is only worth sending while the thing it reminds of is still true. */
function stillRelevant(sql: Sql, note: NotificationRow, task: TaskRow): boolean {
  if (note.kind === 'duplicate_note' || note.kind === 'lead_texted') return true;
  if (note.kind === 'pond_reminder') return pondStillOpen(sql, task.id, note.threadTs);
  if (note.kind === 'contact_reminder') {
    return task.status === 'claimed' && task.ownerId === note.recipient && task.contactedAt === null;
  }
  const open = sql
    .select({ ts: escalations.ts })
    .from(escalations)
    .where(and(eq(escalations.taskId, task.id), isNull(escalations.resolvedAt)))
    .get();
  return open?.ts === note.threadTs;
}

function outboxItem(sql: Sql, note: NotificationRow) {
  if (note.outboxId === null) return undefined;
  return sql.select().from(outbox).where(eq(outbox.id, note.outboxId)).get();
}

/** The latest `outbox_retried` event for the item: who sent it again, and when. */
function retriedBy(ctx: DispatchContext, taskId: number, outboxId: number): RetriedBy {
  const zone = ctx.config.team.timezone;
  const rows = ctx.db
    .select({ actor: events.actor, at: events.at, detail: events.detail })
    .from(events)
    .where(and(eq(events.taskId, taskId), eq(events.kind, 'outbox_retried')))
    .orderBy(desc(events.id))
    .all();
  const row = rows.find((r) => 'outboxId' in r.detail && r.detail.outboxId === outboxId);
  if (!row) return { leader: undefined, at: ctx.clock.now(), zone };
  return { leader: row.actor === 'cli' ? undefined : agentName(ctx.db, row.actor), at: row.at, zone };
}
