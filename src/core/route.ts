import type { DispatchConfig, FallbackStep, RuleConfig } from '../config/dispatch-schema.js';
import { type RoutableTask, ruleMatches } from './match.js';
import { type OnDutySpec, onDutyOrder, onDutyPhrase } from './on-duty.js';
import { type SlaSpec, slaSpecOf } from './sla.js';
import { pickWeightedRoundRobin } from './weighted-round-robin.js';

export interface RosterAgent {
  id: string;
  name: string;
  email: string | null;
  roles: string[];
  zips: string[];
  weight: number;
  active: boolean;
  /** Can take an offer right now (active, not away, not busy, within hours); computed by the caller. */
  available: boolean;
  /**
   * Set when the only thing keeping them from an offer is their working hours: on-duty cover may
   * still reach them, and a held lead waits for `opensAt`.
   */
  offHours?: { opensAt: Date | undefined; coverable: boolean } | undefined;
}

export interface ChainEntry {
  agentId: string;
  reason: string;
  /** After-hours cover: offered even though it is outside their working hours. */
  onDuty?: boolean;
}

export type RoutingDecision =
  | {
      kind: 'offer';
      rule: string;
      chain: ChainEntry[];
      sla: SlaSpec;
      /** New round-robin counters for the rule, to persist with the task. */
      roundRobin?: { rule: string; state: Map<string, number> };
    }
  | { kind: 'escalate'; rule: string | null; reason: string; chain: ChainEntry[]; sla: SlaSpec | null }
  /** After hours with no cover: wait, untouched, until `until`, then route again; the SLA starts then. */
  | { kind: 'hold'; rule: string; until: Date; waitingFor: string[]; chain: []; sla: SlaSpec };

export interface RouteInput {
  task: RoutableTask;
  config: DispatchConfig;
  roster: RosterAgent[];
  /** Round-robin counters per rule name. */
  roundRobinState: (rule: string) => ReadonlyMap<string, number>;
  now: Date;
}

/** Chooses the rule and the candidate chain for a task. Pure: same input, same decision. */
export function route(input: RouteInput): RoutingDecision {
  const { task, config, now } = input;
  const rule = config.rules.find((r) => ruleMatches(r, task, now, config.team.timezone));
  if (!rule) {
    return { kind: 'escalate', rule: null, reason: noRuleReason(task), chain: [], sla: null };
  }
  const sla = slaSpecOf(rule, config.team.default_sla);
  if (rule.assign.strategy === 'escalate') {
    const reason = rule.assign.reason ?? 'this rule sends every task to the leaders for manual review';
    return { kind: 'escalate', rule: rule.name, reason: `Rule ${rule.name}: ${reason}`, chain: [], sla };
  }
  const primary = primaryCandidates(rule, input);
  const chain = dedupe([...primary.entries, ...expandFallback(rule.fallback, primary.restOfPool, input)]);
  const [first, ...rest] = chain;
  if (first && primary.entries.length === 0 && primary.note) {
    // The backup should know why the lead skipped the primary, e.g. "the original agent is inactive".
    chain.splice(0, chain.length, { ...first, reason: `${first.reason} (${primary.note})` }, ...rest);
  }
  if (chain.length === 0) {
    const afterHours = afterHoursDecision(rule, sla, input);
    if (afterHours) return afterHours;
    const why = primary.note ?? 'nobody in its chain is available';
    return { kind: 'escalate', rule: rule.name, reason: `Rule ${rule.name}: ${why}`, chain, sla };
  }
  return {
    kind: 'offer',
    rule: rule.name,
    chain,
    sla,
    ...(primary.roundRobin ? { roundRobin: { rule: rule.name, state: primary.roundRobin } } : {}),
  };
}

interface Primary {
  entries: ChainEntry[];
  restOfPool: ChainEntry[];
  roundRobin?: Map<string, number>;
  note?: string;
}

function primaryCandidates(rule: RuleConfig, input: RouteInput): Primary {
  const { roster, task } = input;
  const byId = new Map(roster.map((a) => [a.id, a]));
  const assign = rule.assign;
  switch (assign.strategy) {
    case 'round_robin': {
      const pool = roster.filter(
        (a) =>
          assign.pool.agents?.includes(a.id) ||
          a.roles.some((r) => (assign.pool.roles as readonly string[] | undefined)?.includes(r)),
      );
      return roundRobinFrom(rule.name, pool, assign.prefer_zip, input, {
        reason: 'round robin',
        nobody: 'nobody in the pool is available',
      });
    }
    case 'role': {
      const holders = roster.filter((a) => a.roles.includes(assign.role));
      return roundRobinFrom(rule.name, holders, false, input, {
        reason: `the ${label(assign.role)}`,
        nobody: `no ${label(assign.role)} is available`,
      });
    }
    case 'agent': {
      const agent = byId.get(assign.agent);
      if (agent?.available)
        return { entries: [{ agentId: agent.id, reason: `named in rule ${rule.name}` }], restOfPool: [] };
      return { entries: [], restOfPool: [], note: `${agent?.name ?? assign.agent} is not available` };
    }
    case 'original_agent': {
      const ref = task.referringAgent?.trim().toLowerCase();
      if (!ref) return { entries: [], restOfPool: [], note: 'the task names no original agent' };
      const agent = roster.find((a) => a.id.toLowerCase() === ref || a.email?.toLowerCase() === ref);
      if (!agent)
        return {
          entries: [],
          restOfPool: [],
          note: `the original agent ${task.referringAgent} is not on the team`,
        };
      if (!agent.active)
        return { entries: [], restOfPool: [], note: `the original agent ${agent.name} is inactive` };
      if (!agent.available)
        return { entries: [], restOfPool: [], note: `the original agent ${agent.name} is not available` };
      return { entries: [{ agentId: agent.id, reason: 'the original agent' }], restOfPool: [] };
    }
    default:
      return { entries: [], restOfPool: [] };
  }
}

function roundRobinFrom(
  ruleName: string,
  pool: RosterAgent[],
  preferZip: boolean,
  input: RouteInput,
  words: { reason: string; nobody: string },
): Primary {
  const available = pool.filter((a) => a.available);
  const zip = input.task.zip;
  const experts = preferZip && zip ? available.filter((a) => a.zips.includes(zip)) : [];
  const candidates = experts.length > 0 ? experts : available;
  const result = pickWeightedRoundRobin(candidates, input.roundRobinState(ruleName));
  if (!result) return { entries: [], restOfPool: [], note: words.nobody };
  const reason = experts.length > 0 ? `${words.reason}, covers ${zip}` : words.reason;
  const inLine = [...result.nextInLine, ...available.filter((a) => !candidates.includes(a)).map((a) => a.id)];
  return {
    entries: [{ agentId: result.pick, reason }],
    restOfPool: inLine.map((id) => ({ agentId: id, reason: 'next available in the pool' })),
    roundRobin: result.state,
  };
}

function expandFallback(steps: FallbackStep[], restOfPool: ChainEntry[], input: RouteInput): ChainEntry[] {
  const out: ChainEntry[] = [];
  for (const step of steps) {
    if ('escalate' in step) break;
    if ('rest_of_pool' in step) out.push(...restOfPool);
    else if ('role' in step) {
      for (const a of input.roster) {
        if (a.available && a.roles.includes(step.role))
          out.push({ agentId: a.id, reason: `backup: ${label(step.role)}` });
      }
    } else {
      const agent = input.roster.find((a) => a.id === step.agent);
      if (agent?.available) out.push({ agentId: agent.id, reason: 'backup: named in the rule' });
    }
  }
  return out;
}

/**
 * Nobody in the chain is available. If some of them are merely off hours, it is after hours for
 * this rule: the on-duty cover takes it, or it waits for the first of them to start work.
 */
function afterHoursDecision(rule: RuleConfig, sla: SlaSpec, input: RouteInput): RoutingDecision | undefined {
  const duringHours = {
    ...input,
    roster: input.roster.map((a) => (a.offHours ? { ...a, available: true } : a)),
  };
  const primary = primaryCandidates(rule, duringHours);
  // The whole pool counts, not just the round-robin pick: the lead waits for whoever starts first.
  const wouldBe = [
    ...primary.entries,
    ...primary.restOfPool,
    ...expandFallback(rule.fallback, primary.restOfPool, duringHours),
  ];
  const byId = new Map(input.roster.map((a) => [a.id, a]));
  const waiting = wouldBe.flatMap((e) => {
    const agent = byId.get(e.agentId);
    return agent?.offHours ? [agent] : [];
  });
  if (waiting.length === 0) return undefined;
  const cover = rule.on_duty
    ? onDutyCover(rule.on_duty, input.roster, input.now, input.config.team.timezone)
    : undefined;
  if (cover) return { kind: 'offer', rule: rule.name, chain: [cover], sla };
  const opens = waiting
    .map((a) => a.offHours?.opensAt?.getTime())
    .filter((t): t is number => t !== undefined);
  if (opens.length === 0) return undefined;
  const earliest = Math.min(...opens);
  const first = waiting.filter((a) => a.offHours?.opensAt?.getTime() === earliest).map((a) => a.id);
  // Never hold until a moment already here: on a DST night an opening can compute to "now" while
  // the clock still says off hours, and the sweeper would release and re-hold it every second.
  const until = new Date(Math.max(earliest, input.now.getTime() + MIN_HOLD_MS));
  return { kind: 'hold', rule: rule.name, until, waitingFor: first, chain: [], sla };
}

const MIN_HOLD_MS = 60_000;

/**
 * Whoever covers after hours right now: the first in on-duty order who is not away or busy (their
 * working hours and Do Not Disturb do not count). `/dispatch who`, App Home and the end of a chain
 * ask the same question, so they all name the same person.
 */
export function onDutyCover(
  spec: OnDutySpec,
  roster: readonly RosterAgent[],
  now: Date,
  zone: string,
): ChainEntry | undefined {
  const byId = new Map(roster.map((a) => [a.id, a]));
  const order = onDutyOrder(spec, now, zone);
  const id = order.find((agentId) => {
    const a = byId.get(agentId);
    return a !== undefined && (a.available || a.offHours?.coverable === true);
  });
  if (id === undefined) return undefined;
  const why = id === order[0] ? onDutyPhrase(spec) : `covering on duty for ${byId.get(order[0] ?? '')?.name}`;
  return { agentId: id, reason: `after hours: ${why}`, onDuty: true };
}

function dedupe(chain: ChainEntry[]): ChainEntry[] {
  const seen = new Set<string>();
  const out: ChainEntry[] = [];
  for (const entry of chain) {
    if (seen.has(entry.agentId)) continue;
    seen.add(entry.agentId);
    out.push(entry);
  }
  return out;
}

const ROLE_LABELS: Record<string, string> = {
  buyer_agent: 'buyer agent',
  listing_agent: 'listing agent',
  isa: 'ISA',
  transaction_coordinator: 'transaction coordinator',
  admin: 'admin',
  team_leader: 'team leader',
};

export function label(role: string): string {
  return ROLE_LABELS[role] ?? role.replace(/_/g, ' ');
}

function noRuleReason(task: RoutableTask): string {
  const where = task.zip ? ` in ${task.zip}` : '';
  return `No routing rule matches a ${task.type.replace(/_/g, ' ')} from ${task.source}${where}`;
}
