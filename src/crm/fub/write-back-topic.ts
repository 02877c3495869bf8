import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { escalations, notifications } from '../../db/schema.js';
import type { DispatchContext } from '../../dispatch/context.js';
import { recordEvent } from '../../dispatch/events.js';
import { type OutboxItem, type OutboxTopic, PermanentFailure } from '../../engine/outbox/outbox.js';
import type { FubClient } from './client.js';
import { contactTaskName, refMarker } from './note-text.js';
import { fubUserIdOf } from './users.js';
import { currentFubUpdate, FUB_WRITE_TOPIC, type FubWrite } from './write-back.js';

const writeSchema = z.discriminatedUnion('action', [
  // Items queued by an earlier version also carry ownerId and stage: ignored, truth is read at delivery.
  z.object({ action: z.literal('update'), personId: z.number() }),
  z.object({ action: z.literal('note'), personId: z.number(), subject: z.string(), body: z.string() }),
  z.object({ action: z.literal('task'), personId: z.number(), ownerId: z.string(), dueAt: z.string() }),
]);

const listed = (key: 'notes' | 'tasks') =>
  z.looseObject({
    [key]: z.array(z.looseObject({ body: z.string().nullish(), name: z.string().nullish() })),
  });

/**
 * Delivers FUB write-backs (assignee and stage, the claim note, the owner's task). A note or task
 * carries a ref marker with the outbox id; a retry (whose first try may have reached FUB before
 * its answer was lost) looks for that marker on the person first, so FUB never shows it twice.
 * An item that dies leaves a note for the leaders in Slack, in the same transaction.
 */
export function fubWriteBackTopic(ctx: DispatchContext, client: FubClient): OutboxTopic {
  /** Whether an earlier try of this item already wrote it: `mine` recognises what it wrote. */
  const alreadyThere = async (
    item: OutboxItem,
    kind: 'notes' | 'tasks',
    personId: number,
    mine: (r: { body?: string | null; name?: string | null }) => boolean,
  ) => {
    if (item.attempts === 0) return false;
    const page = listed(kind).safeParse(
      await client.get(`${kind}?personId=${personId}&limit=100&sort=-created`),
    );
    return page.success && (page.data[kind] ?? []).some(mine);
  };
  return {
    topic: FUB_WRITE_TOPIC,
    async deliver(item) {
      const parsed = writeSchema.safeParse(item.payload);
      if (!parsed.success) throw new PermanentFailure('not a Follow Up Boss write this version knows');
      const write: FubWrite = parsed.data;
      const marker = refMarker(item.id);
      switch (write.action) {
        case 'update': {
          // From the task's current rows, not the enqueue-time payload: a retry of the claim's
          // update after Mark contacted must not set the claim's stage back.
          const config = ctx.config.crm?.followupboss;
          if (!config) return;
          const now = currentFubUpdate(ctx.db, config, item.taskId);
          const body: Record<string, unknown> = {};
          if (now.ownerId) body.assignedUserId = await fubUserIdOf(ctx, client, now.ownerId);
          if (now.stage) body.stage = now.stage;
          if (Object.keys(body).length === 0) return;
          await client.put(`people/${write.personId}`, body);
          return;
        }
        case 'note':
          if (await alreadyThere(item, 'notes', write.personId, (r) => (r.body ?? '').includes(marker)))
            return;
          await client.post('notes', {
            personId: write.personId,
            subject: write.subject,
            body: `${write.body}\n${marker}`,
            isHtml: false,
          });
          return;
        case 'task': {
          const name = contactTaskName(item.id);
          // The long marker: a task an earlier version of this item may have written.
          const mine = (r: { name?: string | null }) => r.name === name || (r.name ?? '').includes(marker);
          if (await alreadyThere(item, 'tasks', write.personId, mine)) return;
          const assignedUserId = await fubUserIdOf(ctx, client, write.ownerId);
          await client.post('tasks', {
            personId: write.personId,
            assignedUserId,
            name,
            type: 'Follow Up',
            dueDateTime: write.dueAt,
          });
          return;
        }
      }
    },
    parked(sql, item, reason) {
      if (item.taskId === null) return;
      const action = String(item.payload.action ?? 'write');
      const open = sql
        .select({ ts: escalations.ts })
        .from(escalations)
        .where(and(eq(escalations.taskId, item.taskId), isNull(escalations.resolvedAt)))
        .get();
      sql
        .insert(notifications)
        .values({
          taskId: item.taskId,
          kind: 'crm_write_failed',
          recipient: ctx.config.team.leaders_channel,
          threadTs: open?.ts ?? null,
          outboxId: item.id,
          createdAt: ctx.clock.now(),
        })
        .run();
      recordEvent(sql, {
        taskId: item.taskId,
        kind: 'crm_write_failed',
        at: ctx.clock.now(),
        detail: { system: 'Follow Up Boss', action, outboxId: item.id, error: reason },
      });
    },
  };
}
