import { describe, expect, it } from 'vitest';
import { type LeadFacts, timelineFacts } from '../../src/reports/lead-facts.js';
import { addShape, ESCALATION_OUTCOMES, leadShape, SHAPE_BITS } from '../../src/reports/shape.js';
import { emptyTally } from '../../src/reports/tally.js';

/**
 * A lead's shape is what SQL groups the stored leads by (reports/tally-store.ts): every yes/no
 * fact a figure reads must survive the trip through its bits, or the stored leads would count
 * differently from the same leads reduced on the spot.
 */

const lead = (overrides: Partial<LeadFacts>): LeadFacts => ({
  id: 1,
  source: 'zillow',
  type: 'buyer_lead',
  rule: 'portal-buyer-lead',
  receivedAt: 0,
  firstDmAt: null,
  manualReview: false,
  noContact: false,
  merged: false,
  ...timelineFacts([]),
  ...overrides,
});

const counted = (l: LeadFacts, now?: Date) => {
  const t = emptyTally();
  addShape(t, leadShape(l, now), 3);
  return t;
};

describe('a lead’s shape', () => {
  it('keeps every escalation outcome apart, and none for a lead never escalated', () => {
    for (const outcome of ESCALATION_OUTCOMES) {
      const t = counted(lead({ escalation: outcome }));
      expect(t.escalated).toBe(3);
      expect(t.resolved).toEqual({ assigned: 0, taken: 0, returned: 0, pond: 0, open: 0, [outcome]: 3 });
    }
    expect(counted(lead({})).escalated).toBe(0);
  });

  it('counts n leads of one shape as n leads, each fact on its own', () => {
    const t = counted(
      lead({
        rulesOffers: 2,
        firstOfferHit: true,
        claimedInChain: true,
        misassignedPasses: 1,
        heldAt: 5,
        manualReview: true,
        noContact: true,
      }),
    );
    expect(t).toMatchObject({
      leads: 3,
      dispatched: 3,
      slaFirstOffer: { hits: 3, of: 3 },
      slaChain: { hits: 3, of: 3 },
      reassigned: 0,
      misassigned: 3,
      held: 3,
      manualReview: 3,
      noContact: 3,
    });
    expect(counted(lead({ rulesOffers: 1, reassigned: true }))).toMatchObject({
      reassigned: 3,
      misassigned: 3,
    });
  });

  it('leaves an offer still open at the moment of reading out of the SLA rates, and only then', () => {
    const open = lead({ rulesOffers: 1, firstOfferOpenUntil: 1_000, lastOfferOpenUntil: 1_000 });
    expect(counted(open, new Date(999))).toMatchObject({ slaFirstOffer: { of: 0 }, slaChain: { of: 0 } });
    expect(counted(open, new Date(1_000))).toMatchObject({ slaFirstOffer: { of: 3 }, slaChain: { of: 3 } });
    expect(counted(open)).toMatchObject({ slaFirstOffer: { of: 3 }, slaChain: { of: 3 } });
  });

  it('fits its bits in the three bits the outcome has and below the sign bit SQL shifts into', () => {
    expect(ESCALATION_OUTCOMES.length).toBeLessThanOrEqual(7);
    expect(Math.max(...Object.values(SHAPE_BITS))).toBeLessThan(31);
  });
});
