import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { ChainEntry } from '../core/route.js';
import type { SlaSpec } from '../core/sla.js';

const ms = (name: string) => integer(name, { mode: 'timestamp_ms' });

/** The roster, synced from dispatch.yml on every start; rows are never deleted so history keeps its names. */
export const agents = sqliteTable('agents', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  email: text('email'),
  roles: text('roles', { mode: 'json' }).$type<string[]>().notNull(),
  zips: text('zips', { mode: 'json' }).$type<string[]>().notNull(),
  priceMin: integer('price_min'),
  priceMax: integer('price_max'),
  weight: integer('weight').notNull().default(1),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  inConfig: integer('in_config', { mode: 'boolean' }).notNull().default(true),
  timezone: text('timezone'),
  syncedAt: ms('synced_at').notNull(),
});

export type { ChainEntry } from '../core/route.js';
export type { SlaSpec };

export const tasks = sqliteTable(
  'tasks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    source: text('source').notNull(),
    externalId: text('external_id').notNull(),
    type: text('type').notNull(),
    status: text('status', { enum: ['received', 'offered', 'claimed', 'escalated'] }).notNull(),
    firstName: text('first_name'),
    lastName: text('last_name'),
    email: text('email'),
    phone: text('phone'),
    street: text('street'),
    city: text('city'),
    state: text('state'),
    zip: text('zip'),
    price: integer('price'),
    message: text('message'),
    referringAgent: text('referring_agent'),
    tags: text('tags', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
    payload: text('payload', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    receivedAt: ms('received_at').notNull(),
    createdAt: ms('created_at').notNull(),
    // Decisions frozen when routed, so a config edit never changes a task in flight.
    ruleName: text('rule_name'),
    chain: text('chain', { mode: 'json' }).$type<ChainEntry[]>().notNull().default(sql`'[]'`),
    sla: text('sla', { mode: 'json' }).$type<SlaSpec>(),
    liveOfferId: integer('live_offer_id'),
    ownerId: text('owner_id').references(() => agents.id),
    claimedAt: ms('claimed_at'),
    manualReview: integer('manual_review', { mode: 'boolean' }).notNull().default(false),
    reviewReason: text('review_reason'),
    escalatedAt: ms('escalated_at'),
    escalationChannel: text('escalation_channel'),
    escalationTs: text('escalation_ts'),
    escalationVersion: integer('escalation_version').notNull().default(0),
    escalationRenderedVersion: integer('escalation_rendered_version').notNull().default(0),
    escalationRetryAt: ms('escalation_retry_at'),
    escalationAttempts: integer('escalation_attempts').notNull().default(0),
  },
  (t) => [
    uniqueIndex('tasks_source_external_id').on(t.source, t.externalId),
    index('tasks_status').on(t.status),
    // Only the few escalations whose post is behind their row are indexed: the delivery scan stays small.
    index('tasks_escalation_pending').on(t.id).where(sql`escalation_rendered_version < escalation_version`),
  ],
);

export const offers = sqliteTable(
  'offers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    taskId: integer('task_id')
      .notNull()
      .references(() => tasks.id),
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id),
    position: integer('position').notNull(),
    status: text('status', { enum: ['live', 'claimed', 'passed', 'expired', 'failed'] }).notNull(),
    reason: text('reason').notNull(),
    offeredAt: ms('offered_at').notNull(),
    deadline: ms('deadline').notNull(),
    resolvedAt: ms('resolved_at'),
    passReason: text('pass_reason'),
    // The DM is a view of this row: `version` bumps on every change, the notifier renders until it catches up.
    dmChannel: text('dm_channel'),
    dmTs: text('dm_ts'),
    dmPostedAt: ms('dm_posted_at'),
    version: integer('version').notNull().default(1),
    renderedVersion: integer('rendered_version').notNull().default(0),
    attempts: integer('attempts').notNull().default(0),
    retryAt: ms('retry_at'),
  },
  (t) => [
    index('offers_task').on(t.taskId),
    // At most one live offer per task, enforced by the database itself.
    uniqueIndex('offers_one_live_per_task').on(t.taskId).where(sql`status = 'live'`),
    index('offers_pending_render').on(t.id).where(sql`rendered_version < version`),
  ],
);

export const events = sqliteTable(
  'events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    taskId: integer('task_id')
      .notNull()
      .references(() => tasks.id),
    offerId: integer('offer_id').references(() => offers.id),
    kind: text('kind').notNull(),
    actor: text('actor').notNull(),
    at: ms('at').notNull(),
    detail: text('detail', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
  },
  (t) => [index('events_task').on(t.taskId, t.at)],
);

/** Smooth weighted round-robin state per rule: persisted so fairness survives restarts and bursts. */
export const roundRobin = sqliteTable(
  'round_robin',
  {
    ruleName: text('rule_name').notNull(),
    agentId: text('agent_id').notNull(),
    current: integer('current').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.ruleName, t.agentId] })],
);

export const heartbeats = sqliteTable('heartbeats', {
  name: text('name').primaryKey(),
  at: ms('at').notNull(),
  detail: text('detail'),
});

export type TaskRow = typeof tasks.$inferSelect;
export type OfferRow = typeof offers.$inferSelect;
export type AgentRow = typeof agents.$inferSelect;
export type EventRow = typeof events.$inferSelect;
