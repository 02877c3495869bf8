import { and, eq, sql as raw } from 'drizzle-orm';
import { tasks } from '../db/schema.js';
import type { Lead } from '../intake/read-lead.js';
import { type DispatchContext, type Sql, writeTransaction } from './context.js';
import { recordEvent } from './events.js';
import { preparedOnce } from './prepared.js';

export type ReceiveResult = { id: number; duplicate: false } | { id: number; duplicate: true };

/**
 * Stores the task durably and nothing else, so the sender's 202 never waits on routing
 * or Slack. Idempotent on (source, externalId): a repeat records a `duplicate` event on the
 * original and creates nothing.
 */
export function receiveTask(
  ctx: DispatchContext,
  lead: Lead,
  /** `crmPerson` (`fub:123`): one task per CRM person, even when its source changes between deliveries. */
  options: { crmPerson?: string } = {},
): ReceiveResult {
  return writeTransaction(ctx.db, (tx) => storeTask(tx, ctx.clock.now(), lead, options));
}

/** receiveTask inside a transaction the caller already holds (an outbox topic's `parked` hook). */
export function storeTask(
  tx: Sql,
  now: Date,
  lead: Lead,
  options: { crmPerson?: string } = {},
): ReceiveResult {
  // Intake resolved it to the configured name (an alias is stored as its source), lower case.
  const source = lead.source;
  const crmPerson = options.crmPerson ?? null;
  const existing = () =>
    (crmPerson ? taskByCrmPerson(tx).get({ crmPerson }) : undefined) ??
    taskBySourceId(tx).get({ source, externalId: lead.externalId });
  // Look first, so a repeat does not burn an id (AUTOINCREMENT would skip #2 on a conflict);
  // the unique index still decides if another process inserts in between.
  const seen = existing();
  if (seen) return duplicate(tx, seen.id);
  const inserted = insertTask(tx).get({
    source,
    externalId: lead.externalId,
    type: lead.type ?? '',
    firstName: lead.firstName ?? null,
    lastName: lead.lastName ?? null,
    email: lead.email ?? null,
    phone: lead.phone ?? null,
    street: lead.address?.street ?? null,
    city: lead.address?.city ?? null,
    state: lead.address?.state ?? null,
    zip: lead.zip ?? lead.address?.zip ?? null,
    price: lead.price ?? null,
    priceLow: lead.priceLow ?? null,
    message: lead.message ?? null,
    referringAgent: lead.referringAgent ?? null,
    language: lead.language ?? null,
    tags: lead.tags ?? [],
    payload: lead.payload,
    intakeNotes: lead.notes,
    crmPerson,
    receivedAt: lead.receivedAt ? new Date(lead.receivedAt) : now,
    createdAt: now,
  });
  if (inserted) {
    const flagged = lead.notes.map((n) => n.field);
    const detail = flagged.length > 0 ? { source, flagged } : { source };
    recordEvent(tx, { taskId: inserted.id, kind: 'received', at: now, detail });
    return { id: inserted.id, duplicate: false };
  }
  const raced = existing();
  if (!raced) throw new Error('a conflicting task vanished inside its own transaction');
  return duplicate(tx, raced.id);

  function duplicate(tx: Sql, id: number): ReceiveResult {
    recordEvent(tx, {
      taskId: id,
      kind: 'duplicate',
      at: now,
      detail: { source, externalId: lead.externalId },
    });
    return { id, duplicate: true };
  }
}

/** Asked for every lead that arrives: built once per database (see prepared.ts). */
const taskBySourceId = preparedOnce((sql) =>
  sql
    .select({ id: tasks.id })
    .from(tasks)
    .where(
      and(eq(tasks.source, raw.placeholder('source')), eq(tasks.externalId, raw.placeholder('externalId'))),
    )
    .prepare(),
);

const taskByCrmPerson = preparedOnce((sql) =>
  sql
    .select({ id: tasks.id })
    .from(tasks)
    .where(eq(tasks.crmPerson, raw.placeholder('crmPerson')))
    .prepare(),
);

/**
 * The one insert every new lead makes, built once. Insert placeholders go through the columns'
 * encoders, so tags and payload are objects and the times Dates, as in a plain insert.
 */
const insertTask = preparedOnce((sql) =>
  sql
    .insert(tasks)
    .values({
      source: raw.placeholder('source'),
      externalId: raw.placeholder('externalId'),
      type: raw.placeholder('type'),
      status: 'received',
      firstName: raw.placeholder('firstName'),
      lastName: raw.placeholder('lastName'),
      email: raw.placeholder('email'),
      phone: raw.placeholder('phone'),
      street: raw.placeholder('street'),
      city: raw.placeholder('city'),
      state: raw.placeholder('state'),
      zip: raw.placeholder('zip'),
      price: raw.placeholder('price'),
      priceLow: raw.placeholder('priceLow'),
      message: raw.placeholder('message'),
      referringAgent: raw.placeholder('referringAgent'),
      language: raw.placeholder('language'),
      tags: raw.placeholder('tags'),
      payload: raw.placeholder('payload'),
      intakeNotes: raw.placeholder('intakeNotes'),
      crmPerson: raw.placeholder('crmPerson'),
      receivedAt: raw.placeholder('receivedAt'),
      createdAt: raw.placeholder('createdAt'),
    })
    .onConflictDoNothing({ target: [tasks.source, tasks.externalId] })
    .returning({ id: tasks.id })
    .prepare(),
);
