import type Database from 'better-sqlite3';
import { REPORT_KINDS_SQL } from '../core/events.js';
import type { IntakeNote } from '../core/lead-fields.js';
import { perDatabase } from '../db/per-database.js';
import { type LeadFacts, type LeadRowFacts, timelineFacts } from './lead-facts.js';
import type { ReportEvent, ReportLead } from './measures.js';

/** id, source, type, rule, created_at, manual_review, intake_notes, status, first_dm_at */
type LeadTuple = [number, string, string, string | null, number, number, string, string, number | null];
/** task_id, kind, actor, at, offer_id, agentId, reason, position, deadline */
type EventTuple = [
  number,
  string,
  string,
  number,
  number | null,
  string | null,
  string | null,
  number | null,
  string | null,
];

const EVENT_COLUMNS = `task_id, kind, actor, at, offer_id,
  case when kind in ('offered', 'expired') then json_extract(detail, '$.agentId')
       when kind in ('reassigned', 'handed_off') then json_extract(detail, '$.to') end,
  case when kind in ('pass_reason', 'passed') then json_extract(detail, '$.reason') end,
  case when kind = 'offered' then json_extract(detail, '$.position') end,
  case when kind in ('offered', 'clock_restarted') then json_extract(detail, '$.deadline') end`;

/**
 * Each read returns one JSON array built by SQLite (json_group_array), parsed by one JSON.parse:
 * handing tens of thousands of rows to JS one by one cost several times what SQLite spent finding
 * them.
 */
function prepare(db: Database.Database) {
  const asJson = <A extends unknown[]>(sql: string) => db.prepare<A, string>(sql).pluck();
  return {
    // Covered by tasks_report: the wide task rows (payload, message) are never read.
    leads: asJson<[number, number]>(
      `select json_group_array(json_array(id, source, type, rule_name, created_at, manual_review,
                                          intake_notes, status, first_dm_at))
         from tasks indexed by tasks_report where created_at >= ? and created_at < ?`,
    ),
    // Ids grow with time: the first lead's `received` event, written with it, comes before every
    // event of every later lead, so the events are one forward walk from there.
    firstEvent: db
      .prepare<[number], number | null>('select min(id) from events indexed by events_task where task_id = ?')
      .pluck(),
    // Covered by the partial index events_report (the same kinds, word for word); detail fields
    // are extracted only for the kinds that have them.
    events: asJson<[number, number]>(
      `select json_group_array(json_array(${EVENT_COLUMNS}))
         from (select * from events indexed by events_report
                where id >= ? and task_id >= ? and ${REPORT_KINDS_SQL} order by id)`,
    ),
    // A few leads' rows (those a report reduces on the spot), by primary key.
    rows: asJson<[string]>(
      `select json_group_array(json_array(t.id, t.source, t.type, t.rule_name, t.created_at,
                t.manual_review, t.intake_notes, t.status, t.first_dm_at))
         from tasks t where t.id in (select value from json_each(?))`,
    ),
    // A few leads' timelines (those the report indexer has not reduced yet), by events_task.
    timelines: asJson<[string]>(
      `select json_group_array(json_array(${EVENT_COLUMNS}))
         from (select * from events where task_id in (select value from json_each(?))
                and ${REPORT_KINDS_SQL} order by id)`,
    ),
  };
}

const statementsFor = perDatabase(prepare);

function reportEvent([
  ,
  kind,
  actor,
  at,
  offerId,
  agentId,
  reason,
  position,
  deadline,
]: EventTuple): ReportEvent {
  return {
    kind,
    actor,
    at: new Date(at),
    offerId,
    agentId,
    reason,
    position,
    deadline: deadline === null ? null : new Date(deadline),
  };
}

/** The report events of the given tasks, each task's in the order they happened. */
export function readTimelines(db: Database.Database, taskIds: readonly number[]): Map<number, ReportEvent[]> {
  const timelines = new Map<number, ReportEvent[]>(taskIds.map((id) => [id, []]));
  if (taskIds.length === 0) return timelines;
  for (const tuple of parsed<EventTuple>(statementsFor(db).timelines.get(JSON.stringify(taskIds))))
    timelines.get(tuple[0])?.push(reportEvent(tuple));
  return timelines;
}

/** The task row's side of the given leads (any order). */
export function readLeadRows(db: Database.Database, taskIds: readonly number[]): LeadRowFacts[] {
  if (taskIds.length === 0) return [];
  return parsed<LeadTuple>(statementsFor(db).rows.get(JSON.stringify(taskIds))).map(
    ([id, source, type, rule, receivedAt, manualReview, notes, status, firstDmAt]) => ({
      id,
      source,
      type,
      rule,
      receivedAt,
      firstDmAt,
      manualReview: manualReview === 1,
      noContact: noContact(notes),
      merged: status === 'merged',
    }),
  );
}

/** The given leads reduced now from their rows and timelines, by id. */
export function readLiveLeads(db: Database.Database, ids: readonly number[]): LeadFacts[] {
  const timelines = readTimelines(db, ids);
  return readLeadRows(db, ids)
    .map((row) => ({ ...row, ...timelineFacts(timelines.get(row.id) ?? []) }))
    .sort((a, b) => a.id - b.id);
}

const noContact = (notes: string) =>
  notes !== '[]' && (JSON.parse(notes) as IntakeNote[]).some((n) => n.field === 'contact');

const parsed = <T>(json: string | undefined): T[] => (json ? (JSON.parse(json) as T[]) : []);

/**
 * The leads stored in [since, until) with the events the measures read and their first DM. A
 * lead belongs to the period it arrived in; its later events (a claim next week) still count.
 * Three forward reads: the leads by `tasks_report`, their events by `events_report` (typed detail
 * fields projected by SQL), and their offers' DM times.
 */
export function readLeads(db: Database.Database, since: Date, until: Date): ReportLead[] {
  const s = statementsFor(db);
  const byId = new Map<number, ReportLead>();
  const leads: ReportLead[] = [];
  let firstTask = Number.POSITIVE_INFINITY;
  for (const [
    id,
    source,
    type,
    rule,
    receivedAt,
    manualReview,
    notes,
    status,
    firstDmAt,
  ] of parsed<LeadTuple>(s.leads.get(since.getTime(), until.getTime()))) {
    const lead: ReportLead = {
      id,
      source,
      type,
      rule,
      receivedAt: new Date(receivedAt),
      firstDmAt: firstDmAt === null ? null : new Date(firstDmAt),
      manualReview: manualReview === 1,
      noContact: noContact(notes),
      merged: status === 'merged',
      events: [],
    };
    byId.set(id, lead);
    leads.push(lead);
    firstTask = Math.min(firstTask, id);
  }
  if (leads.length === 0) return leads;
  leads.sort((a, b) => a.id - b.id);
  const fromEvent = s.firstEvent.get(firstTask) ?? 0;
  for (const tuple of parsed<EventTuple>(s.events.get(fromEvent, firstTask))) {
    const lead = byId.get(tuple[0]);
    if (!lead) continue;
    const event = reportEvent(tuple);
    lead.events.push(event);
  }
  return leads;
}
