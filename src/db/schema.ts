import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { EVENT_KINDS, type EventBody, REPORT_KINDS_SQL } from '../core/events.js';
import type { IntakeNote } from '../core/lead-fields.js';
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
  cities: text('cities', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
  /** Normalised language names ("spanish"), matched against a lead's `language`. */
  languages: text('languages', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
  priceMin: integer('price_min'),
  priceMax: integer('price_max'),
  weight: integer('weight').notNull().default(1),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  inConfig: integer('in_config', { mode: 'boolean' }).notNull().default(true),
  timezone: text('timezone'),
  /** The zone Slack's users.info reports; used when dispatch.yml gives the agent none. */
  slackTimezone: text('slack_timezone'),
  syncedAt: ms('synced_at').notNull(),
  /** Set when they first open the app's Home tab: from then on it is kept up to date. */
  homeOpenedAt: ms('home_opened_at'),
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
    status: text('status', {
      enum: ['received', 'held', 'offered', 'claimed', 'escalated', 'merged'],
    }).notNull(),
    firstName: text('first_name'),
    lastName: text('last_name'),
    email: text('email'),
    phone: text('phone'),
    street: text('street'),
    city: text('city'),
    state: text('state'),
    zip: text('zip'),
    price: integer('price'),
    /** The lower end of a price band ("$400-450k"); `price` is the upper end, which routing uses. */
    priceLow: integer('price_low'),
    message: text('message'),
    referringAgent: text('referring_agent'),
    /** Normalised language name ("spanish"), for skill matching. */
    language: text('language'),
    tags: text('tags', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
    payload: text('payload', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    receivedAt: ms('received_at').notNull(),
    createdAt: ms('created_at').notNull(),
    // Decisions frozen when routed, so a config edit never changes a task in flight.
    ruleName: text('rule_name'),
    chain: text('chain', { mode: 'json' }).$type<ChainEntry[]>().notNull().default(sql`'[]'`),
    sla: text('sla', { mode: 'json' }).$type<SlaSpec>(),
    liveOfferId: integer('live_offer_id'),
    /** After hours with no cover: routed again at this time, and its SLA starts then. */
    heldUntil: ms('held_until'),
    ownerId: text('owner_id').references(() => agents.id),
    claimedAt: ms('claimed_at'),
    /** Flagged for a person: no rule matched, it could not be classified, or its rule says so. */
    manualReview: integer('manual_review', { mode: 'boolean' }).notNull().default(false),
    // The no-contact timer: the SLA is frozen from the rule at routing time.
    contactSlaSeconds: integer('contact_sla_seconds'),
    contactDueAt: ms('contact_due_at'),
    contactRemindedAt: ms('contact_reminded_at'),
    contactedAt: ms('contacted_at'),
    /** The no-contact timer's clock (`business_hours` runs only inside team.business_hours); null: always. */
    contactClock: text('contact_clock', { enum: ['always', 'business_hours'] }),
    /** What the timer's second lapse does: `next` offers the next candidate, null or `leaders` escalates. */
    contactThen: text('contact_then', { enum: ['leaders', 'next'] }),
    /** The same person arrived again within the duplicate window: this row is a note on that task. */
    duplicateOf: integer('duplicate_of'),
    /** Fields kept as sent because they could not be read, and warnings (no phone or email). */
    intakeNotes: text('intake_notes', { mode: 'json' }).$type<IntakeNote[]>().notNull().default(sql`'[]'`),
    /** The CRM record this task stands for (`fub:123`): one task per CRM person, whatever its source says. */
    crmPerson: text('crm_person'),
    /**
     * When Slack confirmed the first offer DM (the end of "time to dispatch"), kept by the trigger
     * `tasks_first_dm` as offers are posted, so a report reads it from tasks_report.
     */
    firstDmAt: ms('first_dm_at'),
    /** Held because its source was paused (`/dispatch pause source`): that pause's row. */
    pauseId: integer('pause_id'),
    /**
     * When the lead's contact details were removed (team.retention, or `lead-dispatch forget`):
     * what the reports read stays; see src/privacy/contact-columns.ts for what goes.
     */
    detailsRemovedAt: ms('details_removed_at'),
  },
  (t) => [
    uniqueIndex('tasks_source_external_id').on(t.source, t.externalId),
    // Phone (E.164) and email (lower case) are normalised at intake, so equality finds the same person.
    index('tasks_phone').on(t.phone, t.receivedAt).where(sql`phone is not null`),
    index('tasks_email').on(t.email, t.receivedAt).where(sql`email is not null`),
    index('tasks_status').on(t.status),
    index('tasks_held').on(t.heldUntil).where(sql`status = 'held'`),
    // Scale (issue 10): each of these turns a query that ran on every lead or every sweep from a
    // walk over all tasks into a lookup whose cost follows the rows it returns, not the table size.
    // Repeats merged into a task, read for every offer DM: few tasks have any, so only those are indexed.
    index('tasks_duplicate_of').on(t.duplicateOf).where(sql`duplicate_of is not null`),
    // Caps' "claims today" (`claimed_at >= midnight`), covering so the count never reads a task row.
    index('tasks_claimed_at').on(t.claimedAt, t.ownerId).where(sql`claimed_at is not null`),
    // The no-contact timers and caps' "unworked" count: only claims whose timer still runs are
    // indexed. Status leads, so `status = ? and contact_due_at <= ?` ranks it above tasks_status,
    // which for 'claimed' holds nearly every task ever received.
    index('tasks_contact_due')
      .on(t.status, t.contactDueAt, t.ownerId)
      .where(sql`contacted_at is null and contact_due_at is not null`),
    // App Home's "leads you own", per agent.
    index('tasks_owner').on(t.ownerId, t.status).where(sql`owner_id is not null`),
    // A repeated or split CRM delivery, or a person whose source changed, never makes a second task.
    uniqueIndex('tasks_crm_person').on(t.crmPerson).where(sql`crm_person is not null`),
    // Reports: the leads that arrived in a period, by a range read of an index that holds every
    // column a report reads, so a 30-day report never reads the wide task rows (payload, message).
    index('tasks_report').on(
      t.createdAt,
      t.source,
      t.type,
      t.ruleName,
      t.status,
      t.manualReview,
      t.intakeNotes,
      t.firstDmAt,
    ),
    // The nightly retention job: the oldest tasks still holding contact details, and only those.
    index('tasks_details_kept').on(t.createdAt).where(sql`details_removed_at is null`),
  ],
);

export const offers = sqliteTable(
  'offers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    taskId: integer('task_id')
      .notNull()
      .references(() => tasks.id),
    /** Null while a first-to-claim broadcast is live; set to whoever claims it. */
    agentId: text('agent_id').references(() => agents.id),
    /** First-to-claim: every member who was offered it at once; any of them may claim. */
    pool: text('pool', { mode: 'json' }).$type<string[]>(),
    /** A broadcast posted in this channel instead of a DM to each member. */
    poolChannel: text('pool_channel'),
    position: integer('position').notNull(),
    status: text('status', {
      // reassigned: a leader moved the live offer to someone else before it was answered.
      enum: ['live', 'claimed', 'passed', 'expired', 'failed', 'withdrawn', 'reassigned'],
    }).notNull(),
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
    /** A post to Slack was started at this time and its outcome is not known yet: look before posting again. */
    postAttemptAt: ms('post_attempt_at'),
    /** The rule's pond: a first-to-claim offer in the pond channel that no deadline ends (see pond_posts). */
    pond: integer('pond', { mode: 'boolean' }).notNull().default(false),
    /** A claim that moved on to the next candidate because it was not marked contacted in time. */
    idleAt: ms('idle_at'),
  },
  (t) => [
    index('offers_task').on(t.taskId),
    // At most one live offer per task, enforced by the database itself.
    uniqueIndex('offers_one_live_per_task').on(t.taskId).where(sql`status = 'live'`),
    index('offers_pending_render').on(t.taskId, t.id).where(sql`rendered_version < version`),
    // The sweeper's "which offers are past their deadline?" and its wake-up: live offers only.
    index('offers_live_deadline').on(t.deadline).where(sql`status = 'live'`),
    // Live offers per agent (App Home, caps); `agent_id is null` finds the unclaimed broadcasts.
    // (status in the key too, so it outranks offers_agent_offered, which holds every offer ever made.)
    index('offers_live_agent').on(t.agentId, t.status).where(sql`status = 'live'`),
    // An agent's offers by time (App Home's week) without walking everyone's.
    index('offers_agent_offered').on(t.agentId, t.offeredAt).where(sql`agent_id is not null`),
    // First-to-claim offers by time: a pool member's week reads only the broadcasts of that week.
    index('offers_pool_offered').on(t.offeredAt).where(sql`pool is not null`),
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
    // The kinds and their details are typed in core/events.ts; a row is read through its schemas
    // (dispatch/events.ts readEvent), since a row from an older version may not fit them.
    kind: text('kind', { enum: EVENT_KINDS }).notNull(),
    actor: text('actor').notNull(),
    at: ms('at').notNull(),
    detail: text('detail', { mode: 'json' }).$type<EventBody['detail']>().notNull().default(sql`'{}'`),
  },
  (t) => [
    index('events_task').on(t.taskId, t.at),
    // Reports read the report kinds of a period's events in id order: a partial covering index
    // walked by id holds just those (not `received`, `routed`'s chains, `skipped`, …).
    index('events_report')
      .on(t.id, t.taskId, t.kind, t.actor, t.at, t.offerId, t.detail)
      .where(sql.raw(REPORT_KINDS_SQL)),
  ],
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

/**
 * One post in the leaders' channel, from the moment a task needs a person until a leader acts.
 * A task escalated again later gets a new row and a new post; the old one keeps saying who did what.
 */
export const escalations = sqliteTable(
  'escalations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    taskId: integer('task_id')
      .notNull()
      .references(() => tasks.id),
    reason: text('reason').notNull(),
    createdAt: ms('created_at').notNull(),
    channel: text('channel'),
    ts: text('ts'),
    version: integer('version').notNull().default(1),
    renderedVersion: integer('rendered_version').notNull().default(0),
    attempts: integer('attempts').notNull().default(0),
    retryAt: ms('retry_at'),
    /** A post to Slack was started at this time and its outcome is not known yet: look before posting again. */
    postAttemptAt: ms('post_attempt_at'),
    /** When the leaders were last told: the post, then each threaded reminder. */
    announcedAt: ms('announced_at'),
    resolvedAt: ms('resolved_at'),
    resolvedBy: text('resolved_by'),
    /** `pond`: someone in the rule's pool claimed it from the pond before a leader acted. */
    resolution: text('resolution', { enum: ['assigned', 'taken', 'returned', 'pond'] }),
    assignee: text('assignee'),
  },
  (t) => [
    uniqueIndex('escalations_one_open_per_task').on(t.taskId).where(sql`resolved_at is null`),
    // A pond post names what the leaders did with the task's latest escalation.
    index('escalations_task').on(t.taskId, t.id),
    // Re-announcing: open escalations by when the leaders were last told.
    index('escalations_open_announced').on(t.announcedAt).where(sql`resolved_at is null`),
    // Only the few rows whose post is behind are indexed, so the delivery scan stays small.
    index('escalations_pending_render').on(t.taskId, t.id).where(sql`rendered_version < version`),
  ],
);

/**
 * One-off messages (threaded re-announcements, contact reminders): an outbox, so a crash or a
 * Slack outage delays them and never loses them. Their text is rendered from rows when sent.
 */
export const notifications = sqliteTable(
  'notifications',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    taskId: integer('task_id')
      .notNull()
      .references(() => tasks.id),
    kind: text('kind', {
      enum: [
        'escalation_reminder',
        'contact_reminder',
        'duplicate_note',
        'crm_write_failed',
        'lead_texted',
        'pond_reminder',
      ],
    }).notNull(),
    /** lead_texted: what the lead texted to our number, shown to whoever holds the lead. */
    text: text('text'),
    /** crm_write_failed: the dead outbox item the note is about, so its text can say what failed. */
    outboxId: integer('outbox_id'),
    /** A user id (DM) or a channel id. */
    recipient: text('recipient').notNull(),
    threadTs: text('thread_ts'),
    createdAt: ms('created_at').notNull(),
    sentAt: ms('sent_at'),
    channel: text('channel'),
    ts: text('ts'),
    // Versioned like every other message, so one sync step serves them all; a reminder is posted once.
    version: integer('version').notNull().default(1),
    renderedVersion: integer('rendered_version').notNull().default(0),
    attempts: integer('attempts').notNull().default(0),
    retryAt: ms('retry_at'),
    /** A post to Slack was started at this time and its outcome is not known yet: look before posting again. */
    postAttemptAt: ms('post_attempt_at'),
  },
  (t) => [
    index('notifications_pending_render').on(t.taskId, t.id).where(sql`rendered_version < version`),
    // `outbox retry` finds the failure notes of the items it revives, to re-render them.
    index('notifications_outbox').on(t.outboxId).where(sql`outbox_id is not null`),
  ],
);

/**
 * A lead in its rule's pond: one post in the pond channel that anyone in the rule's pool may claim
 * from (the pond offer, `offers.pond`), reminded in its thread every `remind_every` and escalated to
 * the leaders after `escalate_after`, both frozen here when it fell in. Closed when claimed or when
 * a leader acts on its escalation; the post then says who took it.
 */
export const pondPosts = sqliteTable(
  'pond_posts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    taskId: integer('task_id')
      .notNull()
      .references(() => tasks.id),
    offerId: integer('offer_id')
      .notNull()
      .references(() => offers.id),
    /** The pond channel (`C…`). */
    recipient: text('recipient').notNull(),
    createdAt: ms('created_at').notNull(),
    remindEverySeconds: integer('remind_every_seconds').notNull(),
    /** The next threaded reminder; moves on by `remind_every` each time one is queued. */
    remindAt: ms('remind_at').notNull(),
    escalateAt: ms('escalate_at').notNull(),
    escalatedAt: ms('escalated_at'),
    closedAt: ms('closed_at'),
    channel: text('channel'),
    ts: text('ts'),
    postedAt: ms('posted_at'),
    version: integer('version').notNull().default(1),
    renderedVersion: integer('rendered_version').notNull().default(0),
    attempts: integer('attempts').notNull().default(0),
    retryAt: ms('retry_at'),
    /** A post to Slack was started at this time and its outcome is not known yet: look before posting again. */
    postAttemptAt: ms('post_attempt_at'),
  },
  (t) => [
    uniqueIndex('pond_posts_offer').on(t.offerId),
    index('pond_posts_task').on(t.taskId),
    // The sweeper's two timers read only open ponds.
    index('pond_posts_open_remind').on(t.remindAt).where(sql`closed_at is null`),
    index('pond_posts_open_escalate').on(t.escalateAt).where(sql`closed_at is null and escalated_at is null`),
    index('pond_posts_pending_render').on(t.taskId, t.id).where(sql`rendered_version < version`),
  ],
);

/**
 * A message that shows a task to someone who is not its offeree: a watcher's DM or cc (rule
 * `notify`), or one copy of a first-to-claim broadcast. Triggers (migration 0004) bump `version`
 * whenever the task or its offer changes, so every copy is re-rendered and none is forgotten.
 */
export const taskViews = sqliteTable(
  'task_views',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    taskId: integer('task_id')
      .notNull()
      .references(() => tasks.id),
    /** Set for broadcast copies: the offer they let members claim. */
    offerId: integer('offer_id').references(() => offers.id),
    kind: text('kind', { enum: ['watcher', 'broadcast'] }).notNull(),
    /** A user id (DM) or a channel id. */
    recipient: text('recipient').notNull(),
    via: text('via', { enum: ['dm', 'cc', 'channel'] }).notNull(),
    channel: text('channel'),
    ts: text('ts'),
    createdAt: ms('created_at').notNull(),
    version: integer('version').notNull().default(1),
    renderedVersion: integer('rendered_version').notNull().default(0),
    attempts: integer('attempts').notNull().default(0),
    retryAt: ms('retry_at'),
    /** A post to Slack was started at this time and its outcome is not known yet: look before posting again. */
    postAttemptAt: ms('post_attempt_at'),
  },
  (t) => [
    uniqueIndex('task_views_one_per_recipient').on(t.taskId, t.kind, t.recipient, t.offerId),
    // A claim on a broadcast finds the winner's copy by offer.
    index('task_views_offer').on(t.offerId, t.recipient).where(sql`offer_id is not null`),
    index('task_views_pending_render').on(t.taskId, t.id).where(sql`rendered_version < version`),
  ],
);

/**
 * A time-bounded absence: `/away`, a leader setting someone away, or (later) a calendar. Never a
 * boolean: a window ends by itself, and `/back` closes it early by setting `endedAt`.
 */
export const awayWindows = sqliteTable(
  'away_windows',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id),
    startsAt: ms('starts_at').notNull(),
    /** Null: until they say /back. */
    endsAt: ms('ends_at'),
    endedAt: ms('ended_at'),
    reason: text('reason'),
    setBy: text('set_by').notNull(),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [index('away_windows_open').on(t.agentId).where(sql`ended_at is null`)],
);

/**
 * What the optional signals last said: Slack DND, a Slack status that means away, calendar busy
 * time. Each refresh replaces one agent's rows for one source in a transaction, so routing reads a
 * consistent picture and a feed that fails keeps its last good copy.
 */
export const availabilitySignals = sqliteTable(
  'availability_signals',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id),
    source: text('source', { enum: ['dnd', 'status', 'calendar'] }).notNull(),
    startsAt: ms('starts_at').notNull(),
    endsAt: ms('ends_at'),
    reason: text('reason'),
    fetchedAt: ms('fetched_at').notNull(),
  },
  (t) => [index('availability_signals_agent').on(t.agentId, t.source)],
);

/** When each agent's profile (Slack) and calendar were last asked, and how that went. */
export const signalChecks = sqliteTable(
  'signal_checks',
  {
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id),
    source: text('source', { enum: ['slack', 'calendar'] }).notNull(),
    checkedAt: ms('checked_at').notNull(),
    okAt: ms('ok_at'),
    error: text('error'),
  },
  (t) => [primaryKey({ columns: [t.agentId, t.source] })],
);

/**
 * Deliveries to systems other than Slack (CRM write-back, outbound webhooks, replies to leads):
 * written in the same transaction as the change that caused them, delivered at least once, in
 * order per task and topic, with backoff; an item that keeps failing is parked as `dead`.
 */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Null for items that belong to no task (a test ping, say); ordering is then by id alone. */
    taskId: integer('task_id').references(() => tasks.id),
    /** Which outside system and destination: `crm:followupboss`, `webhook:zapier`, `sms`, … */
    topic: text('topic').notNull(),
    payload: text('payload', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    status: text('status', { enum: ['pending', 'delivered', 'dead'] })
      .notNull()
      .default('pending'),
    createdAt: ms('created_at').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ms('next_attempt_at').notNull(),
    lastError: text('last_error'),
    deliveredAt: ms('delivered_at'),
    deadAt: ms('dead_at'),
  },
  (t) => [
    index('outbox_due').on(t.nextAttemptAt).where(sql`status = 'pending'`),
    index('outbox_task_order').on(t.taskId, t.topic, t.id).where(sql`status = 'pending'`),
    index('outbox_dead').on(t.deadAt).where(sql`status = 'dead'`),
  ],
);

/**
 * Webhooks received from a CRM, stored before we answer: unique on the CRM's event id, so a
 * replayed or re-delivered event stores nothing new. `outcome` says what became of it (for events
 * that made no task, such as a person the CRM had already assigned, this row is the record).
 */
export const crmEvents = sqliteTable(
  'crm_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    system: text('system').notNull(),
    eventId: text('event_id').notNull(),
    event: text('event').notNull(),
    resourceIds: text('resource_ids', { mode: 'json' }).$type<number[]>().notNull(),
    eventCreated: ms('event_created').notNull(),
    receivedAt: ms('received_at').notNull(),
    outcome: text('outcome'),
  },
  (t) => [uniqueIndex('crm_events_event_id').on(t.system, t.eventId)],
);

/** A CRM's user id for an agent's email, looked up once (FUB's `GET /users?email=`) and kept. */
export const crmUsers = sqliteTable(
  'crm_users',
  {
    system: text('system').notNull(),
    email: text('email').notNull(),
    userId: integer('user_id').notNull(),
    fetchedAt: ms('fetched_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.system, t.email] })],
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
export type NotificationRow = typeof notifications.$inferSelect;
export type EscalationRow = typeof escalations.$inferSelect;
export type AwayWindowRow = typeof awayWindows.$inferSelect;
export type SignalRow = typeof availabilitySignals.$inferSelect;
export type TaskViewRow = typeof taskViews.$inferSelect;
export type PondPostRow = typeof pondPosts.$inferSelect;
export type OutboxRow = typeof outbox.$inferSelect;
export type CrmEventRow = typeof crmEvents.$inferSelect;

/**
 * How far each outbound webhook has read the `events` table: the feeder enqueues one outbox item
 * per matching event after `last_event_id` and moves it on in the same transaction, so an event is
 * queued exactly once however often the feeder runs or the app restarts.
 */
export const webhookCursors = sqliteTable('webhook_cursors', {
  name: text('name').primaryKey(),
  lastEventId: integer('last_event_id').notNull(),
});

/** Every state of a reply to a lead, in the order it moves through them (see `lead_replies.status`). */
export const REPLY_STATUSES = [
  'planned',
  'waiting',
  'sending',
  'queued',
  'sent',
  'delivered',
  'failed',
  'undeliverable',
  'skipped',
] as const;

/**
 * An automatic text or email to a lead (a rule's `reply:`): at most one per task and channel, so
 * a retry, a restart or a second claim can never send a second. The row is the reply's state;
 * the outbox item `reply:<channel>` (payload `{ replyId }`) is what delivers it. The body is
 * rendered at send time and never stored or logged.
 */
export const leadReplies = sqliteTable(
  'lead_replies',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    taskId: integer('task_id')
      .notNull()
      .references(() => tasks.id),
    channel: text('channel', { enum: ['sms', 'email'] }).notNull(),
    /** The rule whose `reply:` asked for it, and on which moment. */
    rule: text('rule').notNull(),
    trigger: text('trigger', { enum: ['arrival', 'claim'] }).notNull(),
    /** The agent it names (claim-time replies). */
    agentId: text('agent_id'),
    /** E.164 phone or email address, as it was when the reply was planned. */
    address: text('address').notNull(),
    /**
     * planned → waiting (quiet hours) → sending (handed to the provider, outcome unknown) →
     * queued / sent / delivered, or failed / undeliverable; skipped (opted out, quiet hours with
     * email only) when it was decided not to send.
     */
    status: text('status', { enum: REPLY_STATUSES }).notNull().default('planned'),
    /** Twilio's message SID or the email's Message-ID. */
    providerId: text('provider_id'),
    /** Why it failed or was skipped: a provider code ("30003") or a word ("opted_out"). */
    reason: text('reason'),
    createdAt: ms('created_at').notNull(),
    /** When a waiting reply goes out (the end of the lead's quiet hours). */
    sendAt: ms('send_at'),
    sentAt: ms('sent_at'),
    statusAt: ms('status_at'),
  },
  (t) => [
    uniqueIndex('lead_replies_one_per_channel').on(t.taskId, t.channel),
    index('lead_replies_provider').on(t.providerId).where(sql`provider_id is not null`),
  ],
);

/**
 * Phones that texted STOP (or another opt-out word) to our number: never texted again until they
 * text START. Kept for good, as carriers and the TCPA expect.
 */
export const smsOptOuts = sqliteTable('sms_opt_outs', {
  phone: text('phone').primaryKey(),
  keyword: text('keyword').notNull(),
  at: ms('at').notNull(),
});

export type LeadReplyRow = typeof leadReplies.$inferSelect;
/**
 * One weekly digest per period: the row is the guard. The engine inserts it (unique on the
 * period's start) in the same transaction as the outbox item that posts it, so a restart or a
 * Slack outage delays the digest and never sends it twice; `ts` is set once Slack has it.
 */
export const digests = sqliteTable('digests', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** The scheduled moment this digest is for; unique, so a period has one digest. */
  periodStart: ms('period_start').notNull().unique(),
  /** The week it reports on: [since, until). */
  since: ms('since').notNull(),
  until: ms('until').notNull(),
  channel: text('channel').notNull(),
  createdAt: ms('created_at').notNull(),
  /**
   * The period that was already over when the digest was first configured: recorded so the next
   * one is owed, but never sent (a new install does not post about a week it did not watch).
   */
  skipped: integer('skipped', { mode: 'boolean' }).notNull().default(false),
  /** A post was started at this time and its outcome is not known yet: look before posting again. */
  postAttemptAt: ms('post_attempt_at'),
  postedAt: ms('posted_at'),
  ts: text('ts'),
  /** The chart's file id once uploaded, so a retried post does not upload it again. */
  fileId: text('file_id'),
});

export type DigestRow = typeof digests.$inferSelect;

/**
 * One lead's timeline reduced to what the reports read (reports/lead-facts.ts), kept by the
 * engine's report indexer as events arrive, so a month's report reads one row a lead instead of
 * every event. Derived data: the events stay the truth, and a lead with events newer than the
 * indexer's cursor is reduced again from its timeline when a report reads it.
 */
export const reportFacts = sqliteTable('report_facts', {
  taskId: integer('task_id')
    .primaryKey()
    .references(() => tasks.id),
  claimedAt: integer('claimed_at'),
  contactedAt: integer('contacted_at'),
  rulesOffers: integer('rules_offers').notNull(),
  firstOfferHit: integer('first_offer_hit').notNull(),
  firstOfferOpenUntil: integer('first_offer_open_until'),
  lastOfferOpenUntil: integer('last_offer_open_until'),
  claimedInChain: integer('claimed_in_chain').notNull(),
  escalation: text('escalation'),
  heldAt: integer('held_at'),
  holdMs: integer('hold_ms'),
  passes: integer('passes').notNull(),
  /** Comma-separated reason keys, null when none. */
  passReasons: text('pass_reasons'),
  lapses: integer('lapses').notNull(),
  /** Comma-separated epoch ms of the repeats noted on this lead, null when none. */
  duplicateTimes: text('duplicate_times'),
  reassigned: integer('reassigned').notNull(),
  misassignedPasses: integer('misassigned_passes').notNull(),
  /** Comma-separated agent ids the rules offered it to first. */
  fairOffers: text('fair_offers'),
  offerWindowMs: integer('offer_window_ms'),
  /** Per agent: `id,offers,claims,passes,misassigned,lapses,claimMs|claimMs`, joined by `;`. */
  agents: text('agents'),
  /**
   * The lead's yes/no facts as bits (reports/shape.ts), so a report counts its leads grouped by
   * one integer instead of reading and testing a column per fact.
   */
  shape: integer('shape').notNull().default(0),
});

/**
 * What each agent did with one lead's offers (the `agents` of report_facts as rows), kept with
 * report_facts in the same transaction, so a report adds up offers, claims, passes and lapses per
 * agent in SQL and reads only the claim times a median needs. Derived data, as report_facts.
 */
export const reportAgentFacts = sqliteTable(
  'report_agent_facts',
  {
    taskId: integer('task_id')
      .notNull()
      .references(() => tasks.id),
    agentId: text('agent_id').notNull(),
    offers: integer('offers').notNull(),
    claims: integer('claims').notNull(),
    passes: integer('passes').notNull(),
    misassignedPasses: integer('misassigned_passes').notNull(),
    lapses: integer('lapses').notNull(),
    /** The rules' first offers (chain position 0) of this lead made to them: fairness counts these. */
    firstOffers: integer('first_offers').notNull(),
    /** Offer → claim of each of their claims, comma-separated ms; null when none. */
    claimMs: text('claim_ms'),
  },
  (t) => [primaryKey({ columns: [t.taskId, t.agentId] })],
);

/** How far the report indexer has read the events table: every event up to this id is in report_facts. */
export const reportCursor = sqliteTable('report_cursor', {
  id: integer('id').primaryKey(),
  lastEventId: integer('last_event_id').notNull(),
});

/**
 * Who runs the engine (one row, name 'engine'): any number of processes take intake and Slack
 * requests, but only the holder sweeps and talks to outside systems. Taken and renewed by one
 * guarded upsert (`… where holder = me or expires_at < now`, src/engine/lease.ts).
 */
export const leases = sqliteTable('leases', {
  name: text('name').primaryKey(),
  /** `host:pid:random`, so a restarted process with a reused pid is still someone else. */
  holder: text('holder').notNull(),
  expiresAt: ms('expires_at').notNull(),
  /** When this holder took it (kept across renewals): /healthz shows how long it has held it. */
  acquiredAt: ms('acquired_at').notNull(),
});

/**
 * Every reload of dispatch.yml, asked for or done: the audit record ("config reloaded, 9 agents,
 * 7 rules") and the way another process asks the running app to reload. `lead-dispatch reload`
 * inserts a row with `done_at` null; the engine finds it on its next pass (within a second),
 * reloads its own DISPATCH_CONFIG and writes the outcome into the same row. A SIGHUP, a saved
 * file and `/dispatch reload` write their row when they act. The leaders' note is an outbox item
 * (`slack:config`) that posts `notice` once: the attempt and ts are kept here, as a digest's are.
 */
export const configReloads = sqliteTable(
  'config_reloads',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    trigger: text('trigger', { enum: ['cli', 'signal', 'file', 'slack'] }).notNull(),
    /** The leader who typed `/dispatch reload`; null for the other triggers. */
    requestedBy: text('requested_by'),
    requestedAt: ms('requested_at').notNull(),
    /** Null while a request waits for the engine. */
    doneAt: ms('done_at'),
    outcome: text('outcome', { enum: ['applied', 'unchanged', 'refused'] }),
    /** The file the running app read, and a hash of its text: the same bad text is reported once. */
    file: text('file'),
    contentHash: text('content_hash'),
    agents: integer('agents'),
    rules: integer('rules'),
    /** What changed (applied) or the problems, one per line as check-config prints them (refused). */
    report: text('report', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
    /** check-config's warnings for the new file, one per line. */
    warnings: text('warnings', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
    /** The text for the leaders' channel, when they are told; posted through the outbox. */
    notice: text('notice'),
    noticeChannel: text('notice_channel'),
    noticeAttemptAt: ms('notice_attempt_at'),
    noticeTs: text('notice_ts'),
  },
  (t) => [index('config_reloads_pending').on(t.id).where(sql`done_at is null`)],
);

export type ConfigReloadRow = typeof configReloads.$inferSelect;

/**
 * `/dispatch cover`: someone on duty for an on-duty rotation instead of whoever's turn it is, until
 * `endsAt`. Routing reads the rows at the moment of each decision, so a cover ends by the clock;
 * `endedAt` is set only when it is ended early or replaced by a later cover of the same rotation.
 */
export const coverOverrides = sqliteTable(
  'cover_overrides',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The rotation: a rule's `on_duty.name`, or the rule's name when its on_duty has none. */
    rotation: text('rotation').notNull(),
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id),
    startsAt: ms('starts_at').notNull(),
    endsAt: ms('ends_at').notNull(),
    setBy: text('set_by').notNull(),
    createdAt: ms('created_at').notNull(),
    endedAt: ms('ended_at'),
    endedBy: text('ended_by'),
  },
  (t) => [index('cover_overrides_open').on(t.rotation, t.endsAt).where(sql`ended_at is null`)],
);

export type CoverOverrideRow = typeof coverOverrides.$inferSelect;

/**
 * `/dispatch pause`: a rule routing skips, or a source whose new leads are stored and held, until
 * `endsAt` (or `endedAt`, when resumed early or replaced by a later pause of the same name).
 */
export const pauses = sqliteTable(
  'pauses',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind', { enum: ['rule', 'source'] }).notNull(),
    /** The rule's name, or the source's configured name. */
    name: text('name').notNull(),
    startsAt: ms('starts_at').notNull(),
    endsAt: ms('ends_at').notNull(),
    setBy: text('set_by').notNull(),
    createdAt: ms('created_at').notNull(),
    endedAt: ms('ended_at'),
    endedBy: text('ended_by'),
  },
  (t) => [index('pauses_open').on(t.kind, t.name, t.endsAt).where(sql`ended_at is null`)],
);

export type PauseRow = typeof pauses.$inferSelect;

/**
 * The audit trail of changes to the team's routing that belong to no task (a cover set or ended, a
 * pause set or ended), written in the same transaction as the change. Each is announced once in
 * the leaders' channel by the outbox (`slack:team-event`); `postAttemptAt` and `ts` make that post
 * exactly once, as a digest's are.
 */
export const teamEvents = sqliteTable('team_events', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  kind: text('kind', { enum: ['cover_set', 'cover_ended', 'pause_set', 'pause_ended'] }).notNull(),
  /** The Slack user who made the change. */
  actor: text('actor').notNull(),
  at: ms('at').notNull(),
  coverId: integer('cover_id').references(() => coverOverrides.id),
  pauseId: integer('pause_id').references(() => pauses.id),
  /** For cover_set and pause_set: the cover or pause this one replaced, if any. */
  replacedId: integer('replaced_id'),
  channel: text('channel').notNull(),
  postAttemptAt: ms('post_attempt_at'),
  postedAt: ms('posted_at'),
  ts: text('ts'),
});

export type TeamEventRow = typeof teamEvents.$inferSelect;

/**
 * One row per day the retention job ran (team.retention): the row is the guard, so the job runs
 * once a day however often the sweeper ticks or the app restarts, and a run cut short by a
 * restart carries on where it stopped (its cutoff is the one it started with).
 */
export const retentionRuns = sqliteTable('retention_runs', {
  /** The day in the team's zone, `2026-12-01`. */
  day: text('day').primaryKey(),
  /** Tasks that arrived before this had their contact details removed. */
  cutoff: ms('cutoff').notNull(),
  startedAt: ms('started_at').notNull(),
  finishedAt: ms('finished_at'),
  tasks: integer('tasks').notNull().default(0),
});
