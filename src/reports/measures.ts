import { median } from '../core/stats.js';
import type { AgentLeadFacts, LeadFacts } from './lead-facts.js';

export { MISASSIGNMENT_REASONS } from './lead-facts.js';

/**
 * The numbers a team leader watches, computed once, here, from the audit timeline. Pure: the rows
 * come in (read.ts), figures go out; every view (CLI, Slack, digest, charts) reads these. Each
 * measure is defined in the README's "Reports" section in the same words.
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

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) return { median: null, p90: null, n: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const p90 = sorted[Math.ceil(0.9 * sorted.length) - 1] ?? null;
  return { median: median(sorted), p90, n: sorted.length };
}

export function ratio(rate: Rate): number | null {
  return rate.of === 0 ? null : rate.hits / rate.of;
}

const seconds = (from: number, to: number) => (to - from) / 1000;

/**
 * Every headline figure over a set of leads. `now` (live views: the period ends now) leaves out
 * of the SLA rates the leads whose window is still open: they have not missed it yet. `repeats`
 * (see repeatsIn) counts repeats by when they arrived; without it, those noted on these leads.
 */
export function figuresOf(all: readonly LeadFacts[], now?: Date, repeats?: number): Figures {
  const leads = all.filter((l) => !l.merged);
  const dispatch: number[] = [];
  const claim: number[] = [];
  const contact: number[] = [];
  const hold: number[] = [];
  const passReasons: Record<string, number> = {};
  const f: Figures = {
    leads: leads.length,
    dispatched: 0,
    timeToDispatch: spread([]),
    timeToClaim: spread([]),
    timeToContact: spread([]),
    slaFirstOffer: { hits: 0, of: 0 },
    slaChain: { hits: 0, of: 0 },
    redispatchesPerLead: null,
    escalated: 0,
    resolved: { assigned: 0, taken: 0, returned: 0, pond: 0, open: 0 },
    held: 0,
    holdTime: spread([]),
    misassigned: { hits: 0, of: 0 },
    reassigned: 0,
    passes: 0,
    passReasons,
    lapses: 0,
    duplicates: all.length - leads.length,
    noContact: 0,
    manualReview: 0,
  };
  // An offer whose window is still open at `now` is neither a hit nor a miss yet.
  const open = (until: number | null) => now !== undefined && until !== null && until > now.getTime();
  let redispatches = 0;
  for (const lead of leads) {
    if (lead.firstDmAt !== null) dispatch.push(seconds(lead.receivedAt, lead.firstDmAt));
    if (lead.claimedAt !== null) claim.push(seconds(lead.receivedAt, lead.claimedAt));
    if (lead.claimedAt !== null && lead.contactedAt !== null)
      contact.push(seconds(lead.claimedAt, lead.contactedAt));
    if (lead.rulesOffers > 0) {
      f.dispatched += 1;
      redispatches += lead.rulesOffers - 1;
      if (!open(lead.firstOfferOpenUntil)) {
        f.slaFirstOffer.of += 1;
        if (lead.firstOfferHit) f.slaFirstOffer.hits += 1;
      }
      if (lead.claimedInChain || lead.escalation !== null || !open(lead.lastOfferOpenUntil)) {
        f.slaChain.of += 1;
        if (lead.claimedInChain) f.slaChain.hits += 1;
      }
      if (lead.reassigned) f.reassigned += 1;
      if (lead.reassigned || lead.misassignedPasses > 0) f.misassigned.hits += 1;
    }
    if (lead.escalation !== null) {
      f.escalated += 1;
      f.resolved[lead.escalation] += 1;
    }
    if (lead.heldAt !== null) {
      f.held += 1;
      if (lead.holdSeconds !== null) hold.push(lead.holdSeconds);
    }
    f.passes += lead.passes;
    for (const reason of lead.passReasons) passReasons[reason] = (passReasons[reason] ?? 0) + 1;
    f.lapses += lead.lapses;
    if (repeats === undefined) f.duplicates += lead.duplicateTimes.length;
    if (lead.noContact) f.noContact += 1;
    if (lead.manualReview) f.manualReview += 1;
  }
  f.misassigned.of = f.dispatched;
  if (repeats !== undefined) f.duplicates += repeats;
  f.redispatchesPerLead = f.dispatched === 0 ? null : redispatches / f.dispatched;
  f.timeToDispatch = spread(dispatch);
  f.timeToClaim = spread(claim);
  f.timeToContact = spread(contact);
  f.holdTime = spread(hold);
  return f;
}

/**
 * Repeats that arrived in [since, until): `duplicate` events by their own time, whichever lead
 * they are noted on (the first lead, which may have arrived in an earlier period).
 */
export function repeatsIn(all: readonly LeadFacts[], since: Date, until: Date): number {
  let n = 0;
  for (const lead of all)
    for (const at of lead.duplicateTimes) if (at >= since.getTime() && at < until.getTime()) n += 1;
  return n;
}

/** What each agent did with the offers made to them. */
export function agentFigures(all: readonly LeadFacts[]): AgentFigures[] {
  const byAgent = new Map<string, Omit<AgentLeadFacts, 'agentId'>>();
  for (const lead of all) {
    if (lead.merged) continue;
    for (const a of lead.agents) {
      const r = byAgent.get(a.agentId);
      if (!r) {
        byAgent.set(a.agentId, { ...a, claimSeconds: [...a.claimSeconds] });
        continue;
      }
      r.offers += a.offers;
      r.claims += a.claims;
      r.claimSeconds.push(...a.claimSeconds);
      r.passes += a.passes;
      r.misassignedPasses += a.misassignedPasses;
      r.lapses += a.lapses;
    }
  }
  return [...byAgent]
    .map(([agentId, { claimSeconds, ...r }]) => ({
      agentId,
      offers: r.offers,
      claims: r.claims,
      passes: r.passes,
      misassignedPasses: r.misassignedPasses,
      lapses: r.lapses,
      timeToClaim: spread(claimSeconds),
    }))
    .sort((a, b) => b.offers - a.offers || a.agentId.localeCompare(b.agentId));
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
  const counts = new Map<string, Map<string, number>>();
  for (const lead of all) {
    if (lead.merged || lead.rule === null) continue;
    for (const agentId of lead.fairOffers) {
      const rule = counts.get(lead.rule) ?? new Map<string, number>();
      rule.set(agentId, (rule.get(agentId) ?? 0) + 1);
      counts.set(lead.rule, rule);
    }
  }
  const rows: FairnessRow[] = [];
  for (const [rule, agents] of [...counts].sort(([a], [b]) => a.localeCompare(b))) {
    for (const id of pools.get(rule) ?? []) if (!agents.has(id)) agents.set(id, 0);
    const total = [...agents.values()].reduce((s, n) => s + n, 0);
    const totalWeight = [...agents.keys()].reduce((s, id) => s + (weights.get(id) ?? 1), 0);
    for (const [agentId, offers] of [...agents].sort(([a], [b]) => a.localeCompare(b)))
      rows.push({
        rule,
        agentId,
        offers,
        share: offers / total,
        weightShare: (weights.get(agentId) ?? 1) / totalWeight,
      });
  }
  return rows;
}

export type GroupBy = 'source' | 'rule' | 'type' | 'day';

/** The headline figures per source, rule, type or day received (in the team's zone), by key. */
export function figuresBy(
  all: readonly LeadFacts[],
  by: GroupBy,
  dayOf: (at: number) => string,
  now?: Date,
): Array<{ key: string; figures: Figures }> {
  const groups = new Map<string, LeadFacts[]>();
  for (const lead of all) {
    const key =
      by === 'source'
        ? lead.source
        : by === 'rule'
          ? (lead.rule ?? '(no rule)')
          : by === 'type'
            ? lead.type
            : dayOf(lead.receivedAt);
    const list = groups.get(key) ?? [];
    list.push(lead);
    groups.set(key, list);
  }
  return [...groups]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, leads]) => ({ key, figures: figuresOf(leads, now) }));
}

/** The research's figures for dispatch by hand, shown beside ours. */
export const MANUAL_BASELINE = {
  timeToDispatch: '45–180 min',
  misassigned: '8–15%',
  timeToContact: '127 min',
} as const;
