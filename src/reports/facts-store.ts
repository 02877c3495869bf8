import type Database from 'better-sqlite3';
import type { IntakeNote } from '../core/lead-fields.js';
import { perDatabase } from '../db/per-database.js';
import {
  type AgentLeadFacts,
  type EscalationOutcome,
  type LeadFacts,
  leadFacts,
  type TimelineFacts,
  timelineFacts,
} from './lead-facts.js';
import { readLeads, readTimelines } from './read.js';
import { timelineShape } from './shape.js';

/**
 * `report_facts` in and out: each lead's timeline reduced once (lead-facts.ts) and kept, so a
 * month's report reads one row a lead. The events stay the truth: the engine's report indexer
 * moves a cursor along the events table and reduces again every lead an event touched; a report
 * reduces on the spot the leads whose events are newer than the cursor, so it is exact to the
 * last event whether or not the indexer has caught up.
 */

/**
 * Past this many events not yet indexed (a database the app has not run on since the upgrade, a
 * restore), a report reads every event of the period as it did before report_facts existed:
 * finding the leads they touch would cost more than that.
 */
const UNINDEXED_LIMIT = 20_000;

/** id, source, type, rule, created_at, manual_review, intake_notes, status, first DM, then the facts. */
type FactsTuple = [
  number,
  string,
  string,
  string | null,
  number,
  number,
  string,
  string,
  number | null,
  // report_facts: null when the lead has no row yet
  number | null,
  number | null,
  number | null,
  number | null,
  number | null,
  number | null,
  number | null,
  number | null,
  string | null,
  number | null,
  number | null,
  number | null,
  string | null,
  number | null,
  string | null,
  number | null,
  number | null,
  string | null,
  number | null,
  string | null,
];

const FACT_COLUMNS = `f.task_id, f.claimed_at, f.contacted_at, f.rules_offers, f.first_offer_hit,
  f.first_offer_open_until, f.last_offer_open_until, f.claimed_in_chain, f.escalation, f.held_at,
  f.hold_ms, f.passes, f.pass_reasons, f.lapses, f.duplicate_times, f.reassigned,
  f.misassigned_passes, f.fair_offers, f.offer_window_ms, f.agents`;

function prepare(db: Database.Database) {
  return {
    cursor: db
      .prepare<[], number>('select coalesce((select last_event_id from report_cursor where id = 1), 0)')
      .pluck(),
    newest: db.prepare<[], number>('select coalesce(max(id), 0) from events').pluck(),
    // The leads a stretch of events touched, by primary key.
    touched: db
      .prepare<[number, number], number>(
        'select distinct task_id from events where id > ? and id <= ? order by task_id',
      )
      .pluck(),
    // Covered by tasks_report, the facts by primary key: one row a lead, built into one JSON
    // array (see read.ts for why JSON).
    period: db
      .prepare<[number, number], string>(
        `select json_group_array(json_array(t.id, t.source, t.type, t.rule_name, t.created_at,
                  t.manual_review, t.intake_notes, t.status,
                  t.first_dm_at, ${FACT_COLUMNS}))
           from tasks t indexed by tasks_report left join report_facts f on f.task_id = t.id
          where t.created_at >= ? and t.created_at < ?`,
      )
      .pluck(),
    upsert: db.prepare(
      `insert or replace into report_facts (task_id, claimed_at, contacted_at, rules_offers,
         first_offer_hit, first_offer_open_until, last_offer_open_until, claimed_in_chain, escalation,
         held_at, hold_ms, passes, pass_reasons, lapses, duplicate_times, reassigned,
         misassigned_passes, fair_offers, offer_window_ms, agents, shape)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    // The agents' side as rows too, so a report adds them up in SQL (tally-store.ts).
    deleteAgents: db.prepare<[number]>('delete from report_agent_facts where task_id = ?'),
    insertAgent: db.prepare<[number, string, number, number, number, number, number, number, string | null]>(
      `insert into report_agent_facts (task_id, agent_id, offers, claims, passes, misassigned_passes,
         lapses, first_offers, claim_ms) values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    setCursor: db.prepare<[number]>(
      `insert into report_cursor (id, last_event_id) values (1, ?)
         on conflict (id) do update set last_event_id = excluded.last_event_id`,
    ),
  };
}

const statementsFor = perDatabase(prepare);

/** Most leads have no pass reasons, repeats or agents: one shared empty list, nothing to collect. */
const NONE: readonly never[] = Object.freeze([]);
const list = (text: string | null): string[] => (text ? text.split(',') : (NONE as never[]));
const joined = (values: readonly (string | number)[]) => (values.length > 0 ? values.join(',') : null);
const bool = (value: number | null) => value === 1;
const seconds = (ms: number | null) => (ms === null ? null : ms / 1000);
const millis = (s: number | null) => (s === null ? null : Math.round(s * 1000));
/** An agent's claim times in whole milliseconds, as both stored forms keep them. */
const claimMillis = (a: AgentLeadFacts) => a.claimSeconds.map((s) => Math.round(s * 1000));

function encodeAgents(agents: readonly AgentLeadFacts[]): string | null {
  if (agents.length === 0) return null;
  return agents
    .map((a) =>
      [a.agentId, a.offers, a.claims, a.passes, a.misassignedPasses, a.lapses, claimMillis(a).join('|')].join(
        ',',
      ),
    )
    .join(';');
}

function decodeAgents(text: string | null): AgentLeadFacts[] {
  if (!text) return NONE as never[];
  return text.split(';').map((entry) => {
    const [agentId = '', offers, claims, passes, misassigned, lapses, claimMs = ''] = entry.split(',');
    return {
      agentId,
      offers: Number(offers),
      claims: Number(claims),
      passes: Number(passes),
      misassignedPasses: Number(misassigned),
      lapses: Number(lapses),
      claimSeconds: claimMs === '' ? [] : claimMs.split('|').map((ms) => Number(ms) / 1000),
    };
  });
}

function storeFacts(s: ReturnType<typeof prepare>, taskId: number, f: TimelineFacts): void {
  s.upsert.run(
    taskId,
    f.claimedAt,
    f.contactedAt,
    f.rulesOffers,
    f.firstOfferHit ? 1 : 0,
    f.firstOfferOpenUntil,
    f.lastOfferOpenUntil,
    f.claimedInChain ? 1 : 0,
    f.escalation,
    f.heldAt,
    millis(f.holdSeconds),
    f.passes,
    joined(f.passReasons),
    f.lapses,
    joined(f.duplicateTimes),
    f.reassigned ? 1 : 0,
    f.misassignedPasses,
    joined(f.fairOffers),
    millis(f.offerWindowSeconds),
    encodeAgents(f.agents),
    timelineShape(f),
  );
  s.deleteAgents.run(taskId);
  // Every agent the rules offered it to first has a row: offered at all, they are in f.agents.
  for (const a of f.agents)
    s.insertAgent.run(
      taskId,
      a.agentId,
      a.offers,
      a.claims,
      a.passes,
      a.misassignedPasses,
      a.lapses,
      f.fairOffers.filter((id) => id === a.agentId).length,
      joined(claimMillis(a)),
    );
}

/**
 * One slice of the report indexer: reduces again every lead touched by the next `maxEvents`
 * events after the cursor, and moves the cursor, in one transaction. Returns how many events it
 * covered (0: caught up).
 */
export function indexReportFacts(db: Database.Database, maxEvents: number): number {
  const s = statementsFor(db);
  return db.transaction(() => {
    const cursor = s.cursor.get() ?? 0;
    const upTo = Math.min(s.newest.get() ?? 0, cursor + maxEvents);
    if (upTo <= cursor) return 0;
    const tasks = s.touched.all(cursor, upTo);
    for (const [taskId, events] of readTimelines(db, tasks)) storeFacts(s, taskId, timelineFacts(events));
    s.setCursor.run(upTo);
    return upTo - cursor;
  })();
}

const noContact = (notes: string) =>
  notes !== '[]' && (JSON.parse(notes) as IntakeNote[]).some((n) => n.field === 'contact');

/**
 * The leads with events the indexer has not reduced yet (their report_facts are stale or missing),
 * or null when it is more than `unindexedLimit` events behind and a report should read the events
 * instead. Call inside the report's read transaction, so the cursor and the rows agree.
 */
export function pendingLeads(db: Database.Database, unindexedLimit = UNINDEXED_LIMIT): number[] | null {
  const s = statementsFor(db);
  const cursor = s.cursor.get() ?? 0;
  const newest = s.newest.get() ?? 0;
  if (newest - cursor > unindexedLimit) return null;
  return newest > cursor ? s.touched.all(cursor, newest) : [];
}

/**
 * One literal with every field, so each lead gets the same hidden class: spreading two objects of
 * 30 fields into one cost 75 µs a lead (dictionary-mode objects), most of a month's report.
 */
function storedFacts(t: FactsTuple, withAgents: boolean): LeadFacts {
  return {
    id: t[0],
    source: t[1],
    type: t[2],
    rule: t[3],
    receivedAt: t[4],
    manualReview: t[5] === 1,
    noContact: noContact(t[6]),
    merged: t[7] === 'merged',
    firstDmAt: t[8],
    claimedAt: t[10],
    contactedAt: t[11],
    rulesOffers: t[12] ?? 0,
    firstOfferHit: bool(t[13]),
    firstOfferOpenUntil: t[14],
    lastOfferOpenUntil: t[15],
    claimedInChain: bool(t[16]),
    escalation: t[17] as EscalationOutcome | null,
    heldAt: t[18],
    holdSeconds: seconds(t[19]),
    passes: t[20] ?? 0,
    passReasons: list(t[21]),
    lapses: t[22] ?? 0,
    duplicateTimes: list(t[23]).map(Number),
    reassigned: bool(t[24]),
    misassignedPasses: t[25] ?? 0,
    fairOffers: list(t[26]),
    offerWindowSeconds: seconds(t[27]),
    agents: withAgents ? decodeAgents(t[28]) : (NONE as never[]),
  };
}

/**
 * The facts of every lead stored in [since, until), exact to the last event: the kept facts of
 * the leads the indexer has reduced, and the others reduced now from their timelines. One read
 * transaction, so the cursor and the rows agree.
 */
export function readLeadFacts(
  db: Database.Database,
  since: Date,
  until: Date,
  {
    agentsFrom = since,
    unindexedLimit = UNINDEXED_LIMIT,
  }: {
    /** Leads received before this get no per-agent facts (a previous period's figures need none). */
    agentsFrom?: Date;
    /** See UNINDEXED_LIMIT; tests set it to read every way. */
    unindexedLimit?: number;
  } = {},
): LeadFacts[] {
  const s = statementsFor(db);
  return db.transaction(() => {
    const pending = pendingLeads(db, unindexedLimit);
    if (pending === null) return readLeads(db, since, until).map(leadFacts);
    const stale = new Set(pending);
    const json = s.period.get(since.getTime(), until.getTime());
    const tuples = json ? (JSON.parse(json) as FactsTuple[]) : [];
    const unreduced = tuples.filter((t) => t[9] === null || stale.has(t[0])).map((t) => t[0]);
    const timelines = readTimelines(db, unreduced);
    return tuples
      .map((t) => {
        const events = timelines.get(t[0]);
        return events
          ? { ...storedFacts(t, false), ...timelineFacts(events) }
          : storedFacts(t, t[4] >= agentsFrom.getTime());
      })
      .sort((a, b) => a.id - b.id);
  })();
}
