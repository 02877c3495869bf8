import type Database from 'better-sqlite3';
import { pendingLeads } from './facts-store.js';
import { type LeadFacts, leadFacts, timelineFacts } from './lead-facts.js';
import { readLeadRows, readLeads, readTimelines } from './read.js';
import { addReasons, emptyTally, type Tally } from './tally.js';
import { type AgentTally, addFairOffer, type FairOffers } from './tally-agents.js';

/**
 * A report's adding-up done by SQLite for the leads kept in report_facts, so a month's report
 * never builds an object per lead: counts and sums per period (or group) in one pass over
 * tasks_report joined to report_facts, and only the lists a median needs (milliseconds, joined
 * by commas). The leads the indexer has not reduced yet (new events since its cursor, or no row)
 * come back as `live`, reduced now from their timelines; reports/tally.ts adds them up the same
 * way and the two are merged, so the figures are exact to the last event.
 */

/** A stretch of arrival times, named: a period, or a day of a by-day table. */
export interface Range {
  key: string;
  since: Date;
  until: Date;
}

/** What the tables of a report group by, as SQL reads it (day: `Range`s of days, see below). */
export type Grouping = { by: 'source' | 'rule' | 'type' } | { by: 'day'; days: Range[] };

export interface StoredTallies {
  /** The stored leads of each period, by the period's key. */
  periods: Map<string, Tally>;
  /** The stored leads of `detail`, per group (rule: null for leads with none; day: the day's key). */
  groups: Map<string | null, Tally>;
  /** The stored leads of `detail`, per agent. */
  agents: Map<string, AgentTally>;
  /** The stored leads of `detail`: each rule's first offers per agent. */
  fairOffers: FairOffers;
  /** When each repeat noted on a stored lead of the periods arrived (merged leads too). */
  repeatTimes: number[];
  /** Every lead of the periods not counted above, reduced now from its timeline. */
  live: LeadFacts[];
}

const GROUP_SQL = { none: "''", source: 't.source', rule: 't.rule_name', type: 't.type' } as const;

/** A lead the indexer has reduced and that is not merged: what every figure but duplicates counts. */
const L = "f.task_id is not null and t.status <> 'merged'";
/** …and dispatched by the rules. */
const D = `${L} and f.rules_offers > 0`;
/** Its first / last rules offer is not still open at @now (null: read at no particular time). */
const FIRST_DECIDED = 'not coalesce(f.first_offer_open_until > @now, 0)';
const LAST_DECIDED = 'not coalesce(f.last_offer_open_until > @now, 0)';

/**
 * One row per range and group. The ranges drive range reads of tasks_report; report_facts is
 * joined by key, except for leads in @stale (events after the indexer's cursor), which, like
 * leads without a row, are only listed (`live`) for the caller to reduce.
 */
const tallySql = (group: string) => `
  select r.value ->> 0, ${group},
    group_concat(t.id) filter (where f.task_id is null),
    count(*) filter (where f.task_id is not null and t.status = 'merged'),
    count(*) filter (where ${L}),
    count(*) filter (where ${D}),
    total(f.rules_offers - 1) filter (where ${D}),
    count(*) filter (where ${D} and ${FIRST_DECIDED}),
    count(*) filter (where ${D} and ${FIRST_DECIDED} and f.first_offer_hit = 1),
    count(*) filter (where ${D} and (f.claimed_in_chain = 1 or f.escalation is not null or ${LAST_DECIDED})),
    count(*) filter (where ${D} and f.claimed_in_chain = 1),
    count(*) filter (where ${D} and f.reassigned = 1),
    count(*) filter (where ${D} and (f.reassigned = 1 or f.misassigned_passes > 0)),
    count(*) filter (where ${L} and f.escalation is not null),
    count(*) filter (where ${L} and f.escalation = 'assigned'),
    count(*) filter (where ${L} and f.escalation = 'taken'),
    count(*) filter (where ${L} and f.escalation = 'returned'),
    count(*) filter (where ${L} and f.escalation = 'pond'),
    count(*) filter (where ${L} and f.escalation = 'open'),
    count(*) filter (where ${L} and f.held_at is not null),
    total(f.passes) filter (where ${L}),
    group_concat(f.pass_reasons) filter (where ${L} and f.pass_reasons is not null),
    total(f.lapses) filter (where ${L}),
    total(length(f.duplicate_times) - length(replace(f.duplicate_times, ',', '')) + 1)
      filter (where ${L} and f.duplicate_times is not null),
    group_concat(f.duplicate_times) filter (where f.task_id is not null and f.duplicate_times is not null),
    count(*) filter (where ${L} and t.intake_notes <> '[]'
      and exists (select 1 from json_each(t.intake_notes) where value ->> 'field' = 'contact')),
    count(*) filter (where ${L} and t.manual_review = 1),
    group_concat(t.first_dm_at - t.created_at) filter (where ${L} and t.first_dm_at is not null),
    group_concat(f.claimed_at - t.created_at) filter (where ${L} and f.claimed_at is not null),
    group_concat(f.contacted_at - f.claimed_at)
      filter (where ${L} and f.claimed_at is not null and f.contacted_at is not null),
    group_concat(f.hold_ms) filter (where ${L} and f.held_at is not null and f.hold_ms is not null)
  from json_each(@ranges) r
  join tasks t indexed by tasks_report
    on t.created_at >= r.value ->> 1 and t.created_at < r.value ->> 2
  left outer join report_facts f on f.task_id = t.id and t.id not in (select value from json_each(@stale))
  group by 1, 2`;

/** Stored, reduced and not stale, not merged: the leads whose agents and first offers SQL adds up. */
const detailFrom = (join = '') => `from tasks t indexed by tasks_report
  join report_facts f on f.task_id = t.id ${join}
  where t.created_at >= @since and t.created_at < @until and t.status <> 'merged'
    and t.id not in (select value from json_each(@stale))`;

function prepare(db: Database.Database) {
  const tally = (group: string) => db.prepare(tallySql(group)).raw();
  return {
    tallies: {
      none: tally(GROUP_SQL.none),
      source: tally(GROUP_SQL.source),
      rule: tally(GROUP_SQL.rule),
      type: tally(GROUP_SQL.type),
    },
    agents: db
      .prepare(
        `select a.agent_id, total(a.offers), total(a.claims), total(a.passes),
                total(a.misassigned_passes), total(a.lapses), group_concat(a.claim_ms)
           ${detailFrom('join report_agent_facts a on a.task_id = t.id')}
          group by a.agent_id`,
      )
      .raw(),
    fairOffers: db
      .prepare(
        `select t.rule_name, f.fair_offers, count(*) ${detailFrom()}
            and t.rule_name is not null and f.fair_offers is not null
          group by t.rule_name, f.fair_offers`,
      )
      .raw(),
  };
}

const statements = new WeakMap<Database.Database, ReturnType<typeof prepare>>();
function statementsFor(db: Database.Database) {
  let s = statements.get(db);
  if (!s) {
    s = prepare(db);
    statements.set(db, s);
  }
  return s;
}

/** A comma-joined list of integers (null: none). */
const numbers = (text: string | null): number[] => (text ? text.split(',').map(Number) : []);
const secondsOf = (text: string | null): number[] => numbers(text).map((ms) => ms / 1000);

function tallyOfRow(row: unknown[]): Tally {
  const n = (i: number) => Number(row[i] ?? 0);
  const list = (i: number) => (row[i] ?? null) as string | null;
  const t = emptyTally();
  t.merged = n(3);
  t.leads = n(4);
  t.dispatched = n(5);
  t.redispatches = n(6);
  t.slaFirstOffer = { of: n(7), hits: n(8) };
  t.slaChain = { of: n(9), hits: n(10) };
  t.reassigned = n(11);
  t.misassigned = n(12);
  t.escalated = n(13);
  t.resolved = { assigned: n(14), taken: n(15), returned: n(16), pond: n(17), open: n(18) };
  t.held = n(19);
  t.passes = n(20);
  const reasons = list(21);
  if (reasons) addReasons(t.passReasons, reasons.split(','));
  t.lapses = n(22);
  t.notedRepeats = n(23);
  // 24: repeat times, read by the caller
  t.noContact = n(25);
  t.manualReview = n(26);
  t.dispatchSeconds = secondsOf(list(27));
  t.claimSeconds = secondsOf(list(28));
  t.contactSeconds = secondsOf(list(29));
  t.holdSeconds = secondsOf(list(30));
  return t;
}

const rangesJson = (ranges: readonly Range[]) =>
  JSON.stringify(ranges.map((r) => [r.key, r.since.getTime(), r.until.getTime()]));

/**
 * The stored part of a report over `periods` (contiguous, oldest first), with per-agent, fairness
 * and grouped tallies over `detail` (inside the periods), and the leads to add up live. One read
 * transaction, so the indexer's cursor and the rows agree. Far behind the indexer (a database the
 * app has not run on since the upgrade), every lead comes back live, read from the events.
 */
export function readStoredTallies(
  db: Database.Database,
  {
    periods,
    detail,
    grouping,
    now,
    unindexedLimit,
  }: {
    periods: Range[];
    /** Per-agent, fairness and grouped tallies are read over this range; none without it. */
    detail?: Range;
    grouping?: Grouping;
    now?: Date;
    unindexedLimit?: number;
  },
): StoredTallies {
  const s = statementsFor(db);
  const first = periods[0];
  const last = periods.at(-1);
  const result: StoredTallies = {
    periods: new Map(),
    groups: new Map(),
    agents: new Map(),
    fairOffers: new Map(),
    repeatTimes: [],
    live: [],
  };
  if (!first || !last) return result;
  return db.transaction(() => {
    const pending = pendingLeads(db, unindexedLimit);
    if (pending === null) {
      result.live = readLeads(db, first.since, last.until).map(leadFacts);
      return result;
    }
    const stale = JSON.stringify(pending);
    const at = now === undefined ? null : now.getTime();
    const liveIds: number[] = [];
    for (const row of s.tallies.none.all({ ranges: rangesJson(periods), stale, now: at }) as unknown[][]) {
      result.periods.set(String(row[0]), tallyOfRow(row));
      liveIds.push(...numbers(row[2] as string | null));
      result.repeatTimes.push(...numbers(row[24] as string | null));
    }
    if (detail) readDetail(s, result, { detail, grouping, stale, now: at });
    const timelines = readTimelines(db, liveIds);
    result.live = readLeadRows(db, liveIds)
      .map((row) => ({ ...row, ...timelineFacts(timelines.get(row.id) ?? []) }))
      .sort((a, b) => a.id - b.id);
    return result;
  })();
}

/** The stored leads of `detail` per group, per agent, and their first offers per rule. */
function readDetail(
  s: ReturnType<typeof prepare>,
  result: StoredTallies,
  p: { detail: Range; grouping?: Grouping | undefined; stale: string; now: number | null },
): void {
  if (p.grouping) {
    const byDay = p.grouping.by === 'day';
    const ranges = p.grouping.by === 'day' ? p.grouping.days : [p.detail];
    const statement = p.grouping.by === 'day' ? s.tallies.none : s.tallies[p.grouping.by];
    for (const row of statement.all({
      ranges: rangesJson(ranges),
      stale: p.stale,
      now: p.now,
    }) as unknown[][])
      result.groups.set(byDay ? String(row[0]) : (row[1] as string | null), tallyOfRow(row));
  }
  const params = { since: p.detail.since.getTime(), until: p.detail.until.getTime(), stale: p.stale };
  for (const row of s.agents.all(params) as AgentRow[]) {
    const [agentId, offers, claims, passes, misassignedPasses, lapses, claimMs] = row;
    result.agents.set(agentId, {
      offers,
      claims,
      passes,
      misassignedPasses,
      lapses,
      claimSeconds: secondsOf(claimMs),
    });
  }
  for (const [rule, fairOffers, n] of s.fairOffers.all(params) as [string, string, number][])
    for (const agentId of fairOffers.split(',')) addFairOffer(result.fairOffers, rule, agentId, n);
}

/** agent_id, offers, claims, passes, misassigned passes, lapses, claim ms (comma-joined). */
type AgentRow = [string, number, number, number, number, number, string | null];
