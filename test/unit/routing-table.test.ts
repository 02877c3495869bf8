import { describe, expect, it } from 'vitest';
import type { DispatchConfig } from '../../src/config/dispatch-schema.js';
import { loadDispatchConfig, parseDispatchConfig } from '../../src/config/load-dispatch.js';
import type { RoutableTask } from '../../src/core/match.js';
import {
  type ChainEntry,
  type EarlierOwner,
  isPoolEntry,
  type RoutingDecision,
  route,
  type Watcher,
} from '../../src/core/route.js';
import { EXAMPLE_CONFIG } from '../support/harness.js';
import { rosterFromConfig, routableTask, type Standing } from '../support/roster.js';
import { ALMA, DANA, IVY, LEE, MARCO, PRIYA, ROB, SAM, TOM } from '../support/team.js';

/**
 * The routing table of dispatch.example.yml, one row per line of it and per backup: what comes in,
 * who cannot take it, and who is asked, in order, with the reason the first of them reads.
 */

const example = loadDispatchConfig(EXAMPLE_CONFIG);

/** A Tuesday, 09:00 in Chicago: everyone at work. */
const TUESDAY = new Date('2026-03-10T14:00:00Z');
/** Saturday 14 March 2026, noon in Chicago. */
const SATURDAY = new Date('2026-03-14T17:00:00Z');
/** The same Saturday, 23:59:30 in Chicago. */
const SATURDAY_LAST_MINUTE = new Date('2026-03-15T04:59:30Z');
/** Sunday 15 March 2026, 00:00 in Chicago. */
const SUNDAY_MIDNIGHT = new Date('2026-03-15T05:00:00Z');

/** No catch-all: a lead no rule matches is escalated with rule null. */
const noCatchAll = parseDispatchConfig(`
team: { name: T, timezone: America/Chicago, leaders_channel: C0LEADERS1 }
agents: [{ id: U0BEA0001, name: Bea Buyer, roles: [buyer_agent] }]
rules:
  - { name: buyers, match: { type: buyer_lead }, assign: { strategy: agent, agent: U0BEA0001 } }
`);

const BEA = 'U0BEA0001';
const BO = 'U0BO00001';
const DEE = 'U0DEE0001';
const DOM = 'U0DOM0001';
const VAL = 'U0VAL0001';

/** Tags and a time window as criteria, and a `{ rule: … }` backup. */
const weekend = parseDispatchConfig(`
team: { name: Weekend Team, timezone: America/Chicago, leaders_channel: C0LEADERS1 }
agents:
  - { id: ${BEA}, name: Bea Buyer, roles: [buyer_agent] }
  - { id: ${BO}, name: Bo Buyer, roles: [buyer_agent] }
  - { id: ${DEE}, name: Dee Duty, roles: [isa] }
  - { id: ${DOM}, name: Dom Duty, roles: [isa] }
  - { id: ${VAL}, name: Val Vip, roles: [listing_agent] }
rules:
  - name: vip
    match: { tags: [vip] }
    assign: { strategy: agent, agent: ${VAL} }
    fallback: [{ rule: weekday }]
  - name: weekend
    match: { when: [{ days: [sat, sun], start: "00:00", end: "23:59" }] }
    assign: { strategy: round_robin, pool: { agents: [${DEE}, ${DOM}] } }
    fallback: [{ rest_of_pool: true }]
  - name: weekday
    assign: { strategy: round_robin, pool: { roles: [buyer_agent] } }
    fallback: [{ rest_of_pool: true }]
`);

const ANN = 'U0ANN0001';
const BEN = 'U0BEN0001';

/** Two rules that back each other up: A → B → A must stop, not recurse. */
const loop = parseDispatchConfig(`
team: { name: Loop Team, timezone: America/Chicago, leaders_channel: C0LEADERS1 }
agents:
  - { id: ${ANN}, name: Ann, roles: [buyer_agent] }
  - { id: ${BEN}, name: Ben, roles: [buyer_agent] }
rules:
  - { name: a, match: { tags: [a] }, assign: { strategy: agent, agent: ${ANN} }, fallback: [{ rule: b }] }
  - { name: b, match: { tags: [b] }, assign: { strategy: agent, agent: ${BEN} }, fallback: [{ rule: a }] }
`);

/** A lead and the state of the team when it comes in; the example config on a Tuesday morning unless set. */
interface Scenario extends Standing {
  task: Partial<RoutableTask>;
  earlierOwner?: EarlierOwner;
  /** Round-robin counters of the matching rule before this lead (fresh when absent). */
  counters?: Record<string, number>;
  config?: DispatchConfig;
  now?: Date;
}

interface Row extends Scenario {
  name: string;
  kind: 'offer' | 'escalate';
  rule: string | null;
  /** Agent ids in order; a broadcast is the list of its pool members. */
  chain: Array<string | string[]>;
  /** What the first candidate reads, or for an escalation what the leaders read. */
  reason: string;
  watchers?: Watcher[];
}

const portal = { type: 'buyer_lead', source: 'zillow' } as const;
const idx = { type: 'buyer_lead', source: 'idx_form' } as const;
const seller = { type: 'seller_lead', source: 'web_form' } as const;
const referral = { type: 'referral', source: 'past_client' } as const;
const postClose = { type: 'post_close', source: 'closing_followup' } as const;
const vendor = { type: 'vendor_coordination', source: 'inspection' } as const;
const milestone = { type: 'contract_milestone', source: 'dotloop' } as const;
const openHouse: Partial<RoutableTask> = { type: 'buyer_lead', source: 'zillow', tags: ['open_house'] };
const owner = (
  agentId: string,
  name: string,
  taskId: number,
  matchedOn: 'phone' | 'email',
): EarlierOwner => ({
  agentId,
  name,
  taskId,
  matchedOn,
});

const rows: Row[] = [
  // portal-buyer-lead: round robin over buyer agents, best fit first; backup the ISA, then the rest of the pool.
  {
    name: 'portal buyer lead in 78745: the zip expert, then the ISA, then the rest of the pool',
    task: { ...portal, zip: '78745', price: 450_000 },
    kind: 'offer',
    rule: 'portal-buyer-lead',
    chain: [MARCO, IVY, DANA, PRIYA],
    reason: 'round robin, covers 78745',
  },
  {
    name: 'portal buyer lead in 78701: of the two zip experts the weight-2 agent goes first',
    task: { ...portal, zip: '78701', price: 450_000 },
    kind: 'offer',
    rule: 'portal-buyer-lead',
    chain: [DANA, IVY, PRIYA, MARCO],
    reason: 'round robin, covers 78701',
  },
  {
    name: 'portal buyer lead in West Lake Hills: the agent who works that city',
    task: { ...portal, city: 'West Lake Hills' },
    kind: 'offer',
    rule: 'portal-buyer-lead',
    chain: [PRIYA, IVY, DANA, MARCO],
    reason: 'round robin, works in West Lake Hills',
  },
  {
    name: 'portal buyer lead with every buyer agent away: the ISA, told why',
    task: { ...portal, zip: '78701', price: 450_000 },
    away: [DANA, MARCO, PRIYA],
    kind: 'offer',
    rule: 'portal-buyer-lead',
    chain: [IVY],
    reason: 'backup: ISA (nobody in the pool is available)',
  },
  {
    name: 'portal buyer lead in 78701 with Dana at her cap: Priya; Dana is nowhere in the chain',
    task: { ...portal, zip: '78701', price: 450_000 },
    capped: [DANA],
    kind: 'offer',
    rule: 'portal-buyer-lead',
    chain: [PRIYA, IVY, MARCO],
    reason: 'round robin, covers 78701',
  },
  {
    name: 'portal buyer lead in 78746 with its zip expert Priya inactive: the pool by weight',
    task: { ...portal, zip: '78746' },
    inactive: [PRIYA],
    kind: 'offer',
    rule: 'portal-buyer-lead',
    chain: [DANA, IVY, MARCO],
    reason: 'round robin',
  },
  // web-buyer-lead: IDX and other buyer leads, same pool.
  {
    name: 'IDX buyer lead in 78704: the zip expert, then the ISA, then the rest of the pool',
    task: { ...idx, zip: '78704', price: 450_000 },
    kind: 'offer',
    rule: 'web-buyer-lead',
    chain: [MARCO, IVY, DANA, PRIYA],
    reason: 'round robin, covers 78704',
  },
  // Skills: language and price band.
  {
    name: 'Spanish-speaking lead: Dana, even when the rotation has Priya next',
    task: { ...portal, language: 'spanish' },
    counters: { [DANA]: -3, [MARCO]: 0, [PRIYA]: 3 },
    kind: 'offer',
    rule: 'portal-buyer-lead',
    chain: [DANA, IVY, MARCO, PRIYA],
    reason: 'round robin, speaks Spanish',
  },
  {
    name: 'Spanish-speaking $700K lead: Dana fits both, Priya only the price, Marco neither',
    task: { ...portal, zip: '78610', language: 'spanish', price: 700_000 },
    kind: 'offer',
    rule: 'portal-buyer-lead',
    chain: [DANA, IVY, PRIYA, MARCO],
    reason: 'round robin, speaks Spanish, $700K is in their price band',
  },
  {
    name: 'Spanish-speaking lead in Marco’s zip: speaking the language outranks knowing the area',
    task: { ...portal, zip: '78745', language: 'spanish' },
    kind: 'offer',
    rule: 'portal-buyer-lead',
    chain: [DANA, IVY, MARCO, PRIYA],
    reason: 'round robin, speaks Spanish',
  },
  {
    name: 'Spanish-speaking lead with Dana away: the rest of the pool by rotation',
    task: { ...portal, zip: '78610', language: 'spanish', price: 450_000 },
    away: [DANA],
    kind: 'offer',
    rule: 'portal-buyer-lead',
    chain: [MARCO, IVY, PRIYA],
    reason: 'round robin',
  },
  {
    name: '$900K lead: Dana (band up to $900K) or Priya (no band), never Marco (up to $600K) first',
    task: { ...portal, zip: '78610', price: 900_000 },
    kind: 'offer',
    rule: 'portal-buyer-lead',
    chain: [DANA, IVY, PRIYA, MARCO],
    reason: 'round robin, $900K is in their price band',
  },
  {
    name: '$950K lead: only Priya (no band) fits; Dana and Marco follow the ISA',
    task: { ...portal, zip: '78610', price: 950_000 },
    kind: 'offer',
    rule: 'portal-buyer-lead',
    chain: [PRIYA, IVY, DANA, MARCO],
    reason: 'round robin, takes any price ($950K)',
  },
  {
    name: '$950K lead in Marco’s own zip: being out of his band outranks knowing the area',
    task: { ...portal, zip: '78745', price: 950_000 },
    kind: 'offer',
    rule: 'portal-buyer-lead',
    chain: [PRIYA, IVY, MARCO, DANA],
    reason: 'round robin, takes any price ($950K)',
  },
  // seller-lead: Sam (from $500K) or the ISA; backup the team leader.
  {
    name: 'seller lead, $650K in 78746: Sam, then the team leader',
    task: { ...seller, zip: '78746', price: 650_000 },
    kind: 'offer',
    rule: 'seller-lead',
    chain: [SAM, LEE],
    reason: 'round robin, covers 78746',
  },
  {
    name: 'seller lead under $500K: the ISA (Sam’s band starts at $500K), then the team leader',
    task: { ...seller, zip: '78610', price: 300_000 },
    kind: 'offer',
    rule: 'seller-lead',
    chain: [IVY, LEE],
    reason: 'round robin, takes any price ($300K)',
  },
  {
    name: 'seller lead, $650K in 78746, Sam at his cap: the ISA, then the team leader',
    task: { ...seller, zip: '78746', price: 650_000 },
    capped: [SAM],
    kind: 'offer',
    rule: 'seller-lead',
    chain: [IVY, LEE],
    reason: 'round robin',
  },
  {
    name: 'seller lead with Sam and the ISA away: the team leader, told why',
    task: { ...seller, zip: '78746', price: 650_000 },
    away: [SAM, IVY],
    kind: 'offer',
    rule: 'seller-lead',
    chain: [LEE],
    reason: 'backup: team leader (nobody in the pool is available)',
  },
  // referral: the original agent; otherwise the leaders (its fallback is escalate).
  {
    name: 'referral naming the referring agent by email',
    task: { ...referral, referringAgent: 'priya@lakeside.example' },
    kind: 'offer',
    rule: 'referral',
    chain: [PRIYA],
    reason: 'the original agent',
  },
  {
    name: 'referral naming the referring agent by Slack id',
    task: { ...referral, referringAgent: PRIYA },
    kind: 'offer',
    rule: 'referral',
    chain: [PRIYA],
    reason: 'the original agent',
  },
  {
    name: 'referral from a contact Marco owned before, matched by phone',
    task: referral,
    earlierOwner: owner(MARCO, 'Marco Silva', 41, 'phone'),
    kind: 'offer',
    rule: 'referral',
    chain: [MARCO],
    reason: 'the original agent (owned #41, same phone)',
  },
  {
    name: 'referral from a contact Dana owned before, matched by email',
    task: referral,
    earlierOwner: owner(DANA, 'Dana Reyes', 17, 'email'),
    kind: 'offer',
    rule: 'referral',
    chain: [DANA],
    reason: 'the original agent (owned #17, same email)',
  },
  {
    name: 'referral whose original agent is inactive: escalated, in plain words',
    task: { ...referral, referringAgent: 'rob@lakeside.example' },
    kind: 'escalate',
    rule: 'referral',
    chain: [],
    reason: 'Rule referral: the original agent Rob Former is inactive',
  },
  {
    name: 'referral whose original agent was made inactive, found by phone',
    task: referral,
    inactive: [PRIYA],
    earlierOwner: owner(PRIYA, 'Priya Nair', 9, 'phone'),
    kind: 'escalate',
    rule: 'referral',
    chain: [],
    reason: 'Rule referral: the original agent Priya Nair is inactive',
  },
  {
    name: 'referral whose earlier owner has left the team (not in the roster)',
    task: referral,
    gone: [MARCO],
    earlierOwner: owner(MARCO, 'Marco Silva', 41, 'email'),
    kind: 'escalate',
    rule: 'referral',
    chain: [],
    reason: 'Rule referral: the original agent Marco Silva has left the team',
  },
  {
    name: 'referral from an outside agent for a contact our Dana owned before: Dana',
    task: { ...referral, referringAgent: 'pat@otherbrokerage.example' },
    earlierOwner: owner(DANA, 'Dana Reyes', 12, 'phone'),
    kind: 'offer',
    rule: 'referral',
    chain: [DANA],
    reason: 'the original agent (owned #12, same phone)',
  },
  {
    name: 'referral naming an agent who has left the team',
    task: { ...referral, referringAgent: 'marco@lakeside.example' },
    gone: [MARCO],
    kind: 'escalate',
    rule: 'referral',
    chain: [],
    reason:
      'Rule referral: the referring agent marco@lakeside.example is not on the team, and nobody here has handled this contact before',
  },
  {
    name: 'referral whose original agent is away',
    task: { ...referral, referringAgent: 'dana@lakeside.example' },
    away: [DANA],
    kind: 'escalate',
    rule: 'referral',
    chain: [],
    reason: 'Rule referral: the original agent Dana Reyes is not available',
  },
  {
    name: 'referral whose original agent is at their cap',
    task: { ...referral, referringAgent: 'dana@lakeside.example' },
    capped: [DANA],
    kind: 'escalate',
    rule: 'referral',
    chain: [],
    reason: 'Rule referral: the original agent Dana Reyes is at their cap: 5 open, the cap is 5',
  },
  // post-close: the original agent; backup the admin.
  {
    name: 'post-close follow-up for a contact Sam owned: Sam, then the admin',
    task: postClose,
    earlierOwner: owner(SAM, 'Sam Okafor', 7, 'email'),
    kind: 'offer',
    rule: 'post-close',
    chain: [SAM, ALMA],
    reason: 'the original agent (owned #7, same email)',
  },
  {
    name: 'post-close follow-up with the original agent away: the admin, told why',
    task: postClose,
    away: [SAM],
    earlierOwner: owner(SAM, 'Sam Okafor', 7, 'email'),
    kind: 'offer',
    rule: 'post-close',
    chain: [ALMA],
    reason: 'backup: admin (the original agent Sam Okafor is not available)',
  },
  {
    name: 'post-close follow-up whose original agent is inactive: the admin, told why',
    task: postClose,
    earlierOwner: owner(ROB, 'Rob Former', 3, 'phone'),
    kind: 'offer',
    rule: 'post-close',
    chain: [ALMA],
    reason: 'backup: admin (the original agent Rob Former is inactive)',
  },
  {
    name: 'post-close follow-up with the original agent at their cap: the admin, told why',
    task: postClose,
    capped: [SAM],
    earlierOwner: owner(SAM, 'Sam Okafor', 7, 'email'),
    kind: 'offer',
    rule: 'post-close',
    chain: [ALMA],
    reason: 'backup: admin (the original agent Sam Okafor is at their cap: 6 open, the cap is 6)',
  },
  // vendor-coordination: the TC; backup the admin.
  {
    name: 'vendor coordination: the TC, then the admin',
    task: vendor,
    kind: 'offer',
    rule: 'vendor-coordination',
    chain: [TOM, ALMA],
    reason: 'the transaction coordinator',
  },
  {
    name: 'vendor coordination with the TC away: the admin, told why',
    task: vendor,
    away: [TOM],
    kind: 'offer',
    rule: 'vendor-coordination',
    chain: [ALMA],
    reason: 'backup: admin (no transaction coordinator is available)',
  },
  // contract-milestone: the TC; backup the team leader; the original agent gets a DM, the team leader a cc.
  {
    name: 'contract milestone: the TC, then the team leader; Dana (earlier owner) DMed, the team leader cc’d',
    task: milestone,
    earlierOwner: owner(DANA, 'Dana Reyes', 17, 'email'),
    kind: 'offer',
    rule: 'contract-milestone',
    chain: [TOM, LEE],
    reason: 'the transaction coordinator',
    watchers: [
      { recipient: DANA, via: 'dm' },
      { recipient: LEE, via: 'cc' },
    ],
  },
  {
    name: 'contract milestone naming Sam as the agent: Sam DMed, the team leader cc’d',
    task: { ...milestone, referringAgent: 'sam@lakeside.example' },
    kind: 'offer',
    rule: 'contract-milestone',
    chain: [TOM, LEE],
    reason: 'the transaction coordinator',
    watchers: [
      { recipient: SAM, via: 'dm' },
      { recipient: LEE, via: 'cc' },
    ],
  },
  {
    name: 'contract milestone with the TC away: the team leader, told why, still cc’d',
    task: milestone,
    away: [TOM],
    earlierOwner: owner(DANA, 'Dana Reyes', 17, 'email'),
    kind: 'offer',
    rule: 'contract-milestone',
    chain: [LEE],
    reason: 'backup: team leader (no transaction coordinator is available)',
    watchers: [
      { recipient: DANA, via: 'dm' },
      { recipient: LEE, via: 'cc' },
    ],
  },
  {
    name: 'contract milestone with no known agent, or an inactive one: only the team leader is cc’d',
    task: milestone,
    earlierOwner: owner(ROB, 'Rob Former', 3, 'phone'),
    kind: 'offer',
    rule: 'contract-milestone',
    chain: [TOM, LEE],
    reason: 'the transaction coordinator',
    watchers: [{ recipient: LEE, via: 'cc' }],
  },
  // open-house: first to claim among the available buyer agents; backup the ISA.
  {
    name: 'open-house sign-in: broadcast to every available buyer agent, then the ISA',
    task: { ...openHouse, zip: '78701', price: 450_000 },
    kind: 'offer',
    rule: 'open-house',
    chain: [[DANA, MARCO, PRIYA], IVY],
    reason: 'first to claim, sent to 3 agents',
  },
  {
    name: 'open-house sign-in with Marco away and Dana at her cap: only Priya in the broadcast',
    task: openHouse,
    away: [MARCO],
    capped: [DANA],
    kind: 'offer',
    rule: 'open-house',
    chain: [[PRIYA], IVY],
    reason: 'first to claim, sent to 1 agent',
  },
  {
    name: 'open-house sign-in with Marco away: broadcast to the other two',
    task: openHouse,
    away: [MARCO],
    kind: 'offer',
    rule: 'open-house',
    chain: [[DANA, PRIYA], IVY],
    reason: 'first to claim, sent to 2 agents',
  },
  {
    name: 'open-house sign-in with every buyer agent away: the ISA, told why',
    task: openHouse,
    away: [DANA, MARCO, PRIYA],
    kind: 'offer',
    rule: 'open-house',
    chain: [IVY],
    reason: 'backup: ISA (nobody in the pool is available)',
  },
  // manual-review: the example's catch-all.
  {
    name: 'a lead no rule matches: the manual-review exception',
    task: { type: 'relocation', source: 'relo_partner' },
    kind: 'escalate',
    rule: 'manual-review',
    chain: [],
    reason: 'Rule manual-review: no routing rule matches this task',
  },
  {
    name: 'a config without a catch-all: escalated with no rule',
    config: noCatchAll,
    task: { ...seller, zip: '78701' },
    kind: 'escalate',
    rule: null,
    chain: [],
    reason: 'No routing rule matches a seller lead from web_form in 78701',
  },
  // Tags and time windows as criteria.
  {
    name: 'weekend window: a Saturday lead goes to the on-duty pool',
    config: weekend,
    now: SATURDAY,
    task: { source: 'web' },
    kind: 'offer',
    rule: 'weekend',
    chain: [DEE, DOM],
    reason: 'round robin',
  },
  {
    name: 'weekend window: a Sunday-midnight lead goes to the on-duty pool',
    config: weekend,
    now: SUNDAY_MIDNIGHT,
    task: { source: 'web' },
    kind: 'offer',
    rule: 'weekend',
    chain: [DEE, DOM],
    reason: 'round robin',
  },
  {
    name: 'weekend window: a Tuesday lead goes to the weekday pool',
    config: weekend,
    now: TUESDAY,
    task: { source: 'web' },
    kind: 'offer',
    rule: 'weekday',
    chain: [BEA, BO],
    reason: 'round robin',
  },
  {
    name: 'weekend window ending "23:59": Saturday 23:59:30 is outside it (the end is exclusive)',
    config: weekend,
    now: SATURDAY_LAST_MINUTE,
    task: { source: 'web' },
    kind: 'offer',
    rule: 'weekday',
    chain: [BEA, BO],
    reason: 'round robin',
  },
  {
    name: 'a tag (in any case) beats the time window: the VIP agent, then whoever rule weekday picks',
    config: weekend,
    now: SATURDAY,
    task: { source: 'web', tags: ['VIP'] },
    kind: 'offer',
    rule: 'vip',
    chain: [VAL, BEA, BO],
    reason: 'named in rule vip',
  },
  {
    name: '{ rule: weekday } backup with the VIP agent away: rule weekday’s pick, told why',
    config: weekend,
    now: SATURDAY,
    task: { source: 'web', tags: ['vip'] },
    away: [VAL],
    kind: 'offer',
    rule: 'vip',
    chain: [BEA, BO],
    reason: 'backup: rule weekday, round robin (Val Vip is not available)',
  },
  // { rule: … } backups that loop.
  {
    name: 'rule a backed up by rule b, which is backed up by rule a: each asked once',
    config: loop,
    task: { tags: ['a'] },
    kind: 'offer',
    rule: 'a',
    chain: [ANN, BEN],
    reason: 'named in rule a',
  },
  {
    name: 'the same loop from rule b',
    config: loop,
    task: { tags: ['b'] },
    kind: 'offer',
    rule: 'b',
    chain: [BEN, ANN],
    reason: 'named in rule b',
  },
  {
    name: 'the loop with Ann away: rule b’s agent, told why',
    config: loop,
    task: { tags: ['a'] },
    away: [ANN],
    kind: 'offer',
    rule: 'a',
    chain: [BEN],
    reason: 'backup: rule b, named in rule b (Ann is not available)',
  },
  {
    name: 'the loop with both away: it terminates and escalates',
    config: loop,
    task: { tags: ['a'] },
    away: [ANN, BEN],
    kind: 'escalate',
    rule: 'a',
    chain: [],
    reason: 'Rule a: Ann is not available',
  },
];

function decide(scenario: Scenario): RoutingDecision {
  const config = scenario.config ?? example;
  return route({
    task: routableTask(scenario.task),
    config,
    roster: rosterFromConfig(config, scenario),
    roundRobinState: () => new Map(Object.entries(scenario.counters ?? {})),
    earlierOwner: scenario.earlierOwner,
    now: scenario.now ?? TUESDAY,
  });
}

const shape = (entry: ChainEntry): string | string[] => (isPoolEntry(entry) ? entry.pool : entry.agentId);

/** What the first candidate reads, or the leaders when the lead is escalated. */
function shownReason(decision: RoutingDecision): string | undefined {
  return decision.kind === 'escalate' ? decision.reason : decision.chain[0]?.reason;
}

describe('the routing table of dispatch.example.yml (and small inline configs)', () => {
  it.each(rows)('$name', (row) => {
    const decision = decide(row);
    expect(decision.kind).toBe(row.kind);
    expect(decision.rule).toBe(row.rule);
    expect(decision.chain.map(shape)).toEqual(row.chain);
    expect(decision.watchers).toEqual(row.watchers ?? []);
    expect(shownReason(decision)).toBe(row.reason);
  });
});

describe('routing-table details', () => {
  it('the backups a { rule: … } step brings in say which rule chose them', () => {
    const decision = decide({ config: weekend, now: SATURDAY, task: { source: 'web', tags: ['vip'] } });
    expect(decision.chain).toEqual([
      { agentId: VAL, reason: 'named in rule vip' },
      { agentId: BEA, reason: 'backup: rule weekday, round robin' },
      { agentId: BO, reason: 'backup: rule weekday, next available in the pool' },
    ]);
  });

  // This failed while a `{ rule: … }` backup read the other rule's counters without moving them:
  // every lead that fell back got the same first agent.
  it('leads that fall back to another rule’s rotation take turns', () => {
    let counters = new Map<string, Map<string, number>>();
    const firsts: string[] = [];
    for (let i = 0; i < 4; i++) {
      const decision = route({
        task: routableTask({ source: 'web', tags: ['vip'] }),
        config: weekend,
        roster: rosterFromConfig(weekend, { away: [VAL] }),
        roundRobinState: (rule) => counters.get(rule) ?? new Map(),
        now: SATURDAY,
      });
      const first = decision.chain[0];
      firsts.push(first && !isPoolEntry(first) ? first.agentId : '(none)');
      if (decision.kind !== 'offer') continue;
      for (const r of [
        ...(decision.roundRobin ? [decision.roundRobin] : []),
        ...(decision.backupRoundRobin ?? []),
      ])
        counters = new Map([...counters, [r.rule, r.state]]);
    }
    expect(firsts).toEqual([BEA, BO, BEA, BO]);
  });
});
