import type { EscalationOutcome, LeadFacts, TimelineFacts } from './lead-facts.js';
import type { Tally } from './tally.js';

/**
 * A lead's yes/no facts as the bits of one integer, its "shape": what it counts towards in the
 * headline figures. Leads of the same shape count the same, so SQL can group a month of stored
 * leads by shape and hand back one count a shape (reports/tally-store.ts), and `addShape` adds them
 * to a tally exactly as it adds one lead reduced on the spot. Pure.
 *
 * The timeline's bits are kept in `report_facts.shape` by the indexer; the others are added when
 * the figures are read: the task row's (which change without an event) and whether the first or
 * last offer is still open at that moment.
 */
export const SHAPE_BITS = {
  // From the timeline (stored):
  dispatched: 0,
  firstOfferHit: 1,
  claimedInChain: 2,
  reassigned: 3,
  misassignedPass: 4,
  held: 5,
  escalated: 6,
  /** Three bits from here: the index of the outcome in ESCALATION_OUTCOMES. */
  outcome: 7,
  // At the moment the figures are read:
  firstOfferOpen: 10,
  lastOfferOpen: 11,
  // From the task row:
  manualReview: 12,
  noContact: 13,
} as const;

export const ESCALATION_OUTCOMES: readonly EscalationOutcome[] = [
  'assigned',
  'taken',
  'returned',
  'pond',
  'open',
];

const bit = (name: keyof typeof SHAPE_BITS) => 1 << SHAPE_BITS[name];
const flag = (on: boolean, name: keyof typeof SHAPE_BITS) => (on ? bit(name) : 0);

/** The timeline's bits, as the indexer stores them. */
export function timelineShape(f: TimelineFacts): number {
  const outcome = f.escalation === null ? 0 : Math.max(0, ESCALATION_OUTCOMES.indexOf(f.escalation));
  return (
    flag(f.rulesOffers > 0, 'dispatched') |
    flag(f.firstOfferHit, 'firstOfferHit') |
    flag(f.claimedInChain, 'claimedInChain') |
    flag(f.reassigned, 'reassigned') |
    flag(f.misassignedPasses > 0, 'misassignedPass') |
    flag(f.heldAt !== null, 'held') |
    flag(f.escalation !== null, 'escalated') |
    (outcome << SHAPE_BITS.outcome)
  );
}

/** Still open at `now` (a live view): neither a hit nor a miss yet. Without `now`, nothing is. */
export const openAt = (until: number | null, now: Date | undefined) =>
  now !== undefined && until !== null && until > now.getTime();

/** A lead's whole shape, read at `now`. */
export function leadShape(lead: LeadFacts, now: Date | undefined): number {
  return (
    timelineShape(lead) |
    flag(openAt(lead.firstOfferOpenUntil, now), 'firstOfferOpen') |
    flag(openAt(lead.lastOfferOpenUntil, now), 'lastOfferOpen') |
    flag(lead.manualReview, 'manualReview') |
    flag(lead.noContact, 'noContact')
  );
}

/** Adds `n` leads (not merged) of one shape to a tally's counts. */
export function addShape(t: Tally, shape: number, n: number): void {
  const has = (name: keyof typeof SHAPE_BITS) => (shape & bit(name)) !== 0;
  t.leads += n;
  if (has('dispatched')) {
    t.dispatched += n;
    if (!has('firstOfferOpen')) {
      t.slaFirstOffer.of += n;
      if (has('firstOfferHit')) t.slaFirstOffer.hits += n;
    }
    if (has('claimedInChain') || has('escalated') || !has('lastOfferOpen')) {
      t.slaChain.of += n;
      if (has('claimedInChain')) t.slaChain.hits += n;
    }
    if (has('reassigned')) t.reassigned += n;
    if (has('reassigned') || has('misassignedPass')) t.misassigned += n;
  }
  if (has('escalated')) {
    t.escalated += n;
    const outcome = ESCALATION_OUTCOMES[(shape >> SHAPE_BITS.outcome) & 7];
    if (outcome) t.resolved[outcome] += n;
  }
  if (has('held')) t.held += n;
  if (has('manualReview')) t.manualReview += n;
  if (has('noContact')) t.noContact += n;
}
