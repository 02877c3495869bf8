import type { DispatchConfig } from '../config/dispatch-schema.js';
import { classify, normalizeSource } from '../core/classify.js';
import { isMergeable, sameContact } from '../core/contact.js';
import type { RoutableTask } from '../core/match.js';
import {
  type ChainEntry,
  type EarlierOwner,
  isPoolEntry,
  type RoutingDecision,
  route,
} from '../core/route.js';
import { type Lead, readPostedLead } from '../intake/read-lead.js';
import type {
  AgentRef,
  LeadRow,
  Outcome,
  Release,
  ReplayResult,
  SimulatedLead,
  SimulatedStep,
} from './result.js';
import { DailyClaims, rosterAt } from './roster-at.js';
import { summarize } from './summary.js';

export type {
  AgentRef,
  AgentSummary,
  LeadRow,
  Outcome,
  Release,
  ReplayResult,
  RuleSummary,
  SimulatedLead,
  SimulatedStep,
  Totals,
} from './result.js';

/** A held lead re-held this often (a cap, say) is left held, so the replay always ends. */
const MAX_HOLDS = 5;

interface Arrival {
  lead: Lead;
  at: Date;
  task: RoutableTask | null;
  why: string;
  out: SimulatedLead;
}

/**
 * Replays past leads through the rules in `receivedAt` order, as the app would have routed them:
 * working hours honoured, round-robin counters kept across the replay, per-day caps counted,
 * repeat contacts found, held leads routed again when their hold ends. Pure: no I/O, no clock.
 */
export function replay(config: DispatchConfig, rows: readonly LeadRow[]): ReplayResult {
  const names = new Map(config.agents.map((a) => [a.id, a.name]));
  const ref = (id: string): AgentRef => ({ id, name: names.get(id) ?? id });
  const roundRobin = new Map<string, ReadonlyMap<string, number>>();
  const claims = new DailyClaims(config.team.timezone);
  const owners: Array<{ row: number; agentId: string; phone?: string; email?: string }> = [];
  const originals: Array<{ row: number; at: Date; phone?: string; email?: string }> = [];
  const results = rows.map((r) => prepare(r, config));
  const arrivals = results
    .flatMap((r) => ('arrival' in r ? [r.arrival] : []))
    .sort((a, b) => a.at.getTime() - b.at.getTime() || a.out.row - b.out.row);
  const releases: Array<{ arrival: Arrival; at: Date; holds: number }> = [];

  const decide = (a: Arrival, task: RoutableTask, at: Date, holds: number): void => {
    const decision = route({
      task,
      config,
      roster: rosterAt(config, at, claims),
      roundRobinState: (rule) => roundRobin.get(rule) ?? new Map(),
      earlierOwner: earlierOwnerOf(a),
      now: at,
    });
    if (holds === 0) a.out.rule = decision.rule;
    if (decision.kind === 'offer') {
      const [first] = decision.chain;
      const claimant = first && (isPoolEntry(first) ? first.pool[0] : first.agentId);
      if (claimant !== undefined) {
        claims.record(claimant, at);
        owners.push({ row: a.out.row, agentId: claimant, phone: a.lead.phone, email: a.lead.email });
      }
      if (decision.roundRobin) roundRobin.set(decision.roundRobin.rule, decision.roundRobin.state);
      for (const backup of decision.backupRoundRobin ?? []) roundRobin.set(backup.rule, backup.state);
      a.out.chain = decision.chain.map(stepOf);
      settle(a, holds, { kind: 'offer', at: at.toISOString(), rule: decision.rule }, { kind: 'offer' });
    } else if (decision.kind === 'escalate') {
      const release = { kind: 'exception', at: at.toISOString(), reason: decision.reason } as const;
      settle(a, holds, release, { kind: 'exception', reason: decision.reason });
    } else if (holds < MAX_HOLDS) {
      if (holds === 0) a.out.outcome = heldOutcome(decision);
      releases.push({ arrival: a, at: decision.until, holds: holds + 1 });
    } else settle(a, holds, { kind: 'held', until: decision.until.toISOString() }, heldOutcome(decision));
  };

  const settle = (a: Arrival, holds: number, release: Release, outcome: Outcome) => {
    if (holds === 0) a.out.outcome = outcome;
    else if (a.out.outcome.kind === 'held') a.out.outcome.release = release;
  };

  const heldOutcome = (d: Extract<RoutingDecision, { kind: 'hold' }>): Outcome => ({
    kind: 'held',
    until: d.until.toISOString(),
    waitingFor: d.waitingFor.map(ref),
    release: { kind: 'held', until: d.until.toISOString() },
  });

  const stepOf = (entry: ChainEntry): SimulatedStep =>
    isPoolEntry(entry)
      ? { agents: entry.pool.map(ref), firstToClaim: true, reason: entry.reason }
      : { agents: [ref(entry.agentId)], firstToClaim: false, reason: entry.reason };

  /** The owner of this contact's most recent earlier lead in the replay, by phone or email. */
  const earlierOwnerOf = (a: Arrival): EarlierOwner | undefined => {
    for (let i = owners.length - 1; i >= 0; i--) {
      const o = owners[i];
      if (!o || o.row === a.out.row) continue;
      const matchedOn = sameContact(a.lead, o);
      if (matchedOn) return { agentId: o.agentId, name: ref(o.agentId).name, taskId: o.row, matchedOn };
    }
    return undefined;
  };

  const duplicateOf = (a: Arrival): Outcome | undefined => {
    const windowMs = config.team.duplicate_window * 1000;
    for (let i = originals.length - 1; i >= 0; i--) {
      const o = originals[i];
      if (!o || a.at.getTime() - o.at.getTime() > windowMs) continue;
      const matchedOn = sameContact(a.lead, o);
      if (matchedOn) return { kind: 'duplicate', of: o.row, matchedOn };
    }
    return undefined;
  };

  const arrive = (a: Arrival): void => {
    const type = a.task?.type ?? null;
    if (type !== null && isMergeable(type)) {
      const duplicate = duplicateOf(a);
      if (duplicate) {
        a.out.outcome = duplicate;
        return;
      }
    }
    // As in the app, a lead nothing could classify is still one a repeat is a note on.
    if (isMergeable(type))
      originals.push({ row: a.out.row, at: a.at, phone: a.lead.phone, email: a.lead.email });
    if (a.task) decide(a, a.task, a.at, 0);
    else a.out.outcome = { kind: 'exception', reason: `Could not classify: ${a.why}` };
  };

  let next = 0;
  for (;;) {
    releases.sort((x, y) => x.at.getTime() - y.at.getTime() || x.arrival.out.row - y.arrival.out.row);
    const [release] = releases;
    const arrival = arrivals[next];
    // A lead whose hold ends as another arrives goes first: it has waited longer.
    if (release && (!arrival || release.at.getTime() <= arrival.at.getTime())) {
      releases.shift();
      if (release.arrival.task) decide(release.arrival, release.arrival.task, release.at, release.holds);
    } else if (arrival) {
      next++;
      arrive(arrival);
    } else break;
  }

  // In the order they were replayed; rows too broken to have a time come last.
  const leads = [
    ...arrivals.map((a) => a.out),
    ...results.flatMap((r) => ('invalid' in r ? [r.invalid] : [])),
  ];
  return { team: config.team.name, timezone: config.team.timezone, ...summarize(config, leads) };
}

/** Reads and classifies one row with intake's own functions, as of the moment it arrived. */
function prepare(r: LeadRow, config: DispatchConfig): { arrival: Arrival } | { invalid: SimulatedLead } {
  const raw = typeof r.body === 'object' && r.body !== null ? (r.body as Record<string, unknown>) : {};
  const at = typeof raw.receivedAt === 'string' ? new Date(raw.receivedAt) : undefined;
  // "Now" is when the lead arrived, so intake's "not in the future, within the last year" hold for any export.
  const checked = readPostedLead(config, r.body, at ?? new Date(0));
  const issues = checked.ok
    ? []
    : checked.issues.map((i) => `${i.path === '' || i.path === '(body)' ? 'row' : i.path}: ${i.message}`);
  const reasons = [...(r.problems ?? []), ...issues];
  if (raw.receivedAt === undefined) reasons.push('receivedAt: is required to replay a lead');
  const base = { row: r.row, type: null, rule: null, chain: [] };
  if (!checked.ok || !at || reasons.length > 0) {
    const invalid = { ...base, receivedAt: null, source: null, zip: null };
    return { invalid: { ...invalid, outcome: { kind: 'invalid', reasons } } };
  }
  const lead = checked.lead;
  const classification = classify(
    { type: lead.type, source: lead.source, referringAgent: lead.referringAgent },
    config,
  );
  const source = normalizeSource(lead.source);
  const zip = lead.zip ?? lead.address?.zip ?? null;
  const task: RoutableTask | null =
    classification.type === null
      ? null
      : {
          type: classification.type,
          source,
          zip,
          city: lead.address?.city ?? null,
          language: lead.language ?? null,
          price: lead.price ?? null,
          tags: lead.tags ?? [],
          referringAgent: lead.referringAgent ?? null,
        };
  const out: SimulatedLead = {
    ...base,
    receivedAt: at.toISOString(),
    type: classification.type,
    source,
    zip,
    ...(lead.notes.length > 0 ? { keptAsSent: lead.notes.map((n) => n.field) } : {}),
    outcome: { kind: 'offer' },
  };
  return { arrival: { lead, at, task, why: classification.why, out } };
}
