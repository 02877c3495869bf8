import { describe, expect, it } from 'vitest';
import { loadDispatchConfig } from '../../src/config/load-dispatch.js';
import { type LeadFacts, leadFacts } from '../../src/reports/lead-facts.js';
import {
  fairness,
  figuresOf,
  type ReportEvent,
  type ReportLead,
  repeatsIn,
} from '../../src/reports/measures.js';
import { rulePools } from '../../src/reports/report.js';
import { EXAMPLE_CONFIG } from '../support/harness.js';

/**
 * The measures over hand-made event lists, in the order the app writes them: each case is a
 * history a review found counted wrong.
 */

const T0 = Date.parse('2026-11-25T15:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

function ev(kind: string, minutes: number, fields: Partial<ReportEvent> = {}): ReportEvent {
  return {
    kind,
    actor: 'system',
    at: at(minutes),
    offerId: null,
    agentId: null,
    reason: null,
    position: null,
    deadline: null,
    ...fields,
  };
}

/** An offer to `agentId` at `minutes`, answer within 5 minutes. */
const offered = (minutes: number, offerId: number, agentId: string, position = 0) =>
  ev('offered', minutes, { offerId, agentId, position, deadline: at(minutes + 5) });
const claimed = (minutes: number, offerId: number, agentId: string) =>
  ev('claimed', minutes, { offerId, actor: agentId });

let nextId = 1;
function lead(events: ReportEvent[], fields: Partial<ReportLead> = {}): LeadFacts {
  return leadFacts({
    id: nextId++,
    source: 'zillow',
    type: 'buyer',
    rule: 'buyers',
    receivedAt: at(0),
    firstDmAt: null,
    manualReview: false,
    noContact: false,
    merged: false,
    events,
    ...fields,
  });
}

/** A lead the rules offered to Dana, who claimed it in a minute. */
const ruleLead = () => lead([offered(0, 1, 'dana'), claimed(1, 1, 'dana')]);

/** No rule matched: the leaders get it, and Lee assigns it to Ivy, who claims it. */
const leaderAssignedException = () =>
  lead(
    [
      ev('escalated', 0, { reason: 'No routing rule matches' }),
      // assignEscalation writes the leader's offer before its `assigned` event.
      offered(2, 9, 'ivy', 0),
      ev('assigned', 2, { actor: 'lee' }),
      claimed(3, 9, 'ivy'),
    ],
    { rule: null, manualReview: true },
  );

describe('a leader assigning an exception', () => {
  it('is not dispatched by the rules, not a first-offer SLA hit, not a misassignment', () => {
    const f = figuresOf([ruleLead(), ruleLead(), ruleLead(), ruleLead(), leaderAssignedException()]);
    expect(f.leads).toBe(5);
    expect(f.dispatched).toBe(4);
    expect(f.slaFirstOffer).toEqual({ hits: 4, of: 4 });
    expect(f.misassigned).toEqual({ hits: 0, of: 4 });
    expect(f.manualReview).toBe(1);
    expect(f.resolved.assigned).toBe(1);
  });

  it('gets no fairness row under the escalating rule', () => {
    const exception = leaderAssignedException();
    exception.rule = 'manual-review';
    const rows = fairness(
      [ruleLead(), exception],
      new Map([
        ['dana', 1],
        ['ivy', 1],
      ]),
    );
    expect(rows.map((r) => [r.rule, r.agentId])).toEqual([['buyers', 'dana']]);
  });
});

describe('misassignment', () => {
  it('is not a leader assigning a lead whose offers lapsed', () => {
    const lapsed = lead([
      offered(0, 1, 'dana'),
      ev('expired', 5, { offerId: 1, agentId: 'dana' }),
      ev('escalated', 5, { reason: 'Nobody claimed it' }),
      offered(7, 2, 'ivy', 1),
      ev('assigned', 7, { actor: 'lee' }),
      claimed(8, 2, 'ivy'),
    ]);
    const f = figuresOf([lapsed]);
    expect(f.misassigned).toEqual({ hits: 0, of: 1 });
    expect(f.reassigned).toBe(0);
    expect(f.lapses).toBe(1);
  });

  it('is a Wrong area pass, or a leader moving a lead away from the agent who claimed it', () => {
    const wrongArea = lead([
      offered(0, 1, 'dana'),
      ev('passed', 1, { offerId: 1, actor: 'dana' }),
      ev('pass_reason', 1, { offerId: 1, actor: 'dana', reason: 'wrong_area' }),
      offered(1, 2, 'ivy', 1),
      claimed(2, 2, 'ivy'),
    ]);
    const tooBusy = lead([
      offered(0, 1, 'dana'),
      ev('passed', 1, { offerId: 1, actor: 'dana' }),
      ev('pass_reason', 1, { offerId: 1, actor: 'dana', reason: 'too_busy' }),
      offered(1, 2, 'ivy', 1),
      claimed(2, 2, 'ivy'),
    ]);
    const movedAway = lead([
      offered(0, 1, 'dana'),
      claimed(1, 1, 'dana'),
      ev('escalated', 30, { reason: 'Not contacted' }),
      offered(32, 2, 'ivy', 1),
      ev('assigned', 32, { actor: 'lee' }),
    ]);
    const f = figuresOf([wrongArea, tooBusy, movedAway]);
    expect(f.misassigned).toEqual({ hits: 2, of: 3 });
    expect(f.reassigned).toBe(1);
  });

  it("is a leader's Reassign… of a claimed or a live lead, whose offer is not the rules' redispatch", () => {
    const claimedThenMoved = lead([
      offered(0, 1, 'dana'),
      claimed(1, 1, 'dana'),
      ev('reassigned', 20, { offerId: 1, actor: 'lee', agentId: 'ivy' }),
      offered(20, 2, 'ivy', 4),
      claimed(21, 2, 'ivy'),
    ]);
    const liveMoved = lead([
      offered(0, 3, 'dana'),
      ev('reassigned', 1, { offerId: 3, actor: 'lee', agentId: 'ivy' }),
      offered(1, 4, 'ivy', 4),
    ]);
    const f = figuresOf([claimedThenMoved, liveMoved]);
    expect(f.reassigned).toBe(2);
    expect(f.misassigned).toEqual({ hits: 2, of: 2 });
    expect(f.redispatchesPerLead).toBe(0);
  });

  it("is not an owner's hand-off; a hand-off to the pool is routed by the rules again", () => {
    const toTeammate = lead([
      offered(0, 1, 'dana'),
      claimed(1, 1, 'dana'),
      ev('handed_off', 20, { offerId: 1, actor: 'dana', agentId: 'ivy' }),
      offered(20, 2, 'ivy', 0),
      claimed(21, 2, 'ivy'),
    ]);
    const toPool = lead([
      offered(0, 3, 'dana'),
      claimed(1, 3, 'dana'),
      ev('handed_off', 20, { offerId: 3, actor: 'dana', agentId: null }),
      offered(20, 4, 'marco', 0),
    ]);
    const f = figuresOf([toTeammate, toPool]);
    expect(f.reassigned).toBe(0);
    expect(f.misassigned).toEqual({ hits: 0, of: 2 });
    expect(f.redispatchesPerLead).toBe(0.5);
  });
});

describe('how escalations were resolved', () => {
  it('is the leader action after the last escalation: escalated again after Assign to… is still open', () => {
    const reEscalated = lead([
      offered(0, 1, 'dana'),
      ev('expired', 5, { offerId: 1, agentId: 'dana' }),
      ev('escalated', 5),
      offered(7, 2, 'ivy', 1),
      ev('assigned', 7, { actor: 'lee' }),
      ev('expired', 12, { offerId: 2, agentId: 'ivy' }),
      ev('escalated', 12),
    ]);
    const returnedThenEscalated = lead([
      offered(0, 1, 'dana'),
      ev('expired', 5, { offerId: 1, agentId: 'dana' }),
      ev('escalated', 5),
      ev('returned', 6, { actor: 'lee' }),
      offered(6, 3, 'marco'),
      ev('expired', 11, { offerId: 3, agentId: 'marco' }),
      ev('escalated', 11),
      ev('taken', 13, { actor: 'lee', offerId: 4 }),
      claimed(13, 4, 'lee'),
    ]);
    const f = figuresOf([reEscalated, returnedThenEscalated]);
    expect(f.escalated).toBe(2);
    expect(f.resolved).toEqual({ assigned: 0, taken: 1, returned: 0, pond: 0, open: 1 });
  });

  it('a claim from the pond after its age told the leaders resolves the escalation; a pond claim is a claim', () => {
    const pond = (minutes: number, offerId: number) =>
      ev('offered', minutes, { offerId, position: 1, deadline: at(minutes + 120) });
    const claimedLate = lead([
      offered(0, 1, 'dana'),
      ev('expired', 5, { offerId: 1, agentId: 'dana' }),
      pond(5, 2),
      ev('escalated', 125),
      claimed(130, 2, 'ivy'),
    ]);
    const claimedEarly = lead([
      offered(0, 3, 'dana'),
      ev('expired', 5, { offerId: 3, agentId: 'dana' }),
      pond(5, 4),
      claimed(20, 4, 'marco'),
    ]);
    const f = figuresOf([claimedLate, claimedEarly]);
    expect(f.resolved).toEqual({ assigned: 0, taken: 0, returned: 0, pond: 1, open: 0 });
    expect(f.timeToClaim).toEqual({ median: 75 * 60, p90: 130 * 60, n: 2 });
    // Before the leaders were told, the pond is the end of the rule's chain.
    expect(f.slaChain).toEqual({ hits: 1, of: 2 });
    expect(f.redispatchesPerLead).toBe(1);
  });
});

describe('fairness', () => {
  it("shares each rule's first offers against the weights of the rule's whole pool: a starved agent shows 0%", () => {
    const weights = new Map([
      ['dana', 2],
      ['ivy', 1],
      ['priya', 1],
    ]);
    const pools = new Map([['buyers', ['dana', 'ivy', 'priya']]]);
    const rows = fairness([ruleLead(), ruleLead(), ruleLead()], weights, pools);
    expect(rows.map((r) => [r.agentId, r.offers, r.share, r.weightShare])).toEqual([
      ['dana', 3, 1, 0.5],
      ['ivy', 0, 0, 0.25],
      ['priya', 0, 0, 0.25],
    ]);
  });

  it("takes each rule's pool from the config: its active agents", () => {
    const config = loadDispatchConfig(EXAMPLE_CONFIG);
    const buyers = config.agents.filter((a) => a.active && a.roles.includes('buyer_agent')).map((a) => a.id);
    const pools = rulePools(config);
    expect(pools.get('portal-buyer-lead')).toEqual(buyers);
    expect(buyers.length).toBeGreaterThan(1);
    expect(pools.get('portal-buyer-lead')).not.toContain('U0OLD0001');
  });
});

describe('SLA rates read live (the period ends now)', () => {
  it('leave out a lead whose window is still open: it has not missed yet', () => {
    const waiting = lead([offered(0, 1, 'dana')]);
    const passedOn = lead([
      offered(0, 2, 'dana'),
      ev('passed', 1, { offerId: 2, actor: 'dana' }),
      offered(1, 3, 'ivy', 1),
    ]);
    const now = at(3);
    const f = figuresOf([ruleLead(), waiting, passedOn], now);
    expect(f.dispatched).toBe(3);
    // Dana's pass is a first-offer miss already; Ivy's window (to minute 6) is still open.
    expect(f.slaFirstOffer).toEqual({ hits: 1, of: 2 });
    expect(f.slaChain).toEqual({ hits: 1, of: 1 });
    // Once the windows have passed, the same leads are misses.
    const later = figuresOf([ruleLead(), waiting, passedOn], at(60));
    expect(later.slaFirstOffer).toEqual({ hits: 1, of: 3 });
    expect(later.slaChain).toEqual({ hits: 1, of: 3 });
  });
});

describe('duplicates', () => {
  it('count in the period the repeat arrived, not the period of the lead it is noted on', () => {
    const lastWeek = new Date(T0 - 7 * 86_400_000);
    const original = lead([ev('duplicate', 60)], { receivedAt: new Date(T0 - 3 * 86_400_000) });
    const both = [original];
    const thisWeek = figuresOf([], undefined, repeatsIn(both, at(0), at(7 * 24 * 60)));
    const previous = figuresOf(both, undefined, repeatsIn(both, lastWeek, at(0)));
    expect(thisWeek.duplicates).toBe(1);
    expect(previous.duplicates).toBe(0);
    expect(previous.leads).toBe(1);
  });
});
