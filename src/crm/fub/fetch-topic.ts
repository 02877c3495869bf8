import { eq, sql as raw } from 'drizzle-orm';
import type { FollowUpBossConfig } from '../../config/crm-schema.js';
import { resolveSource } from '../../core/sources.js';
import { crmEvents, tasks } from '../../db/schema.js';
import { type DispatchContext, type Sql, writeTransaction } from '../../dispatch/context.js';
import { escalateTask } from '../../dispatch/escalate.js';
import { receiveTask, storeTask } from '../../dispatch/receive.js';
import { type OutboxTopic, PermanentFailure } from '../../engine/outbox/outbox.js';
import { readPostedLead } from '../../intake/read-lead.js';
import type { FubClient } from './client.js';
import { type FubPerson, fubPersonKey, fubPersonSchema, personToLeadBody } from './person.js';
import { FUB_FETCH_TOPIC } from './webhook-handler.js';
import { queueFubLateMerge } from './write-back.js';

export interface FetchTopicOptions {
  client: FubClient;
  /** Read at each delivery: a reload of dispatch.yml may change the section. */
  config: () => FollowUpBossConfig;
  /** engine.taskReceived: routes the new task and posts its DM. */
  taskReceived: (taskId: number) => void;
}

/**
 * The outbox topic that turns a stored FUB webhook into a task: fetch the person, apply the
 * already-assigned policy, store the task (idempotent on the FUB person) and dispatch it.
 */
export function fubFetchTopic(ctx: DispatchContext, options: FetchTopicOptions): OutboxTopic {
  const { client } = options;
  const outcome = (crmEventId: unknown, text: string) => outcomeIn(ctx.db, crmEventId, text);
  return {
    topic: FUB_FETCH_TOPIC,
    async deliver(item) {
      const personId = Number(item.payload.personId);
      if (!Number.isInteger(personId) || personId <= 0)
        throw new PermanentFailure('no person id in the item');
      const key = fubPersonKey(personId);
      const known = ctx.db.select({ id: tasks.id }).from(tasks).where(eq(tasks.crmPerson, key)).get();
      if (known) {
        outcome(item.payload.crmEventId, `person ${personId}: already task #${known.id}`);
        return;
      }
      const parsed = fubPersonSchema.safeParse(await client.get(`people/${personId}`));
      if (!parsed.success) throw new PermanentFailure('Follow Up Boss sent a person of an unexpected shape');
      const person = parsed.data;
      const config = options.config();
      if (person.assignedUserId && config.already_assigned === 'leave') {
        outcome(
          item.payload.crmEventId,
          `person ${personId}: left, already assigned in Follow Up Boss to user ${person.assignedUserId}`,
        );
        ctx.log.info('Follow Up Boss person already assigned there; left to FUB', { personId });
        return;
      }
      const now = ctx.clock.now();
      const created = createdAt(person);
      const age = created ? now.getTime() - created.getTime() : undefined;
      if (
        item.payload.event !== 'peopleCreated' &&
        age !== undefined &&
        age > config.new_person_window * 1000
      ) {
        outcome(
          item.payload.crmEventId,
          `person ${personId}: left, created in Follow Up Boss ${created?.toISOString()}, before crm.followupboss.new_person_window`,
        );
        ctx.log.info('Follow Up Boss person is an old contact; no task', { personId });
        return;
      }
      const lead = readablePerson(ctx, person, config);
      const result = receiveTask(ctx, lead, { crmPerson: key });
      outcome(item.payload.crmEventId, `person ${personId}: task #${result.id}`);
      if (result.duplicate) return;
      ctx.log.info('lead received from Follow Up Boss', { taskId: result.id, personId });
      options.taskReceived(result.id);
      // Routing may have merged it into a lead already claimed: FUB must still learn who has it.
      writeTransaction(ctx.db, (tx) => queueFubLateMerge(tx, ctx, result.id, ctx.clock.now()));
    },
    /**
     * FUB never gave us the person (gone, refused, or down for every retry): the lead is still
     * real, so it becomes a task with nothing but its FUB id and goes to the leaders for manual
     * review, saying why. Nobody learns of a lost lead from a log line.
     */
    parked(sql, item, reason) {
      const personId = Number(item.payload.personId);
      if (!Number.isInteger(personId) || personId <= 0) return;
      const key = fubPersonKey(personId);
      if (sql.select({ id: tasks.id }).from(tasks).where(eq(tasks.crmPerson, key)).get()) return;
      const now = ctx.clock.now();
      const stored = storeTask(
        sql,
        now,
        {
          source: 'follow up boss',
          externalId: key,
          payload: { personId },
          notes: [{ field: 'person', problem: `could not be fetched from Follow Up Boss (${reason})` }],
        },
        { crmPerson: key },
      );
      if (stored.duplicate) return;
      escalateTask(sql, {
        taskId: stored.id,
        reason: `Follow Up Boss person ${personId} could not be fetched: open them in Follow Up Boss and assign by hand`,
        manualReview: true,
        now,
        from: ['received'],
      });
      outcomeIn(
        sql,
        item.payload.crmEventId,
        `person ${personId}: not fetched, task #${stored.id} escalated`,
      );
    },
  };
}

/**
 * The person read as intake reads a lead: a field FUB holds that we cannot read (a phone stored as
 * "555-0107") is kept as sent and flagged on the DM, and the person's source goes through the
 * configured names and aliases, so "Zillow Premier Agent" in FUB routes as `zillow`.
 */
function readablePerson(ctx: DispatchContext, person: FubPerson, config: FollowUpBossConfig) {
  const now = ctx.clock.now();
  const body = personToLeadBody(person, config);
  // A source the config does not map would send every FUB person to manual review before any rule
  // (a pond or a tag) is tried: FUB people are leads, so they get the configured type instead.
  if (typeof body.source === 'string' && !resolveSource(ctx.config, body.source).settings?.type)
    body.type = config.default_type;
  const read = readPostedLead(ctx.config, body, now);
  // personToLeadBody always names a source and an id, so this is a person FUB sent broken.
  if (!read.ok) throw new PermanentFailure('Follow Up Boss person could not be read as a lead');
  return read.lead;
}

/** FUB's `created`, when it is a time we can read. */
function createdAt(person: FubPerson): Date | undefined {
  if (!person.created) return undefined;
  const at = new Date(person.created);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

/** What became of a person, on the webhook's row; a split or multi-person event collects one line per person. */
function outcomeIn(sql: Sql, crmEventId: unknown, text: string): void {
  if (typeof crmEventId !== 'number') return;
  sql
    .update(crmEvents)
    .set({ outcome: raw`coalesce(${crmEvents.outcome} || '; ', '') || ${text}` })
    .where(eq(crmEvents.id, crmEventId))
    .run();
}
