import { and, asc, eq, gt } from 'drizzle-orm';
import type { DispatchConfig } from '../config/dispatch-schema.js';
import { agents, offers, tasks } from '../db/schema.js';
import type { Sql } from '../dispatch/context.js';
import type { EscalationView } from './blocks/escalation-message.js';
import type { OfferView, Successor } from './blocks/offer-message.js';

/** Loads everything an offer DM shows; undefined when the rows are gone. */
export function loadOfferView(
  sql: Sql,
  config: DispatchConfig,
  offerId: number,
  now: Date,
): OfferView | undefined {
  const row = sql
    .select({ offer: offers, task: tasks, agent: agents })
    .from(offers)
    .innerJoin(tasks, eq(tasks.id, offers.taskId))
    .innerJoin(agents, eq(agents.id, offers.agentId))
    .where(eq(offers.id, offerId))
    .get();
  if (!row) return undefined;
  return {
    ...row,
    zone: row.agent.timezone ?? config.team.timezone,
    successor: successorOf(sql, row.offer.taskId, row.offer.id, row.task.status),
    now,
  };
}

function successorOf(sql: Sql, taskId: number, offerId: number, status: string): Successor {
  const next = sql
    .select({ name: agents.name })
    .from(offers)
    .innerJoin(agents, eq(agents.id, offers.agentId))
    .where(and(eq(offers.taskId, taskId), gt(offers.id, offerId)))
    .orderBy(asc(offers.id))
    .get();
  if (next) return { kind: 'agent', name: next.name };
  return status === 'escalated' ? { kind: 'leaders' } : undefined;
}

export function loadEscalationView(
  sql: Sql,
  config: DispatchConfig,
  taskId: number,
  now: Date,
): EscalationView | undefined {
  const task = sql.select().from(tasks).where(eq(tasks.id, taskId)).get();
  if (!task) return undefined;
  const tried = sql
    .select({ offer: offers, agent: agents })
    .from(offers)
    .innerJoin(agents, eq(agents.id, offers.agentId))
    .where(eq(offers.taskId, taskId))
    .orderBy(asc(offers.id))
    .all();
  return { task, tried, zone: config.team.timezone, now };
}
