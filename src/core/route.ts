import type { DispatchConfig, FallbackStep, RuleConfig } from '../config/dispatch-schema.js';
import { type ActiveCover, coverOf, rotationOf } from './cover.js';
import { type RoutableTask, ruleMatches } from './match.js';
import { type OnDutySpec, onDutyOrder, onDutyPhrase } from './on-duty.js';
import { fittingSkills, meetsRequired, type Skill, type SkilledAgent, skillPhrase } from './skills.js';
import { type SlaSpec, slaSpecOf } from './sla.js';
import { pickWeightedRoundRobin } from './weighted-round-robin.js';

export interface RosterAgent extends SkilledAgent {
  id: string;
  name: string;
  email: string | null;
  roles: string[];
  zips: string[];
  weight: number;
  active: boolean;
  /** Can take an offer right now (active, not away, not busy, within hours, under caps); computed by the caller. */
  available: boolean;
  /**
   * Set when the only thing keeping them from an offer is their working hours: on-duty cover may
   * still reach them, and a held lead waits for `opensAt`.
   */
  offHours?: { opensAt: Date | undefined; coverable: boolean } | undefined;
  /** Why they are skipped for load ("3 open, the cap is 3"); such an agent is not `available`. */
  capped?: string | undefined;
}

/** One agent in a candidate chain. */
export interface AgentEntry {
  agentId: string;
  reason: string;
  /** After-hours cover: offered even though it is outside their working hours. */
  onDuty?: boolean;
  /** Set when they are on duty by a `/dispatch cover` rather than by the rotation's turn. */
  coverId?: number;
}

/** First to claim: everyone in `pool` is offered the task at once, by DM or in one channel. */
export interface PoolEntry {
  pool: string[];
  channel?: string | undefined;
  reason: string;
}

export type ChainEntry = AgentEntry | PoolEntry;

export const isPoolEntry = (entry: ChainEntry): entry is PoolEntry => 'pool' in entry;

/** Someone notified of a task without owning it (rule `notify`), frozen with the routing decision. */
export interface Watcher {
  /** A user id, or a channel id when `via` is `channel`. */
  recipient: string;
  via: 'dm' | 'cc' | 'channel';
}

/** The agent who owned this contact's earlier task, found by the shell from phone or email. */
export interface EarlierOwner {
  agentId: string;
  name: string;
  taskId: number;
  matchedOn: 'phone' | 'email';
}

/** A paused rule that would have matched, skipped by this decision (recorded on the `routed` event). */
export interface PausedRuleSkip {
  rule: string;
  /** ISO time the pause ends. */
  until: string;
}

export type RoutingDecision = (
  | {
      kind: 'offer';
      rule: string;
      chain: ChainEntry[];
      sla: SlaSpec;
      watchers: Watcher[];
      /** New round-robin counters for the rule, to persist with the task. */
      roundRobin?: { rule: string; state: Map<string, number> };
      /**
       * Counters of rules whose rotation supplied a backup (`{ rule: … }`): backup duty rotates
       * too, rather than always falling to the same agent.
       */
      backupRoundRobin?: Array<{ rule: string; state: Map<string, number> }>;
    }
  | {
      kind: 'escalate';
      rule: string | null;
      reason: string;
      chain: ChainEntry[];
      sla: SlaSpec | null;
      watchers: Watcher[];
    }
  /** After hours with no cover: wait, untouched, until `until`, then route again; the SLA starts then. */
  | {
      kind: 'hold';
      rule: string;
      until: Date;
      waitingFor: string[];
      chain: [];
      sla: SlaSpec;
      watchers: Watcher[];
    }
) & { pausedRules?: PausedRuleSkip[] };

export interface RouteInput {
  task: RoutableTask;
  config: DispatchConfig;
  roster: RosterAgent[];
  /** Round-robin counters per rule name. */
  roundRobinState: (rule: string) => ReadonlyMap<string, number>;
  /** The owner of this contact's most recent earlier task (same phone or email), if any. */
  earlierOwner?: EarlierOwner | undefined;
  now: Date;
  /** `/dispatch cover` rows in force: who is on duty for a rotation instead of its turn. */
  covers?: readonly ActiveCover[];
  /** Rules paused now (`/dispatch pause rule`), with when each pause ends: routing skips them. */
  pausedRules?: ReadonlyMap<string, Date>;
}

/**
 * Chooses the rule and the candidate chain for a task. Pure: same input, same decision. A paused
 * rule is passed over as if it did not match, and the decision names it, so the timeline says why.
 */
export function route(input: RouteInput): RoutingDecision {
  const { task, config, now } = input;
  const paused = input.pausedRules ?? new Map<string, Date>();
  const skipped: PausedRuleSkip[] = [];
  const rule = config.rules.find((r) => {
    if (!ruleMatches(r, task, now, config.team.timezone)) return false;
    const until = paused.get(r.name);
    if (until === undefined) return true;
    skipped.push({ rule: r.name, until: until.toISOString() });
    return false;
  });
  const decision = decide(input, rule);
  return skipped.length > 0 ? { ...decision, pausedRules: skipped } : decision;
}

function decide(input: RouteInput, rule: RuleConfig | undefined): RoutingDecision {
  const { task, config } = input;
  if (!rule) {
    return { kind: 'escalate', rule: null, reason: noRuleReason(task), chain: [], sla: null, watchers: [] };
  }
  const sla = slaSpecOf(rule, config.team.default_sla);
  const watchers = watchersOf(rule, input);
  if (rule.assign.strategy === 'escalate') {
    const reason = rule.assign.reason ?? 'this rule sends every task to the leaders for manual review';
    return {
      kind: 'escalate',
      rule: rule.name,
      reason: `Rule ${rule.name}: ${reason}`,
      chain: [],
      sla,
      watchers,
    };
  }
  const primary = primaryCandidates(rule, input);
  const backupRotations: Rotation[] = [];
  const chain = dedupe([
    ...primary.entries,
    ...expandFallback(rule.fallback, primary.restOfPool, input, new Set([rule.name]), backupRotations),
  ]);
  const [first, ...rest] = chain;
  if (first && primary.entries.length === 0 && primary.note) {
    // The backup should know why the lead skipped the primary, e.g. "the original agent is inactive".
    chain.splice(0, chain.length, { ...first, reason: `${first.reason} (${primary.note})` }, ...rest);
  }
  if (chain.length === 0) {
    const afterHours = afterHoursDecision(rule, sla, input);
    if (afterHours) return { ...afterHours, watchers };
    const why = primary.note ?? 'nobody in its chain is available';
    return { kind: 'escalate', rule: rule.name, reason: `Rule ${rule.name}: ${why}`, chain, sla, watchers };
  }
  return {
    kind: 'offer',
    rule: rule.name,
    chain,
    sla,
    watchers,
    ...(primary.roundRobin ? { roundRobin: { rule: rule.name, state: primary.roundRobin } } : {}),
    ...(backupRotations.length > 0 ? { backupRoundRobin: backupRotations } : {}),
  };
}

type Rotation = { rule: string; state: Map<string, number> };

interface Primary {
  entries: ChainEntry[];
  restOfPool: ChainEntry[];
  roundRobin?: Map<string, number>;
  note?: string;
}

function primaryCandidates(rule: RuleConfig, input: RouteInput): Primary {
  const { roster } = input;
  const byId = new Map(roster.map((a) => [a.id, a]));
  const assign = rule.assign;
  switch (assign.strategy) {
    case 'round_robin': {
      const pool = poolOf(assign.pool, roster).filter((a) => meetsRequired(a, input.task, assign.require));
      return roundRobinFrom(rule.name, pool, assign.prefer, input, {
        reason: 'round robin',
        nobody: nobodyInPool(assign.require),
      });
    }
    case 'broadcast': {
      const members = poolOf(assign.pool, roster)
        .filter((a) => a.available && meetsRequired(a, input.task, assign.require))
        .map((a) => a.id);
      if (members.length === 0) return { entries: [], restOfPool: [], note: nobodyInPool(assign.require) };
      const where = assign.channel
        ? `posted in <#${assign.channel}>`
        : `sent to ${members.length} agent${members.length === 1 ? '' : 's'}`;
      return {
        entries: [{ pool: members, channel: assign.channel, reason: `first to claim, ${where}` }],
        restOfPool: [],
      };
    }
    case 'role': {
      const holders = roster.filter((a) => a.roles.includes(assign.role));
      return roundRobinFrom(rule.name, holders, [], input, {
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
      const original = originalAgentOf(input);
      if (original.kind === 'none') return { entries: [], restOfPool: [], note: original.why };
      const { agent, how } = original;
      if (!agent.active)
        return { entries: [], restOfPool: [], note: `the original agent ${agent.name} is inactive` };
      if (!agent.available) {
        const why = agent.capped ? `is at their cap: ${agent.capped}` : 'is not available';
        return { entries: [], restOfPool: [], note: `the original agent ${agent.name} ${why}` };
      }
      return { entries: [{ agentId: agent.id, reason: `the original agent${how}` }], restOfPool: [] };
    }
    default:
      return { entries: [], restOfPool: [] };
  }
}

type OriginalAgent = { kind: 'found'; agent: RosterAgent; how: string } | { kind: 'none'; why: string };

/**
 * The agent this contact belongs to: the referring agent the sender named, else whoever owned the
 * contact's most recent earlier task (same phone or email). Inactive agents are returned, so the
 * backup can be told why; agents no longer on the team are not.
 */
export function originalAgentOf(input: Pick<RouteInput, 'task' | 'roster' | 'earlierOwner'>): OriginalAgent {
  const { task, roster, earlierOwner } = input;
  const ref = task.referringAgent?.trim().toLowerCase();
  if (ref) {
    const agent = roster.find((a) => a.id.toLowerCase() === ref || a.email?.toLowerCase() === ref);
    if (agent) return { kind: 'found', agent, how: '' };
    // Often an agent from another brokerage referred them: our own agent, if any, is in the history.
    if (!earlierOwner)
      return {
        kind: 'none',
        why: `the referring agent ${task.referringAgent} is not on the team, and nobody here has handled this contact before`,
      };
  }
  if (earlierOwner) {
    const agent = roster.find((a) => a.id === earlierOwner.agentId);
    if (!agent) return { kind: 'none', why: `the original agent ${earlierOwner.name} has left the team` };
    return { kind: 'found', agent, how: ` (owned #${earlierOwner.taskId}, same ${earlierOwner.matchedOn})` };
  }
  return {
    kind: 'none',
    why: 'the task names no referring agent and nobody owned an earlier task with this phone or email',
  };
}

function poolOf(
  pool: { roles?: readonly string[] | undefined; agents?: readonly string[] | undefined },
  roster: readonly RosterAgent[],
): RosterAgent[] {
  return roster.filter((a) => pool.agents?.includes(a.id) || a.roles.some((r) => pool.roles?.includes(r)));
}

function nobodyInPool(required: readonly Skill[]): string {
  return required.length > 0
    ? `nobody available in the pool fits its ${required.join(', ')}`
    : 'nobody in the pool is available';
}

/**
 * Weighted round robin among the best-fitting available agents, fit ranked by the preferred skills
 * in order (a language match beats a zip match, which beats a city match). The others keep their counters, so being passed over for fit costs them no turn; they
 * follow as the rest of the pool, best fit first.
 */
function roundRobinFrom(
  ruleName: string,
  pool: RosterAgent[],
  preferred: readonly Skill[],
  input: RouteInput,
  words: { reason: string; nobody: string },
): Primary {
  const available = pool.filter((a) => a.available);
  const fit = new Map(available.map((a) => [a.id, fittingSkills(a, input.task, preferred)]));
  // Earlier skills outrank any number of later ones: one bit each, the first the highest.
  const score = (a: RosterAgent) =>
    (fit.get(a.id) ?? []).reduce(
      (sum, skill) => sum + 2 ** (preferred.length - 1 - preferred.indexOf(skill)),
      0,
    );
  const best = Math.max(0, ...available.map(score));
  const candidates = available.filter((a) => score(a) === best);
  // Away, off hours or capped: they keep moving with the rotation so the skip costs them no turn.
  const waiting = pool.filter((a) => a.active && !a.available);
  const result = pickWeightedRoundRobin(candidates, input.roundRobinState(ruleName), waiting);
  if (!result) return { entries: [], restOfPool: [], note: words.nobody };
  // Only skills that set agents apart are worth naming: "$450K is in their band" says nothing if all fit.
  const telling = preferred.filter((skill) => available.some((a) => !fit.get(a.id)?.includes(skill)));
  const skills = (fit.get(result.pick) ?? []).filter((skill) => telling.includes(skill));
  const picked = available.find((a) => a.id === result.pick);
  const reason =
    skills.length > 0 && picked
      ? `${words.reason}, ${skillPhrase(input.task, skills, picked)}`
      : words.reason;
  const others = available.filter((a) => score(a) < best).sort((a, b) => score(b) - score(a));
  const inLine = [...result.nextInLine, ...others.map((a) => a.id)];
  return {
    entries: [{ agentId: result.pick, reason }],
    restOfPool: inLine.map((id) => ({ agentId: id, reason: 'next available in the pool' })),
    roundRobin: result.state,
  };
}

function expandFallback(
  steps: FallbackStep[],
  restOfPool: ChainEntry[],
  input: RouteInput,
  /**
   * Rules already expanded for this decision: each is expanded once, so `{ rule: … }` steps that
   * loop stop, and rules that back each other up cannot multiply the work.
   */
  visited: Set<string>,
  /** Collects the counters of each rule whose rotation supplied a backup. */
  rotations: Rotation[],
): ChainEntry[] {
  const out: ChainEntry[] = [];
  for (const step of steps) {
    if ('escalate' in step) break;
    if ('rest_of_pool' in step) out.push(...restOfPool);
    else if ('role' in step) {
      for (const a of input.roster) {
        if (a.available && a.roles.includes(step.role))
          out.push({ agentId: a.id, reason: `backup: ${label(step.role)}` });
      }
    } else if ('rule' in step) {
      const other = input.config.rules.find((r) => r.name === step.rule);
      // A paused rule is skipped as a backup step too: it routes nothing while paused.
      if (!other || visited.has(other.name) || input.pausedRules?.has(other.name)) continue;
      visited.add(other.name);
      const primary = primaryCandidates(other, input);
      // The same rule reached twice in one chain keeps its first rotation step only.
      if (primary.roundRobin && !rotations.some((r) => r.rule === other.name))
        rotations.push({ rule: other.name, state: primary.roundRobin });
      const theirs = [
        ...primary.entries,
        ...expandFallback(other.fallback, primary.restOfPool, input, visited, rotations),
      ];
      out.push(...theirs.map((e) => ({ ...e, reason: `backup: rule ${other.name}, ${e.reason}` })));
    } else {
      const agent = input.roster.find((a) => a.id === step.agent);
      if (agent?.available) out.push({ agentId: agent.id, reason: 'backup: named in the rule' });
    }
  }
  return out;
}

/** The rule's `notify` list as recipients; the original agent only when known and active. */
function watchersOf(rule: RuleConfig, input: RouteInput): Watcher[] {
  const out: Watcher[] = [];
  for (const target of rule.notify) {
    if ('channel' in target) out.push({ recipient: target.channel, via: 'channel' });
    else if ('role' in target) {
      for (const a of input.roster)
        if (a.active && a.roles.includes(target.role)) out.push({ recipient: a.id, via: target.via });
    } else if ('agent' in target) out.push({ recipient: target.agent, via: target.via });
    else {
      const original = originalAgentOf(input);
      if (original.kind === 'found' && original.agent.active)
        out.push({ recipient: original.agent.id, via: target.via });
    }
  }
  const seen = new Set<string>();
  return out.filter((w) => !seen.has(w.recipient) && seen.add(w.recipient));
}

type WithoutWatchers<T> = T extends unknown ? Omit<T, 'watchers'> : never;

/**
 * Nobody in the chain is available. If some of them are merely off hours, it is after hours for
 * this rule: the on-duty cover takes it, or it waits for the first of them to start work.
 */
function afterHoursDecision(
  rule: RuleConfig,
  sla: SlaSpec,
  input: RouteInput,
): WithoutWatchers<Extract<RoutingDecision, { kind: 'offer' | 'hold' }>> | undefined {
  const duringHours = {
    ...input,
    roster: input.roster.map((a) => (a.offHours ? { ...a, available: true } : a)),
  };
  const primary = primaryCandidates(rule, duringHours);
  // The whole pool counts, not just the round-robin pick: the lead waits for whoever starts first.
  const wouldBe = [
    ...primary.entries,
    ...primary.restOfPool,
    ...expandFallback(rule.fallback, primary.restOfPool, duringHours, new Set([rule.name]), []),
  ];
  const byId = new Map(input.roster.map((a) => [a.id, a]));
  const waiting = wouldBe.flatMap(agentIdsOf).flatMap((id) => {
    const agent = byId.get(id);
    return agent?.offHours ? [agent] : [];
  });
  if (waiting.length === 0) return undefined;
  const cover = rule.on_duty
    ? onDutyCover(
        rule.on_duty,
        input.roster,
        input.now,
        input.config.team.timezone,
        coverOf(input.covers ?? [], rotationOf(rule), input.now),
      )
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
 * working hours and Do Not Disturb do not count). A `/dispatch cover` in force puts its agent
 * first, with the rotation's own order behind them in case they are away. `/dispatch who`, App
 * Home and the end of a chain ask the same question, so they all name the same person.
 */
export function onDutyCover(
  spec: OnDutySpec,
  roster: readonly RosterAgent[],
  now: Date,
  zone: string,
  cover?: ActiveCover,
): AgentEntry | undefined {
  const byId = new Map(roster.map((a) => [a.id, a]));
  const turns = onDutyOrder(spec, now, zone);
  const order = cover ? [cover.agentId, ...turns.filter((id) => id !== cover.agentId)] : turns;
  const id = order.find((agentId) => {
    const a = byId.get(agentId);
    return a !== undefined && (a.available || a.offHours?.coverable === true);
  });
  if (id === undefined) return undefined;
  const turnName = byId.get(turns[0] ?? '')?.name ?? turns[0];
  if (cover && id === cover.agentId && id !== turns[0])
    return {
      agentId: id,
      reason: `after hours: covering ${cover.rotation} for ${turnName}`,
      onDuty: true,
      coverId: cover.id,
    };
  const why = id === turns[0] ? onDutyPhrase(spec) : `covering on duty for ${turnName}`;
  return { agentId: id, reason: `after hours: ${why}`, onDuty: true };
}

/** Every agent a chain entry reaches. */
export function agentIdsOf(entry: ChainEntry): string[] {
  return isPoolEntry(entry) ? entry.pool : [entry.agentId];
}

/** Each agent is asked once: a backup who was in the broadcast, or is a second role holder, is dropped. */
function dedupe(chain: ChainEntry[]): ChainEntry[] {
  const seen = new Set<string>();
  const out: ChainEntry[] = [];
  for (const entry of chain) {
    if (isPoolEntry(entry)) {
      const fresh = entry.pool.filter((id) => !seen.has(id));
      for (const id of fresh) seen.add(id);
      if (fresh.length > 0) out.push({ ...entry, pool: fresh });
      continue;
    }
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
