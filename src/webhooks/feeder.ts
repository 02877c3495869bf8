import type Database from 'better-sqlite3';
import type { WebhookConfig } from '../config/webhooks-schema.js';
import { type DispatchContext, writeTransaction } from '../dispatch/context.js';
import { KickedLoop } from '../engine/loop.js';
import { enqueueOutbox, topicHealth } from '../engine/outbox/outbox.js';
import { kindsFor, publicNameOf } from './event-names.js';
import { agentIdOf, type WebhookBody, type WebhookTaskRow, webhookEventId, webhookTask } from './payload.js';

/**
 * Events read per webhook per pass: one short write transaction, then the next pass. Written into
 * the query's text, since a bound LIMIT recompiles it on every run (db/fixed-limit.ts).
 */
const BATCH = 200;

export const WEBHOOK_TOPIC_PREFIX = 'webhook:';
export const webhookTopic = (name: string): string => `${WEBHOOK_TOPIC_PREFIX}${name}`;

interface EventRow {
  id: number;
  taskId: number;
  kind: string;
  actor: string;
  at: number;
  detail: string;
}

type TaskDbRow = Omit<WebhookTaskRow, 'tags' | 'receivedAt'> & { tags: string; receivedAt: number };

/**
 * Turns the `events` table into outbox items for each configured webhook (GoAlert's way: the rows
 * are the truth, this loop only reconciles). Each webhook has a cursor, the last event id it has
 * read; a pass reads the events after it by primary key and, in one transaction, queues one item
 * per matching event (topic `webhook:<name>`, on the event's task, so delivery is in order per
 * task) and moves the cursor. No `recordEvent` call site knows webhooks exist.
 */
export class WebhookFeeder extends KickedLoop {
  readonly name = 'webhooks';
  private readonly cursor: Database.Statement<[string], { lastEventId: number }>;
  private readonly newest: Database.Statement<[], { id: number }>;
  private readonly setCursor: Database.Statement<[string, number]>;
  private readonly after: Database.Statement<[number], EventRow>;
  private readonly task: Database.Statement<[number], TaskDbRow>;
  private readonly agent: Database.Statement<[string], { name: string }>;

  constructor(
    private readonly ctx: DispatchContext,
    /** Called after a pass queued items, so the outbox delivers them now rather than on the next tick. */
    private readonly queued: () => void,
  ) {
    super((error) =>
      ctx.log.error('webhook feeder pass failed; the next kick retries', { error: String(error) }),
    );
    const db = ctx.db.$client;
    this.cursor = db.prepare('select last_event_id as lastEventId from webhook_cursors where name = ?');
    this.newest = db.prepare('select coalesce(max(id), 0) as id from events');
    this.setCursor = db.prepare(
      `insert into webhook_cursors (name, last_event_id) values (?, ?)
         on conflict (name) do update set last_event_id = excluded.last_event_id`,
    );
    this.after = db.prepare(
      `select id, task_id as taskId, kind, actor, at, detail from events where id > ? order by id limit ${BATCH}`,
    );
    this.task = db.prepare(
      `select id, type, source, status, first_name as firstName, last_name as lastName, email, phone,
              street, city, state, zip, price, tags, owner_id as ownerId, received_at as receivedAt
         from tasks where id = ?`,
    );
    this.agent = db.prepare('select name from agents where id = ?');
    // A webhook new to this database starts at the newest event, as the app starts with it: its
    // receiver gets what happens from now on, not a flood of history it never asked for.
    const start = db.prepare('insert or ignore into webhook_cursors (name, last_event_id) values (?, ?)');
    for (const hook of this.hooks) start.run(hook.name, this.newest.get()?.id ?? 0);
  }

  /** Read at the moment of use: a reload of dispatch.yml may add or remove webhooks. */
  private get hooks(): readonly WebhookConfig[] {
    return this.ctx.config.webhooks;
  }

  override kick(): void {
    if (this.hooks.length > 0) super.kick();
  }

  /**
   * For /healthz: each webhook `ok`, or failing with the last error and how many items wait for
   * it (a receiver that is down shows here long before its items are parked a day later).
   */
  status(): Record<string, string> {
    const db = this.ctx.db.$client;
    return Object.fromEntries(
      this.hooks.map((hook) => [hook.name, topicHealth(db, webhookTopic(hook.name))]),
    );
  }

  /** One batch per webhook; true when some webhook may have more to read. */
  protected async passOnce(): Promise<boolean> {
    let more = false;
    let queued = 0;
    for (const hook of this.hooks) {
      const result = writeTransaction(this.ctx.db, (tx) => {
        const at = this.cursor.get(hook.name);
        // Set in the constructor; gone only if someone deleted the row, so start again from now.
        if (!at) {
          this.setCursor.run(hook.name, this.newest.get()?.id ?? 0);
          return { read: 0, queued: 0 };
        }
        const rows = this.after.all(at.lastEventId);
        const kinds = kindsFor(hook.events);
        let n = 0;
        for (const row of rows) {
          if (!kinds.has(row.kind)) continue;
          const body = this.body(row);
          if (!body) continue;
          enqueueOutbox(tx, {
            taskId: row.taskId,
            topic: webhookTopic(hook.name),
            payload: { ...body },
            at: new Date(row.at),
          });
          n++;
        }
        const last = rows.at(-1);
        if (last) this.setCursor.run(hook.name, last.id);
        return { read: rows.length, queued: n };
      });
      if (result.read === BATCH) more = true;
      queued += result.queued;
    }
    if (queued > 0) this.queued();
    return more;
  }

  /** The body as of now: the task's current fields, the event as recorded. */
  private body(row: EventRow): WebhookBody | undefined {
    const type = publicNameOf(row.kind);
    const task = this.task.get(row.taskId);
    if (!type || !task) return undefined;
    const detail = JSON.parse(row.detail) as Record<string, unknown>;
    const agentId = agentIdOf(row.actor, detail);
    const agent = agentId ? this.agent.get(agentId) : undefined;
    return {
      id: webhookEventId(row.id),
      type,
      occurred_at: new Date(row.at).toISOString(),
      task: webhookTask({
        ...task,
        tags: JSON.parse(task.tags) as string[],
        receivedAt: new Date(task.receivedAt),
      }),
      agent: agentId && agent ? { id: agentId, name: agent.name } : null,
      detail,
    };
  }
}
