import { sql as raw } from 'drizzle-orm';
import { events } from '../db/schema.js';
import type { Sql } from './context.js';
import { preparedOnce } from './prepared.js';

export type EventKind =
  | 'received'
  | 'duplicate'
  | 'classified'
  | 'routed'
  | 'offered'
  | 'skipped'
  | 'claimed'
  | 'passed'
  | 'delivery_failed'
  | 'expired'
  | 'pass_reason'
  | 'escalated'
  | 'reannounced'
  | 'assigned'
  | 'taken'
  | 'returned'
  | 'contact_reminded'
  | 'contacted'
  | 'withdrawn'
  | 'held'
  | 'released'
  | 'merged'
  | 'duplicate_contact';

export const SYSTEM = 'system';

export function recordEvent(
  sql: Sql,
  e: {
    taskId: number;
    offerId?: number | null;
    kind: EventKind;
    actor?: string;
    at: Date;
    detail?: Record<string, unknown>;
  },
): void {
  insertEvent(sql).run({
    taskId: e.taskId,
    offerId: e.offerId ?? null,
    kind: e.kind,
    actor: e.actor ?? SYSTEM,
    at: e.at,
    detail: e.detail ?? {},
  });
}

// About six of these per lead: built once. Insert placeholders still go through each column's
// encoder, so `at` is a Date and `detail` an object here, as in any insert.
const insertEvent = preparedOnce((sql) =>
  sql
    .insert(events)
    .values({
      taskId: raw.placeholder('taskId'),
      offerId: raw.placeholder('offerId'),
      kind: raw.placeholder('kind'),
      actor: raw.placeholder('actor'),
      at: raw.placeholder('at'),
      detail: raw.placeholder('detail'),
    })
    .prepare(),
);
