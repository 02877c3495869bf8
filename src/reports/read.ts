import type Database from 'better-sqlite3';
import { REPORT_KINDS_SQL } from '../core/events.js';
import type { IntakeNote } from '../core/lead-fields.js';
import type { ReportLead } from './measures.js';

/** id, source, type, rule, created_at, manual_review, intake_notes, status */
type LeadTuple = [number, string, string, string | null, number, number, string, string];
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
/** task_id, dm_posted_at */
type OfferTuple = [number, number];

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
                                          intake_notes, status))
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
      `select json_group_array(json_array(task_id, kind, actor, at, offer_id,
                case when kind in ('offered', 'expired') then json_extract(detail, '$.agentId')
                     when kind in ('reassigned', 'handed_off') then json_extract(detail, '$.to') end,
                case when kind in ('pass_reason', 'passed') then json_extract(detail, '$.reason') end,
                case when kind = 'offered' then json_extract(detail, '$.position') end,
                case when kind in ('offered', 'clock_restarted') then json_extract(detail, '$.deadline') end))
         from (select * from events indexed by events_report
                where id >= ? and task_id >= ? and ${REPORT_KINDS_SQL} order by id)`,
    ),
    offers: asJson<[number, number]>(
      `select json_group_array(json_array(task_id, dm_posted_at)) from offers
        where id >= ? and task_id >= ? and dm_posted_at is not null`,
    ),
  };
}

const statements = new WeakMap<Database.Database, ReturnType<typeof prepare>>();

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
  let s = statements.get(db);
  if (!s) {
    s = prepare(db);
    statements.set(db, s);
  }
  const byId = new Map<number, ReportLead>();
  const leads: ReportLead[] = [];
  let firstTask = Number.POSITIVE_INFINITY;
  for (const [id, source, type, rule, receivedAt, manualReview, notes, status] of parsed<LeadTuple>(
    s.leads.get(since.getTime(), until.getTime()),
  )) {
    const lead: ReportLead = {
      id,
      source,
      type,
      rule,
      receivedAt: new Date(receivedAt),
      firstDmAt: null,
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
  let firstOffer = Number.POSITIVE_INFINITY;
  const fromEvent = s.firstEvent.get(firstTask) ?? 0;
  for (const [taskId, kind, actor, at, offerId, agentId, reason, position, deadline] of parsed<EventTuple>(
    s.events.get(fromEvent, firstTask),
  )) {
    const lead = byId.get(taskId);
    if (!lead) continue;
    if (kind === 'offered' && offerId !== null) firstOffer = Math.min(firstOffer, offerId);
    lead.events.push({
      kind,
      actor,
      at: new Date(at),
      offerId,
      agentId,
      reason,
      position,
      deadline: deadline === null ? null : new Date(deadline),
    });
  }
  // The leads' offers are named by their `offered` events; the earliest bounds the walk.
  if (firstOffer === Number.POSITIVE_INFINITY) return leads;
  for (const [taskId, dmPostedAt] of parsed<OfferTuple>(s.offers.get(firstOffer, firstTask))) {
    const lead = byId.get(taskId);
    if (lead && (lead.firstDmAt === null || dmPostedAt < lead.firstDmAt.getTime()))
      lead.firstDmAt = new Date(dmPostedAt);
  }
  return leads;
}
