import type { LeadFacts } from './lead-facts.js';
import { countIn, figuresOfGroups, figuresOfTally, type GroupBy, talliesBy, tallyOf } from './tally.js';
import { agentFiguresOf, agentTallies, fairnessOf, fairOffersOf } from './tally-agents.js';

export { MISASSIGNMENT_REASONS } from './lead-facts.js';
export { type GroupBy, spread } from './tally.js';

/**
 * The numbers a team leader watches, computed once, from the audit timeline. Pure: the rows come
 * in (read.ts), figures go out; every view (CLI, Slack, digest, charts) reads these. The adding-up
 * is in tally.ts and tally-agents.ts (tallies that merge, so SQL can add up the stored leads and
 * JS the rest); these are the figures of a list of leads. Each measure is defined in the README's
 * "Reports" section in the same words.
 */

/** One event as a report needs it: the typed detail fields a measure reads, projected by SQL. */
export interface ReportEvent {
  kind: string;
  actor: string;
  at: Date;
  offerId: number | null;
  /**
   * offered / expired / withdrawn: the agent (null for a first-to-claim pool); reassigned and
   * handed_off: who it went to (null: handed back to the rule's pool).
   */
  agentId: string | null;
  /** pass_reason: the reason key; escalated: why. */
  reason: string | null;
  /** offered: index in the chain. */
  position: number | null;
  /** offered and clock_restarted: the answer-by time. */
  deadline: Date | null;
}

/** One lead received in the period, with its events in the order they happened (by id). */
export interface ReportLead {
  id: number;
  source: string;
  type: string;
  rule: string | null;
  /** When we stored it: the start of every clock below. */
  receivedAt: Date;
  /** The earliest offer DM Slack confirmed; null when none went out. */
  firstDmAt: Date | null;
  manualReview: boolean;
  /** Intake found neither a usable phone nor an email. */
  noContact: boolean;
  /** Merged into an earlier lead as the same person: counted as a duplicate, not as a lead. */
  merged: boolean;
  events: ReportEvent[];
}

/** Median and 90th percentile (nearest rank) of a list of seconds, and how many there were. */
export interface Spread {
  median: number | null;
  p90: number | null;
  n: number;
}

export interface Rate {
  hits: number;
  of: number;
}

export interface Figures {
  leads: number;
  dispatched: number;
  timeToDispatch: Spread;
  timeToClaim: Spread;
  timeToContact: Spread;
  slaFirstOffer: Rate;
  slaChain: Rate;
  /** Offers after the first, per dispatched lead. */
  redispatchesPerLead: number | null;
  escalated: number;
  /** How the last escalation ended: a leader's action, a claim from the rule's pond, or not yet. */
  resolved: { assigned: number; taken: number; returned: number; pond: number; open: number };
  held: number;
  holdTime: Spread;
  misassigned: Rate;
  /** Leads a leader moved away from the agent who had them (part of `misassigned`). */
  reassigned: number;
  passes: number;
  passReasons: Record<string, number>;
  lapses: number;
  duplicates: number;
  noContact: number;
  manualReview: number;
}

export interface AgentFigures {
  agentId: string;
  offers: number;
  claims: number;
  passes: number;
  misassignedPasses: number;
  lapses: number;
  /** Offer → claim, for their claims. */
  timeToClaim: Spread;
}

export interface FairnessRow {
  rule: string;
  agentId: string;
  /** First offers (chain position 0) made under the rule. */
  offers: number;
  share: number;
  weightShare: number;
}

export function ratio(rate: Rate): number | null {
  return rate.of === 0 ? null : rate.hits / rate.of;
}

/**
 * Every headline figure over a set of leads. `now` (live views: the period ends now) leaves out
 * of the SLA rates the leads whose window is still open: they have not missed it yet. `repeats`
 * (see repeatsIn) counts repeats by when they arrived; without it, those noted on these leads.
 */
export function figuresOf(all: readonly LeadFacts[], now?: Date, repeats?: number): Figures {
  return figuresOfTally(tallyOf(all, now), repeats);
}

/**
 * Repeats that arrived in [since, until): `duplicate` events by their own time, whichever lead
 * they are noted on (the first lead, which may have arrived in an earlier period).
 */
export function repeatsIn(all: readonly LeadFacts[], since: Date, until: Date): number {
  return countIn(
    all.flatMap((l) => l.duplicateTimes),
    since,
    until,
  );
}

/** What each agent did with the offers made to them. */
export function agentFigures(all: readonly LeadFacts[]): AgentFigures[] {
  return agentFiguresOf(agentTallies(all));
}

/**
 * Fairness: within each rule, each agent's share of the rule's first offers beside their weight's
 * share of the weights of the rule's pool (`pools`: the active agents the config puts in it), so an
 * agent the rule never offered to shows 0% against their share. A rule without a pool (one agent,
 * the original agent) and an agent offered from outside today's pool fall back to who was offered.
 * Backups (later positions) are left out: they are offered by design, not by turn.
 */
export function fairness(
  all: readonly LeadFacts[],
  weights: ReadonlyMap<string, number>,
  pools: ReadonlyMap<string, readonly string[]> = new Map(),
): FairnessRow[] {
  return fairnessOf(fairOffersOf(all), weights, pools);
}

/** The headline figures per source, rule, type or day received (in the team's zone), by key. */
export function figuresBy(
  all: readonly LeadFacts[],
  by: GroupBy,
  dayOf: (at: number) => string,
  now?: Date,
): Array<{ key: string; figures: Figures }> {
  return figuresOfGroups(talliesBy(all, by, dayOf, now));
}

/** The research's figures for dispatch by hand, shown beside ours. */
export const MANUAL_BASELINE = {
  timeToDispatch: '45–180 min',
  misassigned: '8–15%',
  timeToContact: '127 min',
} as const;
