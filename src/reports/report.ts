import type Database from 'better-sqlite3';
import { DateTime } from 'luxon';
import type { DispatchConfig } from '../config/dispatch-schema.js';
import { formatMeasured } from '../core/duration.js';
import { rulePoolOf } from '../core/pond.js';
import { readLeadFacts } from './facts-store.js';
import type { LeadFacts } from './lead-facts.js';
import {
  type AgentFigures,
  type FairnessRow,
  type Figures,
  type GroupBy,
  MANUAL_BASELINE,
  type Rate,
  ratio,
  type Spread,
} from './measures.js';
import {
  addTallies,
  addTalliesBy,
  countIn,
  emptyTally,
  figuresOfGroups,
  figuresOfTally,
  type Tally,
  talliesBy,
  tallyOf,
} from './tally.js';
import {
  addAgentTallies,
  addFairOffers,
  agentFiguresOf,
  agentTallies,
  fairnessOf,
  fairOffersOf,
} from './tally-agents.js';
import { type Range, readStoredTallies, type StoredTallies } from './tally-store.js';

/** A period's figures beside the previous period of the same length. */
export interface Report {
  since: Date;
  until: Date;
  figures: Figures;
  previous: Figures;
  agents: AgentFigures[];
  fairness: FairnessRow[];
  groups?: { by: GroupBy; rows: Array<{ key: string; figures: Figures }> };
  /** The leads themselves, for views that draw them (charts), when asked for; not serialised. */
  leads?: LeadFacts[];
}

/**
 * A period's report beside the period before. SQLite adds up the leads the report indexer has
 * reduced (tally-store.ts); the leads it has not, or not since their last event, are reduced now
 * and added up here the same way (tally.ts), so every figure is exact to the last event. With
 * `withLeads` the period's leads are read one by one as well, for the digest's chart.
 */
export function buildReport(
  db: Database.Database,
  config: DispatchConfig,
  since: Date,
  until: Date,
  by?: GroupBy,
  /** When the figures are read: a lead whose offer window is still open at `now` is no SLA miss yet. */
  now: Date = until,
  { withLeads = false }: { withLeads?: boolean } = {},
): Report {
  // The leads for the chart are read in the same transaction, so they agree with the figures.
  if (withLeads)
    return db.transaction(() => ({
      ...buildReport(db, config, since, until, by, now),
      leads: readLeadFacts(db, since, until),
    }))();
  const before = new Date(since.getTime() - (until.getTime() - since.getTime()));
  const zone = config.team.timezone;
  const detail: Range = { key: 'this', since, until };
  const stored = readStoredTallies(db, {
    // Both periods in one read transaction; the per-agent and grouped figures are this period's.
    periods: [{ key: 'previous', since: before, until: since }, detail],
    detail,
    ...(by === undefined
      ? {}
      : { grouping: by === 'day' ? { by, days: daysOf(since, until, zone) } : { by } }),
    now,
  });
  const weights = new Map(config.agents.map((a) => [a.id, a.weight]));
  return reportOf(
    stored,
    { before, since, until, by, now, dayOf: (at) => dayIn(at, zone) },
    weights,
    rulePools(config),
  );
}

/**
 * A report from its stored tallies and its live leads (pure): the live leads are added up as the
 * stored ones were and merged in, then the medians and shares are taken.
 */
export function reportOf(
  stored: StoredTallies,
  p: {
    before: Date;
    since: Date;
    until: Date;
    by?: GroupBy | undefined;
    now?: Date;
    dayOf: (at: number) => string;
  },
  weights: ReadonlyMap<string, number>,
  pools: ReadonlyMap<string, readonly string[]>,
): Report {
  const within = (from: Date, to: Date) =>
    stored.live.filter((l) => l.receivedAt >= from.getTime() && l.receivedAt < to.getTime());
  const live = within(p.since, p.until);
  const tally = (key: string, leads: LeadFacts[]) =>
    addTallies(stored.periods.get(key) ?? emptyTally(), tallyOf(leads, p.now));
  // Repeats count when they arrived, on whichever lead of the two periods they are noted.
  const repeatTimes = stored.repeatTimes.concat(stored.live.flatMap((l) => l.duplicateTimes));
  return {
    since: p.since,
    until: p.until,
    figures: figuresOfTally(tally('this', live), countIn(repeatTimes, p.since, p.until)),
    previous: figuresOfTally(
      tally('previous', within(p.before, p.since)),
      countIn(repeatTimes, p.before, p.since),
    ),
    agents: agentFiguresOf(addAgentTallies(stored.agents, agentTallies(live))),
    fairness: fairnessOf(addFairOffers(stored.fairOffers, fairOffersOf(live)), weights, pools),
    ...(p.by
      ? {
          groups: {
            by: p.by,
            rows: figuresOfGroups(
              addTalliesBy(storedGroups(stored, p.by), talliesBy(live, p.by, p.dayOf, p.now)),
            ),
          },
        }
      : {}),
  };
}

/** The stored groups under the keys a lead's group has (a lead without a rule: "(no rule)"). */
function storedGroups(stored: StoredTallies, by: GroupBy): Map<string, Tally> {
  const groups = new Map<string, Tally>();
  for (const [raw, t] of stored.groups) {
    const key = by === 'rule' ? (raw ?? '(no rule)') : String(raw);
    const have = groups.get(key);
    groups.set(key, have ? addTallies(have, t) : t);
  }
  return groups;
}

/** The days of [since, until) in the team's zone, each clipped to the period, keyed as dayIn keys them. */
export function daysOf(since: Date, until: Date, zone: string): Range[] {
  const days: Range[] = [];
  for (
    let day = DateTime.fromJSDate(since, { zone }).startOf('day');
    day.toMillis() < until.getTime();
    day = day.plus({ days: 1 })
  ) {
    const next = day.plus({ days: 1 });
    days.push({
      key: day.toISODate() ?? '',
      since: new Date(Math.max(day.toMillis(), since.getTime())),
      until: new Date(Math.min(next.toMillis(), until.getTime())),
    });
  }
  return days;
}

/** Each rule's pool as the config has it now: the active agents its first offer goes round. */
export function rulePools(config: DispatchConfig): Map<string, string[]> {
  const pools = new Map<string, string[]>();
  for (const rule of config.rules) {
    const members = rulePoolOf(rule, config.agents);
    if (members.length > 0) pools.set(rule.name, members);
  }
  return pools;
}

export const dayIn = (at: number, zone: string) => DateTime.fromMillis(at, { zone }).toISODate() ?? '';

/** One line of the headline table: how to read it from figures, as text and as a number. */
export interface Measure {
  key: string;
  label: string;
  value(f: Figures): number | null;
  text(f: Figures): string;
  baseline?: string;
}

const pct = (rate: Rate) => {
  const r = ratio(rate);
  return r === null ? '–' : `${Math.round(r * 100)}% (${rate.hits}/${rate.of})`;
};
const dur = (s: number | null) => (s === null ? '–' : formatMeasured(s));
const spreadMeasures = (key: string, label: string, pick: (f: Figures) => Spread, baseline?: string) => [
  {
    key: `${key}_median_s`,
    label: `${label}, median`,
    value: (f: Figures) => pick(f).median,
    text: (f: Figures) => dur(pick(f).median),
    ...(baseline ? { baseline } : {}),
  },
  {
    key: `${key}_p90_s`,
    label: `${label}, p90`,
    value: (f: Figures) => pick(f).p90,
    text: (f: Figures) => dur(pick(f).p90),
  },
];
const count = (key: string, label: string, pick: (f: Figures) => number): Measure => ({
  key,
  label,
  value: pick,
  text: (f) => String(pick(f)),
});
const rate = (key: string, label: string, pick: (f: Figures) => Rate, baseline?: string): Measure => ({
  key,
  label,
  value: (f) => ratio(pick(f)),
  text: (f) => pct(pick(f)),
  ...(baseline ? { baseline } : {}),
});

/** The headline table, in the order every view shows it. */
export const MEASURES: Measure[] = [
  count('leads', 'Leads received', (f) => f.leads),
  count('dispatched', 'Leads dispatched', (f) => f.dispatched),
  ...spreadMeasures(
    'time_to_dispatch',
    'Time to dispatch',
    (f) => f.timeToDispatch,
    MANUAL_BASELINE.timeToDispatch,
  ),
  ...spreadMeasures('time_to_claim', 'Time to claim', (f) => f.timeToClaim),
  ...spreadMeasures(
    'time_to_contact',
    'Time to first contact',
    (f) => f.timeToContact,
    MANUAL_BASELINE.timeToContact,
  ),
  rate('sla_first_offer', 'SLA hit, first offer', (f) => f.slaFirstOffer),
  rate('sla_chain', 'SLA hit, within the chain', (f) => f.slaChain),
  {
    key: 'redispatches_per_lead',
    label: 'Re-dispatches per lead',
    value: (f) => f.redispatchesPerLead,
    text: (f) => (f.redispatchesPerLead === null ? '–' : f.redispatchesPerLead.toFixed(2)),
  },
  rate('misassigned', 'Misassignment rate', (f) => f.misassigned, MANUAL_BASELINE.misassigned),
  count('escalated', 'Escalated to leaders', (f) => f.escalated),
  count('escalated_assigned', '  assigned by a leader', (f) => f.resolved.assigned),
  count('escalated_taken', '  taken by a leader', (f) => f.resolved.taken),
  count('escalated_returned', '  returned to the rules', (f) => f.resolved.returned),
  count('escalated_pond', '  claimed from the pond', (f) => f.resolved.pond),
  count('escalated_open', '  still open', (f) => f.resolved.open),
  count('held', 'Held for opening', (f) => f.held),
  {
    key: 'hold_median_s',
    label: '  held for, median',
    value: (f) => f.holdTime.median,
    text: (f) => dur(f.holdTime.median),
  },
  count('passes', 'Passes', (f) => f.passes),
  count('lapses', 'Offers lapsed', (f) => f.lapses),
  count('duplicates', 'Duplicates merged', (f) => f.duplicates),
  count('no_contact', 'No way to contact', (f) => f.noContact),
  count('manual_review', 'Exceptions for manual review', (f) => f.manualReview),
];

/** Columns of a grouped table (by source, rule, type or day). */
export const GROUP_MEASURES: Measure[] = MEASURES.filter((m) =>
  [
    'leads',
    'time_to_dispatch_median_s',
    'time_to_claim_median_s',
    'sla_first_offer',
    'misassigned',
    'escalated',
    'lapses',
  ].includes(m.key),
);
