import type { AgentLeadFacts, LeadFacts } from './lead-facts.js';
import type { AgentFigures, FairnessRow } from './measures.js';
import { append, spread } from './tally.js';

/**
 * The per-agent side of the adding-up (see tally.ts): what each agent did with the offers, and
 * each rule's first offers per agent for fairness, as tallies that merge. Pure.
 */

/** What one agent did with a set of leads' offers. */
export type AgentTally = Omit<AgentLeadFacts, 'agentId'>;
/** First offers (chain position 0) per rule, per agent. */
export type FairOffers = Map<string, Map<string, number>>;

/** What each agent did with the offers of a set of leads (merged leads left out). */
export function agentTallies(all: readonly LeadFacts[]): Map<string, AgentTally> {
  const byAgent = new Map<string, AgentTally>();
  for (const lead of all) {
    if (lead.merged) continue;
    for (const { agentId, ...a } of lead.agents) addAgentTally(byAgent, agentId, a);
  }
  return byAgent;
}

/** Adds one agent's figures into `into`, copying what it keeps. */
export function addAgentTally(into: Map<string, AgentTally>, agentId: string, a: AgentTally): void {
  const r = into.get(agentId);
  if (!r) {
    into.set(agentId, { ...a, claimSeconds: [...a.claimSeconds] });
    return;
  }
  r.offers += a.offers;
  r.claims += a.claims;
  append(r.claimSeconds, a.claimSeconds);
  r.passes += a.passes;
  r.misassignedPasses += a.misassignedPasses;
  r.lapses += a.lapses;
}

/** Per-agent tallies of disjoint sets of leads as one. */
export function addAgentTallies(
  a: ReadonlyMap<string, AgentTally>,
  b: ReadonlyMap<string, AgentTally>,
): Map<string, AgentTally> {
  const sum = new Map<string, AgentTally>();
  for (const [agentId, r] of a) addAgentTally(sum, agentId, r);
  for (const [agentId, r] of b) addAgentTally(sum, agentId, r);
  return sum;
}

export function agentFiguresOf(byAgent: ReadonlyMap<string, AgentTally>): AgentFigures[] {
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

/** Each rule's first offers per agent, over leads that are not merged. */
export function fairOffersOf(all: readonly LeadFacts[]): FairOffers {
  const counts: FairOffers = new Map();
  for (const lead of all) {
    if (lead.merged || lead.rule === null) continue;
    for (const agentId of lead.fairOffers) addFairOffer(counts, lead.rule, agentId, 1);
  }
  return counts;
}

export function addFairOffer(into: FairOffers, rule: string, agentId: string, n: number): void {
  const agents = into.get(rule) ?? new Map<string, number>();
  agents.set(agentId, (agents.get(agentId) ?? 0) + n);
  into.set(rule, agents);
}

/** First-offer counts of disjoint sets of leads as one. */
export function addFairOffers(a: FairOffers, b: FairOffers): FairOffers {
  const sum: FairOffers = new Map();
  for (const counts of [a, b])
    for (const [rule, agents] of counts)
      for (const [agentId, n] of agents) addFairOffer(sum, rule, agentId, n);
  return sum;
}

/**
 * Fairness from first-offer counts: each agent's share of the rule's first offers beside their
 * weight's share of the weights of the rule's pool (`pools`), so an agent the rule never offered
 * to shows 0% against their share; without a pool, the agents offered to.
 */
export function fairnessOf(
  counts: FairOffers,
  weights: ReadonlyMap<string, number>,
  pools: ReadonlyMap<string, readonly string[]>,
): FairnessRow[] {
  const rows: FairnessRow[] = [];
  for (const [rule, offered] of [...counts].sort(([a], [b]) => a.localeCompare(b))) {
    const agents = new Map(offered);
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
