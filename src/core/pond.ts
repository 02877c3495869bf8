import type { AgentConfig, RuleConfig } from '../config/dispatch-schema.js';
import { agentIdsOf, type ChainEntry } from './route.js';

/**
 * A rule's pool as the config has it: the active agents its first offer goes round (a
 * `round_robin` or `broadcast` pool, or a `role`'s holders); empty for rules without one.
 */
export function rulePoolOf(rule: RuleConfig, agents: readonly AgentConfig[]): string[] {
  const a = rule.assign;
  const active = agents.filter((g) => g.active);
  if (a.strategy === 'round_robin' || a.strategy === 'broadcast')
    return active
      .filter((g) => a.pool.agents?.includes(g.id) || g.roles.some((r) => a.pool.roles?.includes(r)))
      .map((g) => g.id);
  if (a.strategy === 'role') return active.filter((g) => g.roles.includes(a.role)).map((g) => g.id);
  return [];
}

/**
 * Who may claim a lead from the rule's pond: everyone in the rule's pool, whether or not they
 * could take an offer when it fell in (the pond waits for them); for a rule without a pool (one
 * named agent, the original agent), the active agents its chain named.
 */
export function pondMembers(
  rule: RuleConfig,
  agents: readonly AgentConfig[],
  chain: readonly ChainEntry[],
): string[] {
  const pool = rulePoolOf(rule, agents);
  if (pool.length > 0) return pool;
  const active = new Set(agents.filter((g) => g.active).map((g) => g.id));
  return [...new Set(chain.flatMap(agentIdsOf))].filter((id) => active.has(id));
}

/** When a lead that falls into the pond at `now` is first reminded of, and when the leaders are told. */
export function pondTimers(
  pond: { remind_every: number; escalate_after: number },
  now: Date,
): { remindAt: Date; escalateAt: Date } {
  return {
    remindAt: new Date(now.getTime() + pond.remind_every * 1000),
    escalateAt: new Date(now.getTime() + pond.escalate_after * 1000),
  };
}
