import { events } from '../db/schema.js';
import type { Sql } from './context.js';

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
  sql
    .insert(events)
    .values({
      taskId: e.taskId,
      offerId: e.offerId ?? null,
      kind: e.kind,
      actor: e.actor ?? SYSTEM,
      at: e.at,
      detail: e.detail ?? {},
    })
    .run();
}
