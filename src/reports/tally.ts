import type { EscalationOutcome, LeadFacts } from './lead-facts.js';
import type { Figures, Rate, Spread } from './measures.js';
import { addShape, leadShape } from './shape.js';

/**
 * The adding-up behind the figures, split from the figures themselves so that it can be done in
 * parts and merged: SQL adds up the leads kept in report_facts (reports/tally-store.ts), this
 * module adds up the leads reduced on the spot the same way, and the two tallies are merged
 * before the medians are taken. Pure. A Tally holds counts and the lists a median needs, never a
 * lead, so the result does not depend on which leads came from where.
 */
export interface Tally {
  /** Leads that are not repeats merged into an earlier lead. */
  leads: number;
  /** Leads merged into an earlier one as the same person (counted as duplicates). */
  merged: number;
  dispatched: number;
  /** Offers after the first, over the dispatched leads. */
  redispatches: number;
  slaFirstOffer: Rate;
  slaChain: Rate;
  reassigned: number;
  /** Dispatched leads passed for a misassignment reason or moved away by a leader. */
  misassigned: number;
  escalated: number;
  resolved: Record<EscalationOutcome, number>;
  held: number;
  passes: number;
  passReasons: Record<string, number>;
  lapses: number;
  /** Repeats noted on these leads (those not merged), whenever they arrived. */
  notedRepeats: number;
  noContact: number;
  manualReview: number;
  /** Received → first DM, received → claim, claim → contact, held → released; seconds, any order. */
  dispatchSeconds: number[];
  claimSeconds: number[];
  contactSeconds: number[];
  holdSeconds: number[];
}

export function emptyTally(): Tally {
  return {
    leads: 0,
    merged: 0,
    dispatched: 0,
    redispatches: 0,
    slaFirstOffer: { hits: 0, of: 0 },
    slaChain: { hits: 0, of: 0 },
    reassigned: 0,
    misassigned: 0,
    escalated: 0,
    resolved: { assigned: 0, taken: 0, returned: 0, pond: 0, open: 0 },
    held: 0,
    passes: 0,
    passReasons: {},
    lapses: 0,
    notedRepeats: 0,
    noContact: 0,
    manualReview: 0,
    dispatchSeconds: [],
    claimSeconds: [],
    contactSeconds: [],
    holdSeconds: [],
  };
}

const seconds = (from: number, to: number) => (to - from) / 1000;

/**
 * A set of leads added up. `now` (live views: the period ends now) leaves out of the SLA rates
 * the leads whose window is still open: they have not missed it yet (see shape.ts).
 */
export function tallyOf(all: readonly LeadFacts[], now?: Date): Tally {
  const t = emptyTally();
  for (const lead of all) {
    if (lead.merged) {
      t.merged += 1;
      continue;
    }
    addShape(t, leadShape(lead, now), 1);
    if (lead.firstDmAt !== null) t.dispatchSeconds.push(seconds(lead.receivedAt, lead.firstDmAt));
    if (lead.claimedAt !== null) t.claimSeconds.push(seconds(lead.receivedAt, lead.claimedAt));
    if (lead.claimedAt !== null && lead.contactedAt !== null)
      t.contactSeconds.push(seconds(lead.claimedAt, lead.contactedAt));
    if (lead.rulesOffers > 0) t.redispatches += lead.rulesOffers - 1;
    if (lead.heldAt !== null && lead.holdSeconds !== null) t.holdSeconds.push(lead.holdSeconds);
    t.passes += lead.passes;
    addReasons(t.passReasons, lead.passReasons);
    t.lapses += lead.lapses;
    t.notedRepeats += lead.duplicateTimes.length;
  }
  return t;
}

/** Appends a list to another; `push(...more)` overflows the call stack past ~100,000 values. */
export function append<T>(into: T[], more: readonly T[]): void {
  for (const value of more) into.push(value);
}

export function addReasons(into: Record<string, number>, reasons: readonly string[]): void {
  for (const reason of reasons) into[reason] = (into[reason] ?? 0) + 1;
}

/** Two tallies of disjoint sets of leads as one. */
export function addTallies(a: Tally, b: Tally): Tally {
  const passReasons = { ...a.passReasons };
  for (const [reason, n] of Object.entries(b.passReasons))
    passReasons[reason] = (passReasons[reason] ?? 0) + n;
  const resolved = { ...a.resolved };
  for (const outcome of Object.keys(resolved) as EscalationOutcome[])
    resolved[outcome] += b.resolved[outcome];
  return {
    leads: a.leads + b.leads,
    merged: a.merged + b.merged,
    dispatched: a.dispatched + b.dispatched,
    redispatches: a.redispatches + b.redispatches,
    slaFirstOffer: {
      hits: a.slaFirstOffer.hits + b.slaFirstOffer.hits,
      of: a.slaFirstOffer.of + b.slaFirstOffer.of,
    },
    slaChain: { hits: a.slaChain.hits + b.slaChain.hits, of: a.slaChain.of + b.slaChain.of },
    reassigned: a.reassigned + b.reassigned,
    misassigned: a.misassigned + b.misassigned,
    escalated: a.escalated + b.escalated,
    resolved,
    held: a.held + b.held,
    passes: a.passes + b.passes,
    passReasons,
    lapses: a.lapses + b.lapses,
    notedRepeats: a.notedRepeats + b.notedRepeats,
    noContact: a.noContact + b.noContact,
    manualReview: a.manualReview + b.manualReview,
    dispatchSeconds: a.dispatchSeconds.concat(b.dispatchSeconds),
    claimSeconds: a.claimSeconds.concat(b.claimSeconds),
    contactSeconds: a.contactSeconds.concat(b.contactSeconds),
    holdSeconds: a.holdSeconds.concat(b.holdSeconds),
  };
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) return { median: null, p90: null, n: 0 };
  // A typed array sorts numbers as numbers, several times faster than Array#sort with a comparator:
  // a month's report sorts tens of thousands of times.
  const sorted = Float64Array.from(values).sort();
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? 0;
  const median = sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? upper) + upper) / 2;
  const p90 = sorted[Math.ceil(0.9 * sorted.length) - 1] ?? null;
  return { median, p90, n: sorted.length };
}

/**
 * The figures of a tally. `repeats` (see repeatsIn) counts repeats by when they arrived; without
 * it, those noted on the tallied leads. Pass reasons are listed by key, whatever order the leads
 * came in.
 */
export function figuresOfTally(t: Tally, repeats?: number): Figures {
  return {
    leads: t.leads,
    dispatched: t.dispatched,
    timeToDispatch: spread(t.dispatchSeconds),
    timeToClaim: spread(t.claimSeconds),
    timeToContact: spread(t.contactSeconds),
    slaFirstOffer: { ...t.slaFirstOffer },
    slaChain: { ...t.slaChain },
    redispatchesPerLead: t.dispatched === 0 ? null : t.redispatches / t.dispatched,
    escalated: t.escalated,
    resolved: { ...t.resolved },
    held: t.held,
    holdTime: spread(t.holdSeconds),
    misassigned: { hits: t.misassigned, of: t.dispatched },
    reassigned: t.reassigned,
    passes: t.passes,
    passReasons: Object.fromEntries(
      Object.entries(t.passReasons).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    ),
    lapses: t.lapses,
    duplicates: t.merged + (repeats ?? t.notedRepeats),
    noContact: t.noContact,
    manualReview: t.manualReview,
  };
}

/** How many of the given times (epoch ms) fall in [since, until). */
export function countIn(times: readonly number[], since: Date, until: Date): number {
  let n = 0;
  for (const at of times) if (at >= since.getTime() && at < until.getTime()) n += 1;
  return n;
}

export type GroupBy = 'source' | 'rule' | 'type' | 'day';

/** The key a lead is grouped under (`day`: its day received, in the team's zone). */
export function groupKey(
  by: GroupBy,
  lead: { source: string; rule: string | null; type: string; receivedAt: number },
  dayOf: (at: number) => string,
): string {
  if (by === 'source') return lead.source;
  if (by === 'rule') return lead.rule ?? '(no rule)';
  if (by === 'type') return lead.type;
  return dayOf(lead.receivedAt);
}

/** A set of leads added up per group. */
export function talliesBy(
  all: readonly LeadFacts[],
  by: GroupBy,
  dayOf: (at: number) => string,
  now?: Date,
): Map<string, Tally> {
  const groups = new Map<string, LeadFacts[]>();
  for (const lead of all) {
    const key = groupKey(by, lead, dayOf);
    const list = groups.get(key) ?? [];
    list.push(lead);
    groups.set(key, list);
  }
  return new Map([...groups].map(([key, leads]) => [key, tallyOf(leads, now)]));
}

/** Grouped tallies as one: a group in either is in the result. */
export function addTalliesBy(
  a: ReadonlyMap<string, Tally>,
  b: ReadonlyMap<string, Tally>,
): Map<string, Tally> {
  const sum = new Map(a);
  for (const [key, t] of b) {
    const have = sum.get(key);
    sum.set(key, have ? addTallies(have, t) : t);
  }
  return sum;
}

/** Grouped figures, by key. */
export function figuresOfGroups(
  groups: ReadonlyMap<string, Tally>,
): Array<{ key: string; figures: Figures }> {
  return [...groups]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, t]) => ({ key, figures: figuresOfTally(t) }));
}
