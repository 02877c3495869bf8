import type Database from 'better-sqlite3';
import { REPORT_KINDS_SQL } from '../core/events.js';
import type { IntakeNote } from '../core/lead-fields.js';
import type { ReportEvent, ReportLead } from './measures.js';

interface LeadRow {
  id: number;
  source: string;
  type: string;
  rule: string | null;
  receivedAt: number;
  manualReview: number;
  intakeNotes: string;
  status: string;
}

interface EventRow {
  taskId: number;
  kind: string;
  actor: string;
  at: number;
  offerId: number | null;
  agentId: string | null;
  reason: string | null;
  position: number | null;
  deadline: string | null;
}

type Range = [number, number];

function prepare(db: Database.Database) {
  return {
    // Covered by tasks_report: the wide task rows (payload, message) are never read.
    leads: db.prepare<Range, LeadRow>(
      `select id, source, type, rule_name as rule, created_at as receivedAt, manual_review as manualReview,
              intake_notes as intakeNotes, status
         from tasks indexed by tasks_report where created_at >= ? and created_at < ?`,
    ),
    // Ids grow with time, so every event of a lead stored since then has an id at or past the
    // first event of the first such lead; reads then walk ids forward, not one lookup per lead.
    // Its `received` event, written with the task: no later lead's event has a smaller id.
    firstEvent: db.prepare<[number], { id: number | null }>(
      'select min(id) as id from events indexed by events_task where task_id = ?',
    ),
    // Covered by the partial index events_report (the same kinds, word for word).
    events: db.prepare<[number, number], EventRow>(
      `select task_id as taskId, kind, actor, at, offer_id as offerId,
              case when kind in ('offered', 'expired') then json_extract(detail, '$.agentId') end as agentId,
              case when kind in ('pass_reason', 'passed') then json_extract(detail, '$.reason') end as reason,
              case when kind = 'offered' then json_extract(detail, '$.position') end as position,
              case when kind in ('offered', 'clock_restarted') then json_extract(detail, '$.deadline') end
                as deadline
         from events indexed by events_report
        where id >= ? and task_id >= ? and ${REPORT_KINDS_SQL}
        order by id`,
    ),
    offers: db.prepare<[number, number], { taskId: number; dmPostedAt: number }>(
      `select task_id as taskId, dm_posted_at as dmPostedAt from offers
        where id >= ? and task_id >= ? and dm_posted_at is not null`,
    ),
  };
}

const statements = new WeakMap<Database.Database, ReturnType<typeof prepare>>();

const noContact = (notes: string) =>
  notes !== '[]' && (JSON.parse(notes) as IntakeNote[]).some((n) => n.field === 'contact');

/**
 * The leads stored in [since, until) with the events the measures read and their first DM. A
 * lead belongs to the period it arrived in; its later events (a claim next week) still count.
 * Three forward reads: the leads by `tasks_report`, their events by `events_report` (typed detail
 * fields projected by SQL rather than parsed row by row in JS), and their offers' DM times.
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
  for (const r of s.leads.all(since.getTime(), until.getTime())) {
    const lead: ReportLead = {
      id: r.id,
      source: r.source,
      type: r.type,
      rule: r.rule,
      receivedAt: new Date(r.receivedAt),
      firstDmAt: null,
      manualReview: r.manualReview === 1,
      noContact: noContact(r.intakeNotes),
      merged: r.status === 'merged',
      events: [],
    };
    byId.set(r.id, lead);
    leads.push(lead);
    firstTask = Math.min(firstTask, r.id);
  }
  if (leads.length === 0) return leads;
  const fromEvent = s.firstEvent.get(firstTask)?.id ?? 0;
  let firstOffer = Number.POSITIVE_INFINITY;
  for (const r of s.events.all(fromEvent, firstTask)) {
    const lead = byId.get(r.taskId);
    if (!lead) continue;
    if (r.kind === 'offered' && r.offerId !== null) firstOffer = Math.min(firstOffer, r.offerId);
    lead.events.push({
      kind: r.kind,
      actor: r.actor,
      at: new Date(r.at),
      offerId: r.offerId,
      agentId: r.agentId,
      reason: r.reason,
      position: r.position,
      deadline: r.deadline === null ? null : new Date(r.deadline),
    } satisfies ReportEvent);
  }
  // The leads' offers are named by their `offered` events; the earliest bounds the walk.
  if (firstOffer === Number.POSITIVE_INFINITY) return leads;
  for (const r of s.offers.all(firstOffer, firstTask)) {
    const lead = byId.get(r.taskId);
    if (lead && (lead.firstDmAt === null || r.dmPostedAt < lead.firstDmAt.getTime()))
      lead.firstDmAt = new Date(r.dmPostedAt);
  }
  return leads;
}
