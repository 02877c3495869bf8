import type Database from 'better-sqlite3';
import { outbox } from '../../db/schema.js';
import { type DispatchContext, type Sql, writeTransaction } from '../../dispatch/context.js';
import type { LeaseGuard } from '../lease.js';
import { KickedLoop } from '../loop.js';

/** One item to deliver, as a topic's `deliver` gets it. Receivers deduplicate on `id`. */
export interface OutboxItem {
  id: number;
  taskId: number | null;
  topic: string;
  payload: Record<string, unknown>;
  attempts: number;
  createdAt: Date;
}

/**
 * One outside system (a CRM, a webhook, SMS, email): the module that knows how to deliver to it.
 * `deliver` resolves when the receiver has it; it throws to have the item retried, or throws a
 * `PermanentFailure` for what will never succeed (a 4xx that is our fault, a number that cannot
 * take texts), which parks the item at once.
 */
export interface OutboxTopic {
  /** The topic it serves: `webhook:zapier` exactly, or every topic under `webhook:` when it ends in ':'. */
  topic: string;
  deliver(item: OutboxItem): Promise<void>;
  /** Tries before the item is parked as dead; default 10 (about 17 minutes of backoff). */
  maxAttempts?: number;
  /**
   * Called in the transaction that parks an item as dead, so whatever tells a person about it
   * (a note in Slack, an event) exists exactly when the dead item does.
   */
  parked?(sql: Sql, item: OutboxItem, reason: string): void;
}

export class PermanentFailure extends Error {}

/** Thrown by a topic that was told when to come back (HTTP 429 / 503 with Retry-After). */
export class RetryLater extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/**
 * Thrown by a topic whose item may not go yet (a text in the lead's quiet hours): it is due again
 * at `until`, and the wait is not a failed try, so it costs none of the item's attempts.
 */
export class SendLater extends Error {
  constructor(
    message: string,
    readonly until: Date,
  ) {
    super(message);
  }
}

/** Queues an item in the caller's transaction, so it exists exactly when the change that caused it does. */
export function enqueueOutbox(
  sql: Sql,
  item: { taskId: number | null; topic: string; payload: Record<string, unknown>; at: Date },
): void {
  sql
    .insert(outbox)
    .values({
      taskId: item.taskId,
      topic: item.topic,
      payload: item.payload,
      createdAt: item.at,
      nextAttemptAt: item.at,
    })
    .run();
}

/**
 * For /healthz: a topic `ok`, or failing with its last error and how many items wait on it, so
 * a receiver that is down shows long before its items are parked. Pending items that failed at
 * least once: in-flight rows only (the outbox_due index).
 */
export function topicHealth(db: Database.Database, topic: string): string {
  const row = db
    .prepare<[string], { waiting: number; error: string | null }>(
      `select count(*) as waiting, max(last_error) as error from outbox
        where status = 'pending' and next_attempt_at >= 0 and topic = ? and attempts > 0`,
    )
    .get(topic);
  return row && row.waiting > 0 ? `failing: ${row.error ?? 'error'} (${row.waiting} waiting)` : 'ok';
}

/** Items read per pass; written into the due query's text, since a bound LIMIT recompiles it (db/fixed-limit.ts). */
const BATCH = 50;
const CONCURRENCY = 4;
const DEFAULT_MAX_ATTEMPTS = 10;
const BACKOFF_CAP_S = 3600;

interface DueRow {
  id: number;
  taskId: number | null;
  topic: string;
  payload: string;
  attempts: number;
  createdAt: number;
}

export interface OutboxStats {
  pending: number;
  dead: number;
  oldestPendingSeconds: number | null;
  /** Dead items by topic (`fub:fetch:<id>` counted as `fub:fetch`), so /healthz says which outside system is not being told. */
  deadByTopic: Record<string, number>;
}

/**
 * Delivers the outbox at least once, in order per task and topic: an item waits while an earlier
 * one for the same task and topic is pending. Failures back off exponentially (with jitter, so a
 * recovering receiver is not hit by a wall of retries); an item that keeps failing is parked as
 * `dead`, shown on /healthz and in the log, and stops holding up the items after it.
 */
export class Outbox extends KickedLoop {
  readonly name = 'outbox';
  private readonly due: Database.Statement<[number], DueRow>;
  private readonly delivered: Database.Statement<[number, number]>;
  private readonly retry: Database.Statement<[number, string, number]>;
  private readonly dead: Database.Statement<[number, string, number]>;
  private readonly later: Database.Statement<[number, number]>;
  private readonly counts: Database.Statement<[], { pending: number; dead: number; oldest: number | null }>;
  private readonly deadTopics: Database.Statement<[], { topic: string; n: number }>;

  constructor(
    private readonly ctx: DispatchContext,
    private readonly topics: OutboxTopic[],
    /** Checked before each delivery: a process that lost the engine lease delivers nothing more. */
    private readonly lease: LeaseGuard,
    /** A new lead whose sender waits for its 202: its items wait too (UnansweredLeads). */
    private readonly waitsForAnswer: (taskId: number) => boolean = () => false,
    private readonly random: () => number = Math.random,
  ) {
    super((error) =>
      ctx.log.error('outbox pass failed unexpectedly; the next kick retries', { error: String(error) }),
    );
    const db = ctx.db.$client;
    this.due = db.prepare(
      `select id, task_id as taskId, topic, payload, attempts, created_at as createdAt from outbox o
        where status = 'pending' and next_attempt_at <= ?
          and not exists (select 1 from outbox e where e.status = 'pending' and e.task_id is o.task_id
                          and e.topic = o.topic and e.id < o.id)
        order by id limit ${BATCH}`,
    );
    this.delivered = db.prepare(
      `update outbox set status = 'delivered', delivered_at = ?, attempts = attempts + 1, last_error = null
        where id = ? and status = 'pending'`,
    );
    this.retry = db.prepare(
      `update outbox set attempts = attempts + 1, next_attempt_at = ?, last_error = ? where id = ? and status = 'pending'`,
    );
    this.later = db.prepare(
      `update outbox set next_attempt_at = ?, last_error = null where id = ? and status = 'pending'`,
    );
    this.dead = db.prepare(
      `update outbox set status = 'dead', dead_at = ?, attempts = attempts + 1, last_error = ?
        where id = ? and status = 'pending'`,
    );
    this.counts = db.prepare(
      `select (select count(*) from outbox where status = 'pending') as pending,
              (select count(*) from outbox where status = 'dead') as dead,
              (select min(created_at) from outbox where status = 'pending') as oldest`,
    );
    this.deadTopics = db.prepare(
      // A topic per item (`fub:fetch:123`, one per FUB person) is counted under its family
      // (`fub:fetch`), so /healthz stays one line per outside system however many people failed.
      `select case when rtrim(topic, '0123456789') like '%:' and rtrim(topic, '0123456789') != topic
                   then substr(rtrim(topic, '0123456789'), 1, length(rtrim(topic, '0123456789')) - 1)
                   else topic end as topic,
              count(*) as n
         from outbox where status = 'dead' group by 1 order by 1`,
    );
  }

  stats(now: Date): OutboxStats {
    const row = this.counts.get();
    return {
      pending: row?.pending ?? 0,
      dead: row?.dead ?? 0,
      oldestPendingSeconds: row?.oldest ? (now.getTime() - row.oldest) / 1000 : null,
      deadByTopic: row?.dead ? Object.fromEntries(this.deadTopics.all().map((r) => [r.topic, r.n])) : {},
    };
  }

  protected async passOnce(): Promise<boolean> {
    const term = this.lease.term();
    if (term === null) return false;
    const rows = this.due.all(this.ctx.clock.now().getTime());
    let next = 0;
    let parked = false;
    let held = 0;
    const worker = async () => {
      for (let row = rows[next++]; row && !parked; row = rows[next++]) {
        // Its lead's sender has no answer yet: the engine kicks again once it has.
        if (row.taskId !== null && this.waitsForAnswer(row.taskId)) {
          held++;
          continue;
        }
        // Right before the delivery: the items left wait for the holder (a delivery under way when
        // the lease ran out finishes, and its receiver deduplicates on the item id if it comes again).
        if (!this.lease.holds(term)) {
          parked = true;
          break;
        }
        try {
          await this.deliverOne(row);
        } catch (error) {
          // Recording the outcome failed (a full disk, say): the row is untouched and due again.
          this.ctx.log.error('outbox item could not be recorded; it is retried', {
            outboxId: row.id,
            error: String(error),
          });
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    // A delivered item may have released the next one for its task: look again.
    return rows.length > held && !parked;
  }

  private async deliverOne(row: DueRow): Promise<void> {
    const { clock, log } = this.ctx;
    const topic = this.topics.find((t) =>
      t.topic.endsWith(':') ? row.topic.startsWith(t.topic) : t.topic === row.topic,
    );
    const fields = { outboxId: row.id, taskId: row.taskId, topic: row.topic, attempt: row.attempts + 1 };
    if (!topic) {
      this.dead.run(clock.now().getTime(), 'nothing in this install delivers this topic', row.id);
      log.error('outbox item parked: no module delivers its topic', fields);
      return;
    }
    const item: OutboxItem = {
      id: row.id,
      taskId: row.taskId,
      topic: row.topic,
      payload: JSON.parse(row.payload) as Record<string, unknown>,
      attempts: row.attempts,
      createdAt: new Date(row.createdAt),
    };
    try {
      await topic.deliver(item);
      this.delivered.run(clock.now().getTime(), row.id);
      log.info('outbox item delivered', fields);
    } catch (error) {
      if (error instanceof SendLater) {
        this.later.run(error.until.getTime(), row.id);
        log.info('outbox item waits', { ...fields, until: error.until.toISOString(), why: error.message });
        return;
      }
      // Only the error's message is kept: topics never put a lead's details in it.
      const reason = error instanceof Error ? error.message : String(error);
      const now = clock.now().getTime();
      if (
        error instanceof PermanentFailure ||
        row.attempts + 1 >= (topic.maxAttempts ?? DEFAULT_MAX_ATTEMPTS)
      ) {
        writeTransaction(this.ctx.db, (tx) => {
          if (this.dead.run(now, reason, row.id).changes === 1) topic.parked?.(tx, item, reason);
        });
        log.error('outbox item parked as dead after failing', { ...fields, error: reason });
        return;
      }
      // A receiver's hint is taken when it is a sane number of seconds; otherwise our own backoff.
      const hinted = error instanceof RetryLater ? error.retryAfterSeconds : Number.NaN;
      const seconds =
        Number.isFinite(hinted) && hinted > 0
          ? Math.min(BACKOFF_CAP_S, hinted)
          : Math.min(BACKOFF_CAP_S, 2 ** row.attempts) * (0.8 + 0.4 * this.random());
      this.retry.run(now + seconds * 1000, reason, row.id);
      log.warn('outbox item will be retried', { ...fields, error: reason, inSeconds: Math.round(seconds) });
    }
  }
}
