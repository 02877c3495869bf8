import { median } from '../core/stats.js';

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
  /** offered / expired / withdrawn: the agent (null for a first-to-claim pool). */
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

/** The pass reasons that mean the rules picked the wrong person. */
export const MISASSIGNMENT_REASONS = ['wrong_area', 'price_point'] as const;

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
  /** Leads a leader moved away from the agent who had claimed them (part of `misassigned`). */
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

const seconds = (from: Date, to: Date) => (to.getTime() - from.getTime()) / 1000;

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) return { median: null, p90: null, n: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const p90 = sorted[Math.ceil(0.9 * sorted.length) - 1] ?? null;
  return { median: median(sorted), p90, n: sorted.length };
}

export function ratio(rate: Rate): number | null {
  return rate.of === 0 ? null : rate.hits / rate.of;
}

const first = (lead: ReportLead, kind: string) => lead.events.find((e) => e.kind === kind);

/**
 * The offers the rules made. While a lead sits with the leaders (escalated, until returned to the
 * rules) an offer is a leader's Assign to…, not a dispatch: it must not count as the rules' first
 * offer, nor make an exception "dispatched".
 */
export function rulesOffers(lead: ReportLead): ReportEvent[] {
  const offers: ReportEvent[] = [];
  let withLeaders = false;
  for (const e of lead.events) {
    if (e.kind === 'escalated') withLeaders = true;
    else if (e.kind === 'returned') withLeaders = false;
    else if (e.kind === 'offered' && !withLeaders) offers.push(e);
  }
  return offers;
}

/** Whether the lead's first offer was claimed before its deadline (a restarted clock counts). */
function claimedInFirstWindow(lead: ReportLead): boolean {
  const offer = rulesOffers(lead)[0];
  if (!offer || offer.offerId === null) return false;
  let deadline = offer.deadline;
  for (const e of lead.events)
    if (e.kind === 'clock_restarted' && e.offerId === offer.offerId && e.deadline) deadline = e.deadline;
  const claim = lead.events.find((e) => e.kind === 'claimed' && e.offerId === offer.offerId);
  return claim !== undefined && deadline !== null && claim.at <= deadline;
}

/**
 * Whether an offer could still be claimed at `now`: nobody claimed, passed or let it lapse, and
 * its (possibly restarted) deadline is still ahead. Such a lead is neither a hit nor a miss yet.
 */
function stillOpen(lead: ReportLead, offer: ReportEvent | undefined, now: Date | undefined): boolean {
  if (!now || !offer || offer.offerId === null) return false;
  let deadline = offer.deadline;
  for (const e of lead.events) {
    if (e.offerId !== offer.offerId) continue;
    if (e.kind === 'clock_restarted' && e.deadline) deadline = e.deadline;
    if (e.kind === 'claimed' || e.kind === 'passed' || e.kind === 'expired') return false;
  }
  return deadline !== null && deadline > now;
}

/** Claimed by someone in the rule's chain, before any escalation to the leaders. */
function claimedInChain(lead: ReportLead): boolean {
  for (const e of lead.events) {
    if (e.kind === 'escalated') return false;
    if (e.kind === 'claimed') return true;
  }
  return false;
}

/**
 * A leader moved the lead away from someone who had claimed it (Assign to… another agent, or Take
 * it, after a contact escalation). Assigning a lead whose offers lapsed is not one: nobody had it,
 * and lapses are counted on their own.
 */
function reassignedByLeader(lead: ReportLead): boolean {
  let claimer: string | null = null;
  let offeredTo: string | null = null;
  for (const e of lead.events) {
    if (e.kind === 'claimed') claimer = e.actor;
    else if (e.kind === 'offered') offeredTo = e.agentId;
    // Assign to… writes the leader's offer (to the assignee) just before `assigned`.
    else if (e.kind === 'assigned' && claimer !== null && offeredTo !== claimer) return true;
    else if (e.kind === 'taken' && claimer !== null && e.actor !== claimer) return true;
  }
  return false;
}

function misassignedPasses(lead: ReportLead): number {
  return lead.events.filter(
    (e) => e.kind === 'pass_reason' && (MISASSIGNMENT_REASONS as readonly string[]).includes(e.reason ?? ''),
  ).length;
}

/**
 * Every headline figure over a set of leads. `now` (live views: the period ends now) leaves out
 * of the SLA rates the leads whose window is still open: they have not missed it yet. `repeats`
 * (see repeatsIn) counts repeats by when they arrived; without it, those noted on these leads.
 */
export function figuresOf(all: readonly ReportLead[], now?: Date, repeats?: number): Figures {
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
  let redispatches = 0;
  for (const lead of leads) {
    const offers = rulesOffers(lead).length;
    if (lead.firstDmAt) dispatch.push(seconds(lead.receivedAt, lead.firstDmAt));
    const claimed = first(lead, 'claimed');
    if (claimed) claim.push(seconds(lead.receivedAt, claimed.at));
    const contacted = first(lead, 'contacted');
    if (claimed && contacted) contact.push(seconds(claimed.at, contacted.at));
    if (offers > 0) {
      f.dispatched += 1;
      redispatches += offers - 1;
      const offered = rulesOffers(lead);
      if (!stillOpen(lead, offered[0], now)) {
        f.slaFirstOffer.of += 1;
        if (claimedInFirstWindow(lead)) f.slaFirstOffer.hits += 1;
      }
      const inChain = claimedInChain(lead);
      if (inChain || first(lead, 'escalated') || !stillOpen(lead, offered.at(-1), now)) {
        f.slaChain.of += 1;
        if (inChain) f.slaChain.hits += 1;
      }
      const reassigned = reassignedByLeader(lead);
      if (reassigned) f.reassigned += 1;
      if (reassigned || misassignedPasses(lead) > 0) f.misassigned.hits += 1;
    }
    if (first(lead, 'escalated')) {
      f.escalated += 1;
      // How the last escalation was resolved: one escalated again after a leader acted is open.
      const last = lead.events.findLastIndex((e) => e.kind === 'escalated');
      // A leader's action comes before the claim it leads to; a claim first came from the pond.
      const outcome = lead.events
        .slice(last)
        .find((e) => ['assigned', 'taken', 'returned', 'claimed'].includes(e.kind));
      if (outcome?.kind === 'assigned') f.resolved.assigned += 1;
      else if (outcome?.kind === 'claimed') f.resolved.pond += 1;
      else if (outcome?.kind === 'taken') f.resolved.taken += 1;
      else if (outcome?.kind === 'returned') f.resolved.returned += 1;
      else f.resolved.open += 1;
    }
    const held = first(lead, 'held');
    if (held) {
      f.held += 1;
      const released = lead.events.find((e) => e.kind === 'released' && e.at >= held.at);
      if (released) hold.push(seconds(held.at, released.at));
    }
    for (const e of lead.events) {
      if (e.kind === 'passed') f.passes += 1;
      if (e.kind === 'pass_reason' && e.reason) passReasons[e.reason] = (passReasons[e.reason] ?? 0) + 1;
      if (e.kind === 'expired') f.lapses += 1;
      if (e.kind === 'duplicate' && repeats === undefined) f.duplicates += 1;
    }
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
export function repeatsIn(all: readonly ReportLead[], since: Date, until: Date): number {
  let n = 0;
  for (const lead of all)
    for (const e of lead.events) if (e.kind === 'duplicate' && e.at >= since && e.at < until) n += 1;
  return n;
}

/** What each agent did with the offers made to them. */
export function agentFigures(all: readonly ReportLead[]): AgentFigures[] {
  const byAgent = new Map<string, AgentFigures & { claimTimes: number[] }>();
  const row = (agentId: string) => {
    let r = byAgent.get(agentId);
    if (!r) {
      r = {
        agentId,
        offers: 0,
        claims: 0,
        passes: 0,
        misassignedPasses: 0,
        lapses: 0,
        timeToClaim: spread([]),
        claimTimes: [],
      };
      byAgent.set(agentId, r);
    }
    return r;
  };
  for (const lead of all) {
    if (lead.merged) continue;
    const offeredAt = new Map<number, Date>();
    for (const e of lead.events) {
      if (e.kind === 'offered' && e.agentId) {
        row(e.agentId).offers += 1;
        if (e.offerId !== null) offeredAt.set(e.offerId, e.at);
      } else if (e.kind === 'claimed' && e.actor !== 'system') {
        const r = row(e.actor);
        r.claims += 1;
        const at = e.offerId === null ? undefined : offeredAt.get(e.offerId);
        if (at) r.claimTimes.push(seconds(at, e.at));
      } else if (e.kind === 'passed') row(e.actor).passes += 1;
      else if (
        e.kind === 'pass_reason' &&
        (MISASSIGNMENT_REASONS as readonly string[]).includes(e.reason ?? '')
      )
        row(e.actor).misassignedPasses += 1;
      else if (e.kind === 'expired' && e.agentId) row(e.agentId).lapses += 1;
    }
  }
  return [...byAgent.values()]
    .map(({ claimTimes, ...r }) => ({ ...r, timeToClaim: spread(claimTimes) }))
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
  all: readonly ReportLead[],
  weights: ReadonlyMap<string, number>,
  pools: ReadonlyMap<string, readonly string[]> = new Map(),
): FairnessRow[] {
  const counts = new Map<string, Map<string, number>>();
  for (const lead of all) {
    if (lead.merged || lead.rule === null) continue;
    for (const e of rulesOffers(lead)) {
      if (e.position !== 0 || !e.agentId) continue;
      const rule = counts.get(lead.rule) ?? new Map<string, number>();
      rule.set(e.agentId, (rule.get(e.agentId) ?? 0) + 1);
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
  all: readonly ReportLead[],
  by: GroupBy,
  dayOf: (at: Date) => string,
  now?: Date,
): Array<{ key: string; figures: Figures }> {
  const groups = new Map<string, ReportLead[]>();
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
