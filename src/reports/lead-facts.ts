import type { ReportEvent, ReportLead } from './measures.js';

/** The pass reasons that mean the rules picked the wrong person. */
export const MISASSIGNMENT_REASONS = ['wrong_area', 'price_point'] as const;

const isMisassignment = (reason: string | null) =>
  (MISASSIGNMENT_REASONS as readonly string[]).includes(reason ?? '');

/** What one agent did with one lead's offers. */
export interface AgentLeadFacts {
  agentId: string;
  offers: number;
  claims: number;
  /** Offer → claim, in seconds, for each of their claims with a known offer time. */
  claimSeconds: number[];
  passes: number;
  misassignedPasses: number;
  lapses: number;
}

/** How a lead's last escalation ended, when it was escalated. */
export type EscalationOutcome = 'assigned' | 'taken' | 'returned' | 'pond' | 'open';

/**
 * What one lead's timeline says, reduced to what the figures read. A pure function of the
 * events (`leadFacts`), so the engine can keep it in `report_facts` as the timeline grows and a
 * report over a month reads one row a lead instead of every event. Times are epoch ms.
 */
export interface TimelineFacts {
  claimedAt: number | null;
  contactedAt: number | null;
  /** Offers the rules made (not a leader's Assign to…). */
  rulesOffers: number;
  /** The first rules offer was claimed before its (possibly restarted) deadline. */
  firstOfferHit: boolean;
  /** The first rules offer's deadline while nobody claimed, passed or let it lapse; else null. */
  firstOfferOpenUntil: number | null;
  /** The same for the last rules offer. */
  lastOfferOpenUntil: number | null;
  /** Claimed by someone in the rule's chain, before any escalation to the leaders. */
  claimedInChain: boolean;
  escalation: EscalationOutcome | null;
  heldAt: number | null;
  /** Held → released, when it was released after the hold. */
  holdSeconds: number | null;
  passes: number;
  passReasons: string[];
  lapses: number;
  /** When each repeat noted on this lead arrived. */
  duplicateTimes: number[];
  /** A leader moved it away from the agent who had claimed it. */
  reassigned: boolean;
  misassignedPasses: number;
  /** Who the rules offered it to first (chain position 0), for fairness. */
  fairOffers: string[];
  /** The first offer's window (deadline − offered), in seconds, for the chart's SLA line. */
  offerWindowSeconds: number | null;
  agents: AgentLeadFacts[];
}

/** The task row's side of a lead, read fresh by every report (it changes without an event). */
export interface LeadRowFacts {
  id: number;
  source: string;
  type: string;
  rule: string | null;
  receivedAt: number;
  /** The earliest offer DM Slack confirmed. */
  firstDmAt: number | null;
  manualReview: boolean;
  noContact: boolean;
  merged: boolean;
}

export type LeadFacts = LeadRowFacts & TimelineFacts;

/**
 * The offers the rules made. While a lead sits with the leaders (escalated, until returned to the
 * rules) an offer is a leader's Assign to…, not a dispatch: it must not count as the rules' first
 * offer, nor make an exception "dispatched".
 */
export function rulesOffers(events: readonly ReportEvent[]): ReportEvent[] {
  const offers: ReportEvent[] = [];
  let withLeaders = false;
  // The offer a Reassign… or a hand-off to a teammate makes (written right after it) is a person's pick too.
  let picked = false;
  for (const e of events) {
    if (e.kind === 'escalated') withLeaders = true;
    else if (e.kind === 'returned') withLeaders = false;
    else if (e.kind === 'reassigned' || (e.kind === 'handed_off' && e.agentId !== null)) picked = true;
    else if (e.kind === 'offered') {
      if (!withLeaders && !picked) offers.push(e);
      picked = false;
    }
  }
  return offers;
}

/** An offer's deadline after any restart of its clock, and whether someone answered it and how. */
function offerOutcome(events: readonly ReportEvent[], offer: ReportEvent | undefined) {
  if (!offer || offer.offerId === null) return { deadline: null, claimedAt: null, resolved: false };
  let deadline = offer.deadline?.getTime() ?? null;
  let claimedAt: number | null = null;
  let resolved = false;
  for (const e of events) {
    if (e.offerId !== offer.offerId) continue;
    if (e.kind === 'clock_restarted' && e.deadline) deadline = e.deadline.getTime();
    if (e.kind === 'claimed' && claimedAt === null) claimedAt = e.at.getTime();
    if (e.kind === 'claimed' || e.kind === 'passed' || e.kind === 'expired') resolved = true;
  }
  return { deadline, claimedAt, resolved };
}

/**
 * A leader moved the lead away from someone who had it: Reassign… (of a live offer or a claim), or
 * Assign to… another agent or Take it after a contact escalation. Assigning a lead whose offers
 * lapsed is not one: nobody had it, and lapses are counted on their own. An owner's own hand-off
 * is not one either: the rules chose well, the owner could not keep it.
 */
function reassignedByLeader(events: readonly ReportEvent[]): boolean {
  let claimer: string | null = null;
  let offeredTo: string | null = null;
  for (const e of events) {
    if (e.kind === 'reassigned') return true;
    if (e.kind === 'claimed') claimer = e.actor;
    else if (e.kind === 'offered') offeredTo = e.agentId;
    // Assign to… writes the leader's offer (to the assignee) just before `assigned`.
    else if (e.kind === 'assigned' && claimer !== null && offeredTo !== claimer) return true;
    else if (e.kind === 'taken' && claimer !== null && e.actor !== claimer) return true;
  }
  return false;
}

function claimedInChain(events: readonly ReportEvent[]): boolean {
  for (const e of events) {
    if (e.kind === 'escalated') return false;
    if (e.kind === 'claimed') return true;
  }
  return false;
}

/** How the last escalation was resolved: one escalated again after a leader acted is open. */
function escalationOutcome(events: readonly ReportEvent[]): EscalationOutcome | null {
  const last = events.findLastIndex((e) => e.kind === 'escalated');
  if (last < 0) return null;
  // A leader's action comes before the claim it leads to; a claim first came from the pond.
  for (const e of events.slice(last)) {
    if (e.kind === 'assigned' || e.kind === 'taken' || e.kind === 'returned') return e.kind;
    if (e.kind === 'claimed') return 'pond';
  }
  return 'open';
}

/** What each agent did with this lead's offers. */
function agentFacts(events: readonly ReportEvent[]): AgentLeadFacts[] {
  const byAgent = new Map<string, AgentLeadFacts>();
  const row = (agentId: string) => {
    let r = byAgent.get(agentId);
    if (!r) {
      r = { agentId, offers: 0, claims: 0, claimSeconds: [], passes: 0, misassignedPasses: 0, lapses: 0 };
      byAgent.set(agentId, r);
    }
    return r;
  };
  const offeredAt = new Map<number, number>();
  for (const e of events) {
    if (e.kind === 'offered' && e.agentId) {
      row(e.agentId).offers += 1;
      if (e.offerId !== null) offeredAt.set(e.offerId, e.at.getTime());
    } else if (e.kind === 'claimed' && e.actor !== 'system') {
      const r = row(e.actor);
      r.claims += 1;
      const at = e.offerId === null ? undefined : offeredAt.get(e.offerId);
      if (at !== undefined) r.claimSeconds.push((e.at.getTime() - at) / 1000);
    } else if (e.kind === 'passed') row(e.actor).passes += 1;
    else if (e.kind === 'pass_reason' && isMisassignment(e.reason)) row(e.actor).misassignedPasses += 1;
    else if (e.kind === 'expired' && e.agentId) row(e.agentId).lapses += 1;
  }
  return [...byAgent.values()];
}

/** One lead's timeline, reduced to the facts every measure reads. Pure. */
export function timelineFacts(events: readonly ReportEvent[]): TimelineFacts {
  const offers = rulesOffers(events);
  const firstOffer = offerOutcome(events, offers[0]);
  const lastOffer = offerOutcome(events, offers.at(-1));
  const held = events.find((e) => e.kind === 'held');
  const released = held && events.find((e) => e.kind === 'released' && e.at >= held.at);
  const anyOffer = events.find((e) => e.kind === 'offered');
  const claimed = events.find((e) => e.kind === 'claimed');
  const contacted = events.find((e) => e.kind === 'contacted');
  let passes = 0;
  let lapses = 0;
  let misassignedPasses = 0;
  const passReasons: string[] = [];
  const duplicateTimes: number[] = [];
  for (const e of events) {
    if (e.kind === 'passed') passes += 1;
    else if (e.kind === 'expired') lapses += 1;
    else if (e.kind === 'duplicate') duplicateTimes.push(e.at.getTime());
    else if (e.kind === 'pass_reason' && e.reason) {
      passReasons.push(e.reason);
      if (isMisassignment(e.reason)) misassignedPasses += 1;
    }
  }
  const openUntil = (o: ReturnType<typeof offerOutcome>) => (o.resolved ? null : o.deadline);
  return {
    claimedAt: claimed ? claimed.at.getTime() : null,
    contactedAt: contacted ? contacted.at.getTime() : null,
    rulesOffers: offers.length,
    firstOfferHit:
      firstOffer.claimedAt !== null &&
      firstOffer.deadline !== null &&
      firstOffer.claimedAt <= firstOffer.deadline,
    firstOfferOpenUntil: openUntil(firstOffer),
    lastOfferOpenUntil: openUntil(lastOffer),
    claimedInChain: claimedInChain(events),
    escalation: escalationOutcome(events),
    heldAt: held ? held.at.getTime() : null,
    holdSeconds: held && released ? (released.at.getTime() - held.at.getTime()) / 1000 : null,
    passes,
    passReasons,
    lapses,
    duplicateTimes,
    reassigned: reassignedByLeader(events),
    misassignedPasses,
    fairOffers: offers.filter((e) => e.position === 0 && e.agentId).map((e) => e.agentId ?? ''),
    offerWindowSeconds:
      anyOffer?.deadline != null ? (anyOffer.deadline.getTime() - anyOffer.at.getTime()) / 1000 : null,
    agents: agentFacts(events),
  };
}

/** A lead as read with its whole timeline, reduced to facts. */
export function leadFacts(lead: ReportLead): LeadFacts {
  return {
    id: lead.id,
    source: lead.source,
    type: lead.type,
    rule: lead.rule,
    receivedAt: lead.receivedAt.getTime(),
    firstDmAt: lead.firstDmAt ? lead.firstDmAt.getTime() : null,
    manualReview: lead.manualReview,
    noContact: lead.noContact,
    merged: lead.merged,
    ...timelineFacts(lead.events),
  };
}
