import { createHash } from 'node:crypto';
import { and, eq, isNotNull, sql as raw } from 'drizzle-orm';
import { REPORT_KINDS } from '../core/events.js';
import { readEmail, readPhone } from '../core/lead-fields.js';
import { mapStrings, redactText } from '../core/retention.js';
import {
  escalations,
  events,
  leadReplies,
  notifications,
  offers,
  outbox,
  type TaskRow,
  tasks,
  taskViews,
} from '../db/schema.js';
import type { Tx } from '../dispatch/context.js';
import { recordEvent } from '../dispatch/events.js';

export interface Removal {
  reason: 'retention' | 'request';
  /** `system` for the nightly job, `cli` for `lead-dispatch forget`. */
  actor: string;
  now: Date;
  /** What the person asked to be forgotten by, besides what the task holds (forget). */
  also?: { phone?: string; email?: string };
  /**
   * Re-render the task's Slack messages (offer DMs, leaders' posts, copies) so they no longer show
   * the details. Forget does; the nightly job leaves years-old messages alone (see README).
   */
  updateSlack?: boolean;
}

/**
 * Removes one task's contact details everywhere they are stored (contact-columns.ts lists where),
 * keeping every time, id, kind and outcome the reports read. Records a `details_removed` event
 * that says why, not what. Run inside the caller's write transaction; returns how many of the
 * task's earlier events had a detail rewritten.
 */
export function removeContactDetails(tx: Tx, task: TaskRow, removal: Removal): number {
  const phones = [task.phone, removal.also?.phone].filter((p): p is string => Boolean(p));
  // A bare first name ("Robin") could be a word of ours ("round robin"); the full name cannot.
  const fullName = task.firstName && task.lastName ? `${task.firstName} ${task.lastName}` : null;
  const words = [
    task.email,
    removal.also?.email,
    fullName,
    task.street,
    task.referringAgent,
    task.message,
  ].filter((w): w is string => Boolean(w && w.trim().length >= 6) || Boolean(w?.includes('@')));
  const redact = (text: string) =>
    redactText(text, {
      words,
      isPhone: (candidate) => {
        const read = readPhone(candidate).value;
        return read !== undefined && phones.includes(read);
      },
    });

  tx.update(tasks)
    .set({
      firstName: null,
      lastName: null,
      email: null,
      phone: null,
      street: null,
      message: null,
      referringAgent: null,
      payload: routingFields(task),
      intakeNotes: task.intakeNotes.map(({ field, problem }) => ({ field, problem: redact(problem) })),
      externalId: isOwnContact(task.externalId, task, phones)
        ? `removed-${createHash('sha256').update(task.externalId).digest('hex').slice(0, 16)}`
        : task.externalId,
      detailsRemovedAt: removal.now,
    })
    .where(eq(tasks.id, task.id))
    .run();

  let changedEvents = 0;
  for (const e of tx
    .select({ id: events.id, kind: events.kind, detail: events.detail })
    .from(events)
    .where(eq(events.taskId, task.id))
    .all()) {
    // What the reports read is never rewritten (agents, reasons, times), so no figure can move;
    // of those kinds only a repeat's external id can be a person's detail.
    if (REPORT_ONLY.has(e.kind)) continue;
    const detail = mapStrings(e.detail, redact);
    if (detail === e.detail) continue;
    tx.update(events)
      .set({ detail: detail as typeof e.detail })
      .where(eq(events.id, e.id))
      .run();
    changedEvents += 1;
  }

  tx.update(notifications)
    .set({ text: null })
    .where(and(eq(notifications.taskId, task.id), isNotNull(notifications.text)))
    .run();

  for (const r of tx.select().from(leadReplies).where(eq(leadReplies.taskId, task.id)).all())
    tx.update(leadReplies)
      .set({ address: '', reason: r.reason === null ? null : redact(r.reason) })
      .where(eq(leadReplies.id, r.id))
      .run();

  for (const item of tx.select().from(outbox).where(eq(outbox.taskId, task.id)).all()) {
    const payload = mapStrings(withoutWebhookContact(item.payload), redact) as Record<string, unknown>;
    const lastError = item.lastError === null ? null : redact(item.lastError);
    if (payload === item.payload && lastError === item.lastError) continue;
    tx.update(outbox).set({ payload, lastError }).where(eq(outbox.id, item.id)).run();
  }

  for (const o of tx
    .select({ id: offers.id, passReason: offers.passReason })
    .from(offers)
    .where(and(eq(offers.taskId, task.id), isNotNull(offers.passReason)))
    .all()) {
    const passReason = redact(o.passReason ?? '');
    if (passReason !== o.passReason) tx.update(offers).set({ passReason }).where(eq(offers.id, o.id)).run();
  }

  if (removal.updateSlack) {
    // A version ahead of the rendered one is what Slack sync acts on: the messages are updated
    // from the rows as they are now, naming no one.
    tx.update(offers)
      .set({ version: raw`${offers.version} + 1` })
      .where(and(eq(offers.taskId, task.id), isNotNull(offers.dmTs)))
      .run();
    tx.update(escalations)
      .set({ version: raw`${escalations.version} + 1` })
      .where(and(eq(escalations.taskId, task.id), isNotNull(escalations.ts)))
      .run();
    tx.update(taskViews)
      .set({ version: raw`${taskViews.version} + 1` })
      .where(and(eq(taskViews.taskId, task.id), isNotNull(taskViews.ts)))
      .run();
  }

  recordEvent(tx, {
    taskId: task.id,
    kind: 'details_removed',
    actor: removal.actor,
    at: removal.now,
    detail: { reason: removal.reason },
  });
  return changedEvents;
}

const REPORT_ONLY: ReadonlySet<string> = new Set(REPORT_KINDS.filter((k) => k !== 'duplicate'));

/**
 * What routing reads, from the task's own columns, in intake's common names: `lead-dispatch
 * what-if` can still replay an old lead through the rules, and nothing in it names a person.
 */
function routingFields(task: TaskRow): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    type: task.type,
    zip: task.zip,
    city: task.city,
    state: task.state,
    price: task.price,
    language: task.language,
    tags: task.tags.length > 0 ? task.tags : null,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null && v !== undefined));
}

/** A sender that uses the lead's email or phone as its id for them. */
function isOwnContact(externalId: string, task: TaskRow, phones: string[]): boolean {
  const email = readEmail(externalId).value;
  if (email !== undefined && email === task.email) return true;
  const phone = readPhone(externalId).value;
  return phone !== undefined && phones.includes(phone);
}

/** A webhook body carries the task's contact fields (webhooks/payload.ts): cleared by name. */
function withoutWebhookContact(payload: Record<string, unknown>): Record<string, unknown> {
  const task = payload.task;
  if (task === null || typeof task !== 'object' || Array.isArray(task)) return payload;
  const t = task as Record<string, unknown>;
  const address =
    t.address !== null && typeof t.address === 'object' ? { ...t.address, street: null } : t.address;
  return { ...payload, task: { ...t, first_name: null, last_name: null, email: null, phone: null, address } };
}
