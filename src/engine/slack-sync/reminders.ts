import { and, eq, isNull } from 'drizzle-orm';
import {
  escalations,
  type NotificationRow,
  notifications,
  outbox,
  type TaskRow,
  tasks,
} from '../../db/schema.js';
import type { DispatchContext, Sql } from '../../dispatch/context.js';
import { agentZone, findAgent } from '../../dispatch/roster.js';
import { renderContactReminder } from '../../slack/blocks/contact-reminder.js';
import { renderCrmWriteFailed } from '../../slack/blocks/crm-write-failed.js';
import { renderDuplicateNote } from '../../slack/blocks/duplicate-note.js';
import { renderEscalationReminder } from '../../slack/blocks/escalation-message.js';
import type { MessageKind } from './message-kind.js';
import { MessageStore } from './message-store.js';

/**
 * One-off posts (a threaded re-announcement, a contact reminder, a note that the same person wrote
 * again): posted once, never updated, dropped when overtaken or when the recipient is gone.
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
    render(id, now) {
      const row = ctx.db
        .select({ note: notifications, task: tasks })
        .from(notifications)
        .innerJoin(tasks, eq(tasks.id, notifications.taskId))
        .where(eq(notifications.id, id))
        .get();
      if (!row) return undefined;
      const { note, task } = row;
      // Queued while Slack was unavailable and overtaken since (a leader acted, the owner made contact).
      if (!stillRelevant(ctx.db, note, task)) return { skip: 'overtaken' };
      const { config, db: sql } = ctx;
      if (note.kind === 'contact_reminder') {
        const zone = agentZone(task.ownerId ? findAgent(sql, task.ownerId) : undefined, config);
        return { show: renderContactReminder(task, zone, now) };
      }
      if (note.kind === 'crm_write_failed') {
        const item = deadItem(sql, note);
        return item ? { show: renderCrmWriteFailed(task, item) } : { skip: 'retried' };
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
  if (note.kind === 'duplicate_note') return true;
  // A failed write-back is news only while it is still dead (not sent again since).
  if (note.kind === 'crm_write_failed') return deadItem(sql, note) !== undefined;
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

function deadItem(sql: Sql, note: NotificationRow) {
  if (note.outboxId === null) return undefined;
  return sql
    .select()
    .from(outbox)
    .where(and(eq(outbox.id, note.outboxId), eq(outbox.status, 'dead')))
    .get();
}
