import type Database from 'better-sqlite3';
import type { PendingPost } from './message-kind.js';

/** Where one kind of message keeps its Slack state: every kind has the same columns, named per table. */
export interface MessageTable {
  table: 'offers' | 'escalations' | 'notifications' | 'task_views' | 'pond_posts';
  /** Who a new post goes to: a column (a user or channel id), or one fixed channel. */
  recipient: { column: string } | { channel: string };
  /** The column holding the thread a post replies in, for kinds that post in threads. */
  threadTs?: string;
  channel: string;
  ts: string;
  /** Set to the moment the first post was attempted, when the table records it. */
  postedAt?: string;
}

/**
 * Rows a due query returns at most: a pass's batch. Written into the statement's text, since a bound
 * LIMIT made SQLite compile the statement again on every run (db/fixed-limit.ts), ten runs per lead.
 */
export const SYNC_BATCH = 50;

interface DueParams {
  recipient: string | null;
  now: number;
  waiting?: string;
}

interface DueQuery<Row> {
  all: Database.Statement<[DueParams], Row>;
  waiting: Database.Statement<[DueParams], Row>;
}

/** One row's Slack state, as the sync step needs it. */
export interface MessageState {
  id: number;
  taskId: number;
  channel: string | null;
  ts: string | null;
  version: number;
  renderedVersion: number;
  attempts: number;
  postAttemptAt: number | null;
}

/**
 * The writes the sync step makes, the same for every kind of message: prepared once, since a
 * statement compiled per call cost more than the write itself.
 */
export class MessageStore {
  /** Each due query twice: the usual case, nobody waiting, skips json_each (half the query's cost). */
  private readonly posts: DueQuery<PendingPost>;
  private readonly updates: DueQuery<{ id: number }>;
  private readonly selectState: Database.Statement<[number], MessageState>;
  private readonly attempt: Database.Statement<[number, number]>;
  private readonly posted: Database.Statement<
    [{ id: number; channel: string; ts: string; version: number; at: number }]
  >;
  private readonly rendered: Database.Statement<[number, number]>;
  private readonly retry: Database.Statement<[number, number]>;
  private readonly unknown: Database.Statement<[number]>;
  private readonly forget: Database.Statement<[number]>;
  private readonly fixedRecipient: string | null;

  constructor(db: Database.Database, spec: MessageTable) {
    const { table, channel, ts, postedAt } = spec;
    const recipient = 'column' in spec.recipient ? spec.recipient.column : '@recipient';
    this.fixedRecipient = 'channel' in spec.recipient ? spec.recipient.channel : null;
    // Oldest task first. retry_at holds back only rows that failed on their own; conversations that
    // must wait (a rate limit, a channel Slack refuses) are left out here, so they cannot fill a batch.
    const notWaiting = (column: string) =>
      `(${column} is null or ${column} not in (select value from json_each(@waiting)))`;
    const due = <Row>(select: string, where: string, waitingOn: string): DueQuery<Row> => {
      const query = (filter: string) =>
        db.prepare<[DueParams], Row>(
          `${select} where ${where}${filter} order by task_id, id limit ${SYNC_BATCH}`,
        );
      return { all: query(''), waiting: query(` and ${notWaiting(waitingOn)}`) };
    };
    const retryDue = '(retry_at is null or retry_at <= @now)';
    this.posts = due(
      `select id, task_id as taskId, ${recipient} as recipient, ${spec.threadTs ?? 'null'} as threadTs
         from ${table}`,
      `rendered_version < version and ${ts} is null and ${retryDue}`,
      recipient,
    );
    this.updates = due(
      `select id from ${table}`,
      `rendered_version < version and ${ts} is not null and ${retryDue}`,
      channel,
    );
    this.selectState = db.prepare(
      `select id, task_id as taskId, ${channel} as channel, ${ts} as ts, version,
              rendered_version as renderedVersion, attempts, post_attempt_at as postAttemptAt
         from ${table} where id = ?`,
    );
    this.attempt = db.prepare(`update ${table} set post_attempt_at = ? where id = ? and ${ts} is null`);
    this.posted = db.prepare(
      `update ${table} set ${channel} = @channel, ${ts} = @ts, post_attempt_at = null, retry_at = null,
              attempts = 0, rendered_version = max(rendered_version, @version)
              ${postedAt ? `, ${postedAt} = @at` : ''}
        where id = @id and ${ts} is null`,
    );
    this.rendered = db.prepare(
      `update ${table} set rendered_version = max(rendered_version, ?), retry_at = null, attempts = 0,
              post_attempt_at = null where id = ?`,
    );
    this.retry = db.prepare(`update ${table} set attempts = attempts + 1, retry_at = ? where id = ?`);
    this.unknown = db.prepare(`update ${table} set post_attempt_at = null where id = ?`);
    this.forget = db.prepare(`update ${table} set ${channel} = null, ${ts} = null where id = ?`);
  }

  /** Rows never posted whose message is due, at most SYNC_BATCH. */
  duePosts(now: Date, waiting: readonly string[] = []): PendingPost[] {
    const params = { recipient: this.fixedRecipient, now: now.getTime() };
    return waiting.length === 0
      ? this.posts.all.all(params)
      : this.posts.waiting.all({ ...params, waiting: JSON.stringify(waiting) });
  }

  /** Rows whose posted message is behind the row, at most SYNC_BATCH. */
  dueUpdates(now: Date, waiting: readonly string[] = []): number[] {
    const params = { recipient: this.fixedRecipient, now: now.getTime() };
    const rows =
      waiting.length === 0
        ? this.updates.all.all(params)
        : this.updates.waiting.all({ ...params, waiting: JSON.stringify(waiting) });
    return rows.map((r) => r.id);
  }

  state(id: number): MessageState | undefined {
    return this.selectState.get(id);
  }

  /** Written (and committed) before the call to Slack, so a crash leaves a trace to look for. */
  recordAttempt(id: number, at: Date): void {
    this.attempt.run(at.getTime(), id);
  }

  /** The post is known to be in Slack: where it is, and which version it shows. */
  recordPosted(id: number, channel: string, ts: string, version: number, attemptedAt: Date): void {
    this.posted.run({ id, channel, ts, version, at: attemptedAt.getTime() });
  }

  markRendered(id: number, version: number): void {
    this.rendered.run(version, id);
  }

  scheduleRetry(id: number, at: Date): void {
    this.retry.run(at.getTime(), id);
  }

  /** Slack said no to the post, so nothing is out there to look for. */
  clearAttempt(id: number): void {
    this.unknown.run(id);
  }

  /** The message was deleted in Slack: the next pass posts it again. */
  forgetMessage(id: number): void {
    this.forget.run(id);
  }
}
