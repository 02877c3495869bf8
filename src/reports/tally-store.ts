import type Database from 'better-sqlite3';
import { perDatabase } from '../db/per-database.js';
import { pendingLeads } from './facts-store.js';
import { type LeadFacts, leadFacts } from './lead-facts.js';
import { readLeads, readLiveLeads } from './read.js';
import { addShape, SHAPE_BITS } from './shape.js';
import { addReasons, append, emptyTally, type Tally } from './tally.js';
import { type AgentTally, addAgentTally, addFairOffer, type FairOffers } from './tally-agents.js';

/**
 * A report's adding-up done by SQLite for the leads kept in report_facts, so a month's report
 * never builds an object per lead: per period (or group), the leads counted by shape (shape.ts)
 * with a few sums, in one pass over tasks_report joined to report_facts; in a second, only the
 * lists a median needs (milliseconds, joined by commas); per rule and agent, the agents' sums. The leads the indexer has not reduced yet (new events since its cursor, or no row)
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

const GROUP_SQL = { source: 't.source', rule: 't.rule_name', type: 't.type' } as const;
type GroupColumn = keyof typeof GROUP_SQL;

const B = SHAPE_BITS;
/**
 * A stored lead's shape at @now (shape.ts): the timeline's bits kept by the indexer, whether its
 * first and last offers are still open at @now (null: read at no particular time), and the task
 * row's bits, read fresh. One integer a lead, so the leads are counted grouped by it.
 */
const SHAPE_SQL = `f.shape
  | (coalesce(f.first_offer_open_until > @now, 0) << ${B.firstOfferOpen})
  | (coalesce(f.last_offer_open_until > @now, 0) << ${B.lastOfferOpen})
  | ((t.manual_review = 1) << ${B.manualReview})
  | ((t.intake_notes <> '[]'
      and exists (select 1 from json_each(t.intake_notes) where value ->> 'field' = 'contact')) << ${B.noContact})`;

/** The leads stored in [@since, @until), by the covering index; facts by key unless in @stale. */
const PERIOD = `from tasks t indexed by tasks_report`;
const IN_PERIOD = 't.created_at >= @since and t.created_at < @until';
const NOT_STALE = 't.id not in (select value from json_each(@stale))';
/** Reduced (not stale), not merged: what every figure but duplicates counts. */
const L = "f.task_id is not null and t.status <> 'merged'";

/**
 * The counts: the reduced, unmerged leads grouped by shape (and by `group`), with the sums that
 * are not yes/no (offers, passes, lapses, repeats noted) and the pass reasons.
 */
const shapesSql = (group?: string) => `
  select ${group ?? 'null'}, ${SHAPE_SQL}, count(*), total(f.rules_offers), total(f.passes), total(f.lapses),
    group_concat(f.pass_reasons),
    total(length(f.duplicate_times) - length(replace(f.duplicate_times, ',', '')) + 1)
  ${PERIOD} join report_facts f on f.task_id = t.id
  where ${IN_PERIOD} and t.status <> 'merged' and ${NOT_STALE}
  group by ${group ? '1, 2' : '2'}`;

/**
 * The lists a median needs (ms, comma-joined), the leads left to reduce on the spot (no facts,
 * or stale), merged leads, and the times of the repeats noted on every reduced lead.
 */
const listsSql = (group?: string) => `
  select ${group ?? 'null'}, count(*),
    group_concat(t.id) filter (where f.task_id is null),
    count(*) filter (where f.task_id is not null and t.status = 'merged'),
    group_concat(f.duplicate_times),
    group_concat(t.first_dm_at - t.created_at) filter (where ${L}),
    group_concat(f.claimed_at - t.created_at) filter (where ${L}),
    group_concat(f.contacted_at - f.claimed_at) filter (where ${L}),
    group_concat(f.hold_ms) filter (where ${L} and f.held_at is not null)
  ${PERIOD} left outer join report_facts f on f.task_id = t.id and ${NOT_STALE}
  where ${IN_PERIOD}
  ${group ? 'group by 1' : ''}`;

function prepare(db: Database.Database) {
  const raw = (sql: string) => db.prepare(sql).raw();
  const grouped = (sql: (group?: string) => string) => ({
    none: raw(sql()),
    source: raw(sql(GROUP_SQL.source)),
    rule: raw(sql(GROUP_SQL.rule)),
    type: raw(sql(GROUP_SQL.type)),
  });
  return {
    // Far behind the indexer: every lead of a range, to reduce from its timeline.
    rangeIds: db.prepare(`select t.id ${PERIOD} where ${IN_PERIOD}`).pluck(),
    shapes: grouped(shapesSql),
    lists: grouped(listsSql),
    // Per rule and agent: the agents' table sums over rules, fairness reads each rule's first offers.
    // A lead has agent rows only while it has report facts (the indexer writes both, the trigger
    // report_facts_deleted removes both), so no join to report_facts is needed.
    agents: raw(
      `select t.rule_name, a.agent_id, total(a.offers), total(a.claims), total(a.passes),
              total(a.misassigned_passes), total(a.lapses), total(a.first_offers), group_concat(a.claim_ms)
         ${PERIOD} join report_agent_facts a on a.task_id = t.id
        where ${IN_PERIOD} and t.status <> 'merged' and ${NOT_STALE}
        group by 1, 2`,
    ),
  };
}

const statementsFor = perDatabase(prepare);

/** A comma-joined list of integers (null: none). */
const numbers = (text: unknown): number[] =>
  typeof text === 'string' && text ? text.split(',').map(Number) : [];
/** A comma-joined list of milliseconds as seconds, in one pass (the claim times are 30,000 a month). */
function secondsOf(text: unknown): number[] {
  if (typeof text !== 'string' || text === '') return [];
  const parts = text.split(',');
  const out = new Array<number>(parts.length);
  for (let i = 0; i < parts.length; i++) out[i] = Number(parts[i]) / 1000;
  return out;
}
const count = (value: unknown) => Number(value ?? 0);

type Statements = ReturnType<typeof statementsFor>;
type Key = string | null;

/** One range's stored leads added up, per group (null when not grouped), and what is left live. */
function tallyRange(
  s: Statements,
  range: Range,
  group: GroupColumn | undefined,
  stale: string,
  now: number | null,
): { tallies: Map<Key, Tally>; live: number[]; repeatTimes: number[] } {
  const tallies = new Map<Key, Tally>();
  const tallyOf = (key: unknown) => {
    const k = (key ?? null) as Key;
    let t = tallies.get(k);
    if (!t) {
      t = emptyTally();
      tallies.set(k, t);
    }
    return t;
  };
  const period = { since: range.since.getTime(), until: range.until.getTime(), stale };
  for (const [key, shape, n, rulesOffers, passes, lapses, reasons, noted] of s.shapes[group ?? 'none'].all({
    ...period,
    now,
  }) as unknown[][]) {
    const t = tallyOf(key);
    addShape(t, count(shape), count(n));
    // Offers after the first: every dispatched lead's first is one of the shape's offers.
    t.redispatches +=
      count(rulesOffers) - ((count(shape) & (1 << SHAPE_BITS.dispatched)) !== 0 ? count(n) : 0);
    t.passes += count(passes);
    t.lapses += count(lapses);
    if (typeof reasons === 'string') addReasons(t.passReasons, reasons.split(','));
    t.notedRepeats += count(noted);
  }
  const live: number[] = [];
  const repeatTimes: number[] = [];
  const rows = s.lists[group ?? 'none'].all(period) as unknown[][];
  for (const [key, leads, liveIds, merged, repeats, dispatch, claim, contact, hold] of rows) {
    // Without a group, the row is there when the range holds no lead: no tally then.
    if (count(leads) === 0) continue;
    const t = tallyOf(key);
    append(live, numbers(liveIds));
    t.merged += count(merged);
    append(repeatTimes, numbers(repeats));
    append(t.dispatchSeconds, secondsOf(dispatch));
    append(t.claimSeconds, secondsOf(claim));
    append(t.contactSeconds, secondsOf(contact));
    append(t.holdSeconds, secondsOf(hold));
  }
  return { tallies, live, repeatTimes };
}

/**
 * The stored part of a report over `periods`, with per-agent, fairness and grouped tallies over
 * `detail` (one of the periods) when asked, and the leads to add up live. One read transaction,
 * so the indexer's cursor and the rows agree. Far behind the indexer (a database the app has not
 * run on since the upgrade), every lead comes back live, read from the events.
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
  const result: StoredTallies = {
    periods: new Map(),
    groups: new Map(),
    agents: new Map(),
    fairOffers: new Map(),
    repeatTimes: [],
    live: [],
  };
  if (periods.length === 0) return result;
  return db.transaction(() => {
    const pending = pendingLeads(db, unindexedLimit);
    if (pending === null) {
      // One walk of the events from the first period's first lead covers every later period too.
      const from = Math.min(...periods.map((p) => p.since.getTime()));
      const to = Math.max(...periods.map((p) => p.until.getTime()));
      const inPeriods = (at: number) =>
        periods.some((p) => at >= p.since.getTime() && at < p.until.getTime());
      result.live = readLeads(db, new Date(from), new Date(to))
        .map(leadFacts)
        .filter((l) => inPeriods(l.receivedAt));
      return result;
    }
    const stale = JSON.stringify(pending);
    const at = now === undefined ? null : now.getTime();
    const liveIds: number[] = [];
    for (const period of periods) {
      const { tallies, live, repeatTimes } = tallyRange(s, period, undefined, stale, at);
      result.periods.set(period.key, tallies.get(null) ?? emptyTally());
      append(liveIds, live);
      append(result.repeatTimes, repeatTimes);
    }
    if (detail) {
      if (grouping?.by === 'day')
        for (const day of grouping.days) {
          const leads = tallyRange(s, day, undefined, stale, at).tallies.get(null);
          if (leads) result.groups.set(day.key, leads);
        }
      else if (grouping) result.groups = tallyRange(s, detail, grouping.by, stale, at).tallies;
      readAgents(s, result, detail, stale);
    }
    result.live = readLiveLeads(db, liveIds);
    return result;
  })();
}

/** One range's part of a sum made in parts (see readStoredRange). */
export interface RangePart {
  /** The range's stored leads (not in `stale`), added up by SQL. */
  tally: Tally;
  /** When each repeat noted on those leads arrived. */
  repeatTimes: number[];
  /** The range's other leads, to be reduced with readLiveLeads. */
  liveIds: number[];
}

/**
 * readStoredTallies for one range, for a caller that adds a long range up in parts with other
 * work between them (a leader's App Home): `stale` is pendingLeads() read once before the first
 * part. Each lead is counted once, from its stored facts or from its timeline, as it is when its
 * part is read; a lead stored after `stale` was read shows as live or stored, never as both.
 * With `stale` null (the indexer far behind), every lead of the range is live.
 */
export function readStoredRange(
  db: Database.Database,
  range: Range,
  stale: readonly number[] | null,
  now: Date,
): RangePart {
  // One read transaction, so the shapes and the lists see the same rows (another process's
  // indexer may commit between two statements).
  return db.transaction((): RangePart => {
    if (stale === null) {
      const period = { since: range.since.getTime(), until: range.until.getTime() };
      const liveIds = statementsFor(db).rangeIds.all(period) as number[];
      return { tally: emptyTally(), repeatTimes: [], liveIds };
    }
    const part = tallyRange(statementsFor(db), range, undefined, JSON.stringify(stale), now.getTime());
    return {
      tally: part.tallies.get(null) ?? emptyTally(),
      repeatTimes: part.repeatTimes,
      liveIds: part.live,
    };
  })();
}

/** The stored leads of `detail` per agent, and each rule's first offers per agent. */
function readAgents(s: Statements, result: StoredTallies, detail: Range, stale: string): void {
  const period = { since: detail.since.getTime(), until: detail.until.getTime(), stale };
  for (const row of s.agents.all(period) as AgentRow[]) {
    const [rule, agentId, offers, claims, passes, misassignedPasses, lapses, firstOffers, claimMs] = row;
    addAgentTally(result.agents, agentId, {
      offers,
      claims,
      passes,
      misassignedPasses,
      lapses,
      claimSeconds: secondsOf(claimMs),
    });
    if (rule !== null && firstOffers > 0) addFairOffer(result.fairOffers, rule, agentId, firstOffers);
  }
}

/** rule_name, agent_id, offers, claims, passes, misassigned passes, lapses, first offers, claim ms. */
type AgentRow = [string | null, string, number, number, number, number, number, number, string | null];
