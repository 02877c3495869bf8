import { z } from 'zod';

/**
 * The audit timeline's vocabulary: every kind of event a task can have, and exactly what each one
 * records in `detail`. One schema per kind is both the type `recordEvent` accepts (so a writer
 * cannot invent or misspell a field) and the check `parseEvent` runs on a stored row (so a reader,
 * the timeline or a report, gets typed fields and never guesses). Pure: no I/O.
 *
 * The stored JSON is the typed shape itself (times as ISO strings), so what is recorded reads back
 * unchanged. Field names are the ones rows already carry; migration `typed_events` brought older
 * rows to these shapes.
 */

const userId = z.string().min(1);
/** A moment stored in JSON: `Date#toISOString()`, always UTC. */
const isoTime = z.iso.datetime();
const matchedOn = z.enum(['phone', 'email']);
const replyChannel = z.enum(['sms', 'email']);

/** Who an offer went to: one agent, or a first-to-claim pool offered all at once. */
const toAgent = z.object({ agentId: userId });
const toPool = z.object({ pool: z.array(userId).min(1) });

const chainEntry = z.union([
  z.object({
    agentId: userId,
    reason: z.string(),
    onDuty: z.boolean().optional(),
    /** On duty by a `/dispatch cover` (its row) rather than by the rotation's turn. */
    coverId: z.number().int().optional(),
  }),
  z.object({ pool: z.array(userId), channel: z.string().optional(), reason: z.string() }),
]);
const watcher = z.object({ recipient: z.string().min(1), via: z.enum(['dm', 'cc', 'channel']) });

/** An event that says everything with its kind, actor and time. */
const nothing = z.object({});

const offered = z.object({
  /** Index in the task's frozen chain. */
  position: z.number().int().nonnegative(),
  /** Why this candidate: "round robin, covers 78701", "backup", … */
  reason: z.string(),
  /**
   * The answer-by time the offer was made with. Delivery may later give a DM that Slack held up
   * a fresh deadline on the offer row; that row, not this, is the live deadline.
   */
  deadline: isoTime,
});

export const EVENT_KINDS = [
  'received',
  'duplicate',
  'classified',
  'routed',
  'offered',
  'clock_restarted',
  'skipped',
  'claimed',
  'passed',
  'delivery_failed',
  'expired',
  'pass_reason',
  'escalated',
  'reannounced',
  'assigned',
  'taken',
  'returned',
  'reassigned',
  'handed_off',
  'contact_reminded',
  'contacted',
  'withdrawn',
  'held',
  'released',
  'merged',
  'duplicate_contact',
  'crm_write_failed',
  'outbox_retried',
  'reply_waiting',
  'replied',
  'reply_status',
  'reply_skipped',
  'opted_out',
  'opted_in',
  'lead_texted',
  'pond_reminded',
  'idle_moved',
  'details_removed',
] as const;

export type EventKind = (typeof EVENT_KINDS)[number];

/**
 * The kinds a report reads (reports/measures.ts). A partial covering index holds only these
 * (schema `events_report`), and the report's query names the same list, so SQLite uses it.
 */
export const REPORT_KINDS = [
  'offered',
  'clock_restarted',
  'claimed',
  'passed',
  'pass_reason',
  'expired',
  'escalated',
  'assigned',
  'taken',
  'returned',
  'reassigned',
  'handed_off',
  'contacted',
  'held',
  'released',
  'duplicate',
] as const satisfies readonly EventKind[];

/** `kind in ('offered', …)`: the partial index's condition and the report's, word for word. */
export const REPORT_KINDS_SQL = `kind in (${REPORT_KINDS.map((k) => `'${k}'`).join(', ')})`;

/** `satisfies` makes the compiler refuse a kind without a schema, and a schema for no kind. */
export const EVENT_DETAIL = {
  /** Stored, before intake answered the sender. */
  /** `flagged`: the fields kept as sent because they could not be read (names only, never values). */
  received: z.object({ source: z.string(), flagged: z.array(z.string()).optional() }),
  /** The same (source, external id) arrived again: ignored, noted on the first task. */
  duplicate: z.object({ source: z.string(), externalId: z.string() }),
  /** `type` null: nothing said what it is, so it goes to the leaders for manual review. */
  classified: z.object({ type: z.string().nullable(), why: z.string() }),
  /**
   * The frozen decision. `rule` is null when no rule matched; `reason` is set when the decision
   * is to escalate; `watchers` only when the rule notifies someone.
   */
  routed: z.object({
    rule: z.string().nullable(),
    chain: z.array(chainEntry),
    watchers: z.array(watcher).optional(),
    reason: z.string().optional(),
    /** Rules that matched first but were paused (`/dispatch pause rule`), so routing passed them over. */
    pausedRules: z.array(z.object({ rule: z.string(), until: isoTime })).optional(),
  }),
  offered: z.union([offered.extend(toAgent.shape), offered.extend(toPool.shape)]),
  /** A candidate in the chain passed over without an offer: away, off hours, at their cap, … */
  /** Slack held the first DM up (an outage, a rate limit): the agent's time to answer starts when it went out. */
  clock_restarted: z.object({ deadline: isoTime, heldUpSeconds: z.number().nonnegative() }),
  skipped: z.union([
    z.object({ agentId: userId, why: z.string() }),
    z.object({ pool: z.array(userId), why: z.string() }),
  ]),
  /** The actor claimed it (a leader's "Take it" records `taken` then `claimed`). */
  claimed: nothing,
  /** The actor passed; `reason` when they gave one on the same click. */
  passed: z.object({ reason: z.string().optional() }),
  /** Slack refused the DM for good (`account_inactive`, …), so the chain moved on. */
  delivery_failed: z.union([
    z.object({ error: z.string() }).extend(toAgent.shape),
    z.object({ error: z.string() }).extend(toPool.shape),
  ]),
  /** Nobody claimed before the deadline. */
  expired: z.union([toAgent, toPool]),
  /** The reason an agent gave after passing (a PASS_REASONS key such as `wrong_area`). */
  pass_reason: z.object({ reason: z.string() }),
  escalated: z.object({ reason: z.string(), manualReview: z.boolean(), escalationId: z.number().int() }),
  /** The leaders were reminded in the escalation's thread. */
  reannounced: z.object({ escalationId: z.number().int() }),
  /** A leader (the actor) offered it to `assignee`, who still has to claim it. */
  assigned: z.object({ assignee: userId }),
  taken: nothing,
  returned: nothing,
  /**
   * A leader (the actor) moved a live or claimed lead from `from` (the owner or offeree; absent for
   * a first-to-claim pool) to `to`, who still has to claim it. A misassignment signal in reports.
   */
  reassigned: z.object({ to: userId, from: userId.optional(), reason: z.string().optional() }),
  /** The owner (the actor) handed their claimed lead to `to`, or back to the rule's pool (`to` null). */
  handed_off: z.object({ to: userId.nullable(), reason: z.string().optional() }),
  contact_reminded: z.object({ ownerId: userId }),
  contacted: nothing,
  /** The offeree went away (`/away`, or a leader set them away), so the offer moved on. */
  /** The offeree went away, or a leader acted on a lead waiting in the pond (`pool`), so the offer ended. */
  withdrawn: z.union([toAgent, toPool]),
  /**
   * After hours with no one on duty: routed again at `until`, when `waitingFor` start. Or, with
   * `pausedSource`, its source was paused (`/dispatch pause source`) until `until` (or a resume).
   */
  held: z.object({ until: isoTime, waitingFor: z.array(userId), pausedSource: z.string().optional() }),
  /** Routed again: at opening, or (`pausedSource`) when its source's pause ended or was resumed. */
  released: z.object({ pausedSource: z.string().optional() }),
  /** This task is the same person as task `into`, so it is a note on that one. */
  merged: z.object({ into: z.number().int(), matchedOn }),
  /** Seen on the task that was kept: task `taskId` from `source` was the same person. */
  duplicate_contact: z.object({ taskId: z.number().int(), source: z.string(), matchedOn }),
  /** A write-back to the CRM (outbox item `outboxId`) failed for good; leaders were told. */
  crm_write_failed: z.object({
    system: z.string(),
    action: z.string(),
    outboxId: z.number().int(),
    error: z.string(),
  }),
  /** A person (the actor, or `cli`) sent a dead outbox item back to be delivered again. */
  outbox_retried: z.object({ outboxId: z.number().int(), topic: z.string() }),
  /** The text waits for the end of the lead's quiet hours (in `zone`). */
  reply_waiting: z.object({ channel: replyChannel, until: isoTime, zone: z.string() }),
  /** The reply to the lead was handed to Twilio or the SMTP server (`lead.replied` for webhooks). */
  replied: z.object({ channel: replyChannel, replyId: z.number().int(), agentId: userId.optional() }),
  /** What the provider said of it later: delivered, failed, undeliverable (`reason`: its error code). */
  reply_status: z.object({
    channel: replyChannel,
    status: z.enum(['sent', 'delivered', 'failed', 'undeliverable']),
    reason: z.string().optional(),
  }),
  /** No reply by this channel: `opted_out`, `no_phone`, `no_email`, `at_night` (email only), … */
  reply_skipped: z.object({ channel: replyChannel, reason: z.string() }),
  /** The lead texted an opt-out word (STOP) to our number: never texted again until START. */
  opted_out: z.object({ keyword: z.string() }),
  /** The lead texted START (or YES, UNSTOP): texts may go to them again. */
  opted_in: z.object({ keyword: z.string() }),
  /** The lead texted our number (not a keyword); `shownTo` is who was shown it. The text is not kept here. */
  lead_texted: z.object({ shownTo: z.string() }),
  /** Nobody has claimed it from the pond yet: a reminder went into the pond post's thread. */
  pond_reminded: z.object({ pondId: z.number().int() }),
  /**
   * The owner (`ownerId`) did not mark it contacted in time, even after a reminder, and the rule
   * says `then: next`: the claim ended and the next candidate was offered it.
   */
  idle_moved: z.object({ ownerId: userId }),
  /**
   * The lead's contact details were removed: `retention` (older than team.retention) or `request`
   * (`lead-dispatch forget`). Says nothing of what they were.
   */
  details_removed: z.object({ reason: z.enum(['retention', 'request']) }),
} satisfies { [K in EventKind]: z.ZodType };

export type EventDetail<K extends EventKind> = z.infer<(typeof EVENT_DETAIL)[K]>;

/** What an event says: its kind and the detail that kind records, as a discriminated union. */
export type EventBody = { [K in EventKind]: { kind: K; detail: EventDetail<K> } }[EventKind];

/** Columns every event has, whatever its kind. */
export interface EventHead {
  id: number;
  taskId: number;
  offerId: number | null;
  /** A Slack user id, or `system`. */
  actor: string;
  at: Date;
}

export type TaskEvent = EventHead & EventBody;

/** An event row this version cannot read: a kind it does not know, or a detail of another shape. */
export interface UnreadableEvent extends EventHead {
  kind: string;
  problem: string;
}

export type ReadEvent = { ok: true; event: TaskEvent } | { ok: false; unreadable: UnreadableEvent };

/** A stored row as the database gives it: any kind, any JSON. */
export interface StoredEvent extends EventHead {
  kind: string;
  detail: unknown;
}

export type Offeree = z.infer<typeof toAgent> | z.infer<typeof toPool>;

/**
 * Who an unclaimed offer is with, as its events record it: the agent, or the whole pool of a
 * first-to-claim broadcast (whose agent is set only by a claim).
 */
export function offereeOf(offer: { id: number; agentId: string | null; pool: string[] | null }): Offeree {
  if (offer.agentId) return { agentId: offer.agentId };
  if (offer.pool && offer.pool.length > 0) return { pool: offer.pool };
  // createOffer always sets one of the two; an offer with neither is a bug to hear about, not to record.
  throw new Error(`offer ${offer.id} names neither an agent nor a pool`);
}

const isKind = (kind: string): kind is EventKind => Object.hasOwn(EVENT_DETAIL, kind);

/** The typed event a row holds, or why it cannot be read. Never throws: old rows must not break a view. */
export function parseEvent(row: StoredEvent): ReadEvent {
  const { id, taskId, offerId, actor, at, kind } = row;
  const head: EventHead = { id, taskId, offerId, actor, at };
  if (!isKind(kind)) return { ok: false, unreadable: { ...head, kind, problem: `unknown kind "${kind}"` } };
  const parsed = EVENT_DETAIL[kind].safeParse(row.detail);
  if (!parsed.success)
    return { ok: false, unreadable: { ...head, kind, problem: z.prettifyError(parsed.error) } };
  // The schema looked up by `kind` produced this detail, so the pair is one member of the union;
  // TypeScript cannot correlate an indexed schema with its key, hence the one cast, checked above.
  return { ok: true, event: { ...head, kind, detail: parsed.data } as TaskEvent };
}
