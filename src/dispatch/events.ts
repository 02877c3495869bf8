import { asc, eq, sql as raw } from 'drizzle-orm';
import {
  type EventDetail,
  type EventKind,
  parseEvent,
  type ReadEvent,
  type StoredEvent,
  type TaskEvent,
} from '../core/events.js';
import { events } from '../db/schema.js';
import type { Logger } from '../log.js';
import type { Sql } from './context.js';
import { preparedOnce } from './prepared.js';

export type { EventDetail, EventKind, ReadEvent, TaskEvent };

export const SYSTEM = 'system';

/** A detail is optional only for kinds whose detail has no required field (claimed, taken, …). */
type DetailArg<D> = Record<string, never> extends D ? { detail?: D } : { detail: D };

/**
 * What a use case records: a kind with exactly that kind's detail. A distributive union, so
 * `{ kind: 'offered', detail: { assignee } }` does not compile; the schemas in core/events.ts
 * are the one list of fields.
 */
export type NewEvent = {
  [K in EventKind]: {
    taskId: number;
    offerId?: number | null;
    kind: K;
    /** A Slack user id; `system` when nobody acted (the sweeper, routing, intake). */
    actor?: string;
    at: Date;
  } & DetailArg<EventDetail<K>>;
}[EventKind];

export function recordEvent(sql: Sql, e: NewEvent): void {
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

/** Event ids already reported as unreadable: a timeline opened ten times logs its bad row once. */
const reported = new Set<number>();

/**
 * A stored row as a typed event. A row this version cannot read (a kind from a newer or older
 * version, a detail of another shape) comes back as unreadable, for a generic line, and is
 * logged once per process so the operator hears of it without a log line per view.
 */
export function readEvent(row: StoredEvent, log: Logger): ReadEvent {
  const read = parseEvent(row);
  if (!read.ok && !reported.has(row.id)) {
    reported.add(row.id);
    const { id, taskId, kind, problem } = read.unreadable;
    log.warn('an event row does not match its kind; shown as a generic line', {
      eventId: id,
      taskId,
      kind,
      problem,
    });
  }
  return read;
}

/**
 * A task's whole history, oldest first, each event read through its schema. The detail column is
 * read as text and parsed here rather than by drizzle's JSON column, whose parse would throw on
 * one hand-edited row and take the whole timeline down with it.
 */
export function readTaskEvents(sql: Sql, taskId: number, log: Logger): ReadEvent[] {
  return sql
    .select({
      id: events.id,
      taskId: events.taskId,
      offerId: events.offerId,
      kind: events.kind,
      actor: events.actor,
      at: events.at,
      detail: raw<string>`cast(${events.detail} as text)`,
    })
    .from(events)
    .where(eq(events.taskId, taskId))
    .orderBy(asc(events.id))
    .all()
    .map((row) => readEvent({ ...row, detail: jsonOrText(row.detail) }, log));
}

/** Not JSON: kept as the text it is, which no kind's schema accepts, so the row reads as unreadable. */
function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
