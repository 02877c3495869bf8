import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DispatchConfig, ROLES, type RuleConfig } from '../../src/config/dispatch-schema.js';
import { loadDispatchConfig, parseDispatchConfig } from '../../src/config/load-dispatch.js';
import { availabilityAt, offHoursOf } from '../../src/core/availability.js';
import { classify, knownTypes } from '../../src/core/classify.js';
import { type RoutableTask, ruleMatches } from '../../src/core/match.js';
import {
  agentIdsOf,
  type ChainEntry,
  isPoolEntry,
  type RosterAgent,
  type RouteInput,
  type RoutingDecision,
  route,
} from '../../src/core/route.js';
import { withinWeeklyHours } from '../../src/core/weekly-hours.js';
import { rosterFromConfig, skillFit } from '../support/roster.js';
import { ALMA, DANA, IVY, LEE, MARCO, PRIYA, ROB, SAM, TOM } from '../support/team.js';

const EXAMPLE = fileURLToPath(new URL('../../dispatch.example.yml', import.meta.url));
const example = loadDispatchConfig(EXAMPLE);

/** A Tuesday, 09:00 in Chicago. */
const NOW = new Date('2026-03-10T14:00:00Z');

/** The example's agents (with their skills) as the dispatcher sees them; `away` agents are active but not available. */
function rosterOf(config: DispatchConfig, away: readonly string[] = []): RosterAgent[] {
  return rosterFromConfig(config, { away });
}

/** The agent a single-agent chain entry names; a broadcast entry shows as "pool:…" so it never equals an id. */
function idOf(entry: ChainEntry | undefined): string {
  if (entry === undefined) return '(none)';
  return isPoolEntry(entry) ? `pool:${entry.pool.join(',')}` : entry.agentId;
}

const idsOf = (chain: readonly ChainEntry[]) => chain.map(idOf);

function task(overrides: Partial<RoutableTask> = {}): RoutableTask {
  return {
    type: 'buyer_lead',
    source: 'zillow',
    zip: '78701',
    city: null,
    language: null,
    price: 450_000,
    tags: [],
    referringAgent: null,
    ...overrides,
  };
}

function routeExample(
  t: Partial<RoutableTask>,
  options: Partial<Omit<RouteInput, 'task'>> = {},
): RoutingDecision {
  return route({
    task: task(t),
    config: example,
    roster: rosterOf(example),
    roundRobinState: () => new Map(),
    now: NOW,
    ...options,
  });
}

function ruleNamed(config: DispatchConfig, name: string): RuleConfig {
  const rule = config.rules.find((r) => r.name === name);
  if (!rule) throw new Error(`no rule ${name}`);
  return rule;
}

/** Routes `count` tasks in a row, persisting the round-robin counters the way the store does (as plain rows). */
function routeMany(
  count: number,
  t: Partial<RoutableTask>,
  roster = rosterOf(example),
): { firsts: string[]; decisions: RoutingDecision[] } {
  let stored: Record<string, Record<string, number>> = {};
  const firsts: string[] = [];
  const decisions: RoutingDecision[] = [];
  for (let i = 0; i < count; i++) {
    // A restart between every call: nothing survives but what was written down.
    const rows: Record<string, Record<string, number>> = JSON.parse(JSON.stringify(stored));
    const decision = route({
      task: task(t),
      config: example,
      roster,
      roundRobinState: (rule) => new Map(Object.entries(rows[rule] ?? {})),
      now: NOW,
    });
    decisions.push(decision);
    if (decision.kind === 'offer') {
      firsts.push(idOf(decision.chain[0]));
      if (decision.roundRobin) {
        stored = { ...rows, [decision.roundRobin.rule]: Object.fromEntries(decision.roundRobin.state) };
      }
    }
  }
  return { firsts, decisions };
}

function countOf(ids: readonly string[], id: string): number {
  return ids.filter((x) => x === id).length;
}

describe('classify', () => {
  it('takes an explicit type over the source map', () => {
    expect(classify({ type: 'seller_lead', source: 'zillow' }, example)).toEqual({
      type: 'seller_lead',
      why: 'type given by the sender',
    });
  });

  it.each([
    ['zillow', 'buyer_lead'],
    ['Zillow', 'buyer_lead'],
    ['  REALTOR.COM ', 'buyer_lead'],
    ['Web_Form', 'seller_lead'],
    ['inspection', 'vendor_coordination'],
    ['dotloop', 'contract_milestone'],
    ['closing_followup', 'post_close'],
  ])('maps source %j to %s, ignoring case and spaces', (source, type) => {
    expect(classify({ source }, example).type).toBe(type);
  });

  it('explains which source mapping it used', () => {
    expect(classify({ source: 'Zillow' }, example).why).toBe('source "Zillow" is mapped to buyer_lead');
  });

  it('makes an unmapped source with a referring agent a referral', () => {
    expect(classify({ source: 'open_house', referringAgent: 'dana@lakeside.example' }, example)).toEqual({
      type: 'referral',
      why: 'it names a referring agent',
    });
  });

  it('lets the source map win over a referring agent', () => {
    expect(classify({ source: 'zillow', referringAgent: 'U0DANA001' }, example).type).toBe('buyer_lead');
  });

  it('gives type null, with the reason, when nothing classifies the task', () => {
    expect(classify({ source: 'open_house' }, example)).toEqual({
      type: null,
      why: 'source "open_house" is not in the sources map and no type was given',
    });
  });

  it('treats an empty type as no type', () => {
    expect(classify({ type: '', source: 'zillow' }, example).type).toBe('buyer_lead');
  });

  it('knows the built-in types and the ones the config adds', () => {
    expect(knownTypes(example)).toEqual([
      'buyer_lead',
      'seller_lead',
      'referral',
      'vendor_coordination',
      'contract_milestone',
      'post_close',
      'relocation',
    ]);
  });
});

describe('ruleMatches', () => {
  const config = parseDispatchConfig(`
team: { name: T, timezone: America/Chicago, leaders_channel: C0LEADERS1 }
agents: [{ id: U0A, name: A, roles: [buyer_agent] }]
rules:
  - name: everything
    assign: { strategy: agent, agent: U0A }
  - name: austin-luxury
    match: { type: [buyer_lead, seller_lead], source: Zillow, zip: ["78701", 78746], price: { min: 1000000, max: 5000000 } }
    assign: { strategy: agent, agent: U0A }
  - name: tagged
    match: { tags: [VIP, investor] }
    assign: { strategy: agent, agent: U0A }
  - name: office-hours
    match: { when: { days: [mon, tue, wed, thu, fri], start: "09:00", end: "17:00" } }
    assign: { strategy: agent, agent: U0A }
  - name: overnight
    match: { when: { days: [mon, tue, wed, thu, fri], start: "18:00", end: "08:00" } }
    assign: { strategy: agent, agent: U0A }
  - name: sunday-morning
    match: { when: { days: [sun], start: "09:00", end: "10:00" } }
    assign: { strategy: agent, agent: U0A }
`);
  const zone = config.team.timezone;
  const matches = (name: string, t: Partial<RoutableTask>, at = NOW) =>
    ruleMatches(ruleNamed(config, name), task(t), at, zone);

  it('matches everything when the rule has no match block', () => {
    expect(matches('everything', { type: 'post_close', source: 'anything', zip: null, price: null })).toBe(
      true,
    );
  });

  it('matches type, source (any case), zip and price band together', () => {
    const luxury = { type: 'seller_lead', source: 'zillow', zip: '78746', price: 2_000_000 };
    expect(matches('austin-luxury', luxury)).toBe(true);
    expect(matches('austin-luxury', { ...luxury, type: 'referral' })).toBe(false);
    expect(matches('austin-luxury', { ...luxury, source: 'ZILLOW' })).toBe(true);
    expect(matches('austin-luxury', { ...luxury, source: 'realtor.com' })).toBe(false);
    expect(matches('austin-luxury', { ...luxury, zip: '78745' })).toBe(false);
    expect(matches('austin-luxury', { ...luxury, zip: null })).toBe(false);
  });

  it.each([
    [999_999, false],
    [1_000_000, true],
    [5_000_000, true],
    [5_000_001, false],
    [null, false],
  ])('price band 1M–5M (inclusive) against a price of %s: %s', (price, expected) => {
    const t = { type: 'buyer_lead', source: 'zillow', zip: '78701', price };
    expect(matches('austin-luxury', t)).toBe(expected);
  });

  it('matches when the task carries any one of the tags, in any case', () => {
    expect(matches('tagged', { tags: ['vip'] })).toBe(true);
    expect(matches('tagged', { tags: ['first-time', 'Investor'] })).toBe(true);
    expect(matches('tagged', { tags: ['first-time'] })).toBe(false);
    expect(matches('tagged', { tags: [] })).toBe(false);
  });

  it.each([
    ['Tuesday 08:59', '2026-03-10T13:59:00Z', false],
    ['Tuesday 09:00', '2026-03-10T14:00:00Z', true],
    ['Tuesday 16:59', '2026-03-10T21:59:00Z', true],
    ['Tuesday 17:00', '2026-03-10T22:00:00Z', false],
    ['Saturday 12:00', '2026-03-14T17:00:00Z', false],
  ])('weekday office hours 09:00–17:00 Chicago: %s → %s', (_label, at, expected) => {
    expect(matches('office-hours', {}, new Date(at))).toBe(expected);
  });

  it.each([
    ['Friday 17:59', '2026-03-13T22:59:00Z', false],
    ['Friday 18:00', '2026-03-13T23:00:00Z', true],
    ['Friday 23:30', '2026-03-14T04:30:00Z', true],
    ['Saturday 07:59 (Friday night’s window)', '2026-03-14T12:59:00Z', true],
    ['Saturday 08:00', '2026-03-14T13:00:00Z', false],
    ['Saturday 19:00 (Saturday is not listed)', '2026-03-15T00:00:00Z', false],
    ['Monday 07:00 (Sunday night is not listed)', '2026-03-16T12:00:00Z', false],
    ['Monday 12:00', '2026-03-16T17:00:00Z', false],
    ['Monday 18:30', '2026-03-16T23:30:00Z', true],
  ])('overnight window 18:00–08:00 on weekdays: %s → %s', (_label, at, expected) => {
    expect(matches('overnight', {}, new Date(at))).toBe(expected);
  });

  it('reads the window in local time on the day clocks spring forward (Chicago, 8 March 2026)', () => {
    // 14:30Z is 09:30 CDT on 8 March, but 08:30 CST a week earlier.
    expect(matches('sunday-morning', {}, new Date('2026-03-08T14:30:00Z'))).toBe(true);
    expect(matches('sunday-morning', {}, new Date('2026-03-01T14:30:00Z'))).toBe(false);
    expect(matches('sunday-morning', {}, new Date('2026-03-01T15:30:00Z'))).toBe(true);
  });

  it('reads the window in local time on the day clocks fall back (Chicago, 1 November 2026)', () => {
    // 15:30Z is 09:30 CST on 1 November, but 10:30 CDT a week earlier.
    expect(matches('sunday-morning', {}, new Date('2026-11-01T15:30:00Z'))).toBe(true);
    expect(matches('sunday-morning', {}, new Date('2026-10-25T15:30:00Z'))).toBe(false);
  });

  it('keeps an overnight window open through a DST change in its early hours', () => {
    const hours = { days: ['sat' as const], start: '22:00', end: '06:00' };
    // Sunday 8 March 2026 05:30 CDT (10:30Z) is still Saturday night's window; 06:30 CDT is not.
    expect(withinWeeklyHours(hours, new Date('2026-03-08T10:30:00Z'), 'America/Chicago')).toBe(true);
    expect(withinWeeklyHours(hours, new Date('2026-03-08T11:30:00Z'), 'America/Chicago')).toBe(false);
  });
});

describe('route: choosing the rule', () => {
  it('uses the first matching rule: a Zillow buyer lead is a portal lead, an IDX buyer lead is not', () => {
    expect(routeExample({ source: 'zillow' }).rule).toBe('portal-buyer-lead');
    expect(routeExample({ source: 'Realtor.com' }).rule).toBe('portal-buyer-lead');
    expect(routeExample({ source: 'idx_form' }).rule).toBe('web-buyer-lead');
  });

  it('uses the first of two rules that both match', () => {
    const config = parseDispatchConfig(`
team: { name: T, timezone: America/Chicago, leaders_channel: C0LEADERS1 }
agents: [{ id: U0A, name: A, roles: [buyer_agent] }, { id: U0B, name: B, roles: [buyer_agent] }]
rules:
  - { name: first, match: { type: buyer_lead }, assign: { strategy: agent, agent: U0A } }
  - { name: second, match: { type: buyer_lead, source: zillow }, assign: { strategy: agent, agent: U0B } }
`);
    const decision = route({
      task: task(),
      config,
      roster: rosterOf(config),
      roundRobinState: () => new Map(),
      now: NOW,
    });
    expect(decision).toMatchObject({ kind: 'offer', rule: 'first', chain: [{ agentId: 'U0A' }] });
  });

  it('sends a type no rule handles to the catch-all manual-review rule, with its reason', () => {
    expect(routeExample({ type: 'relocation', source: 'relo_partner' })).toEqual({
      kind: 'escalate',
      rule: 'manual-review',
      reason: 'Rule manual-review: no routing rule matches this task',
      chain: [],
      sla: { kind: 'duration', seconds: 900, clock: 'always' },
      watchers: [],
    });
  });

  it('escalates, naming the task, when a config without a catch-all has no rule for it', () => {
    const config = parseDispatchConfig(`
team: { name: T, timezone: America/Chicago, leaders_channel: C0LEADERS1 }
agents: [{ id: U0A, name: A, roles: [buyer_agent] }]
rules:
  - { name: buyers, match: { type: buyer_lead }, assign: { strategy: agent, agent: U0A } }
`);
    const decision = route({
      task: task({ type: 'seller_lead', source: 'web_form', zip: '78701' }),
      config,
      roster: rosterOf(config),
      roundRobinState: () => new Map(),
      now: NOW,
    });
    expect(decision).toEqual({
      kind: 'escalate',
      rule: null,
      reason: 'No routing rule matches a seller lead from web_form in 78701',
      chain: [],
      sla: null,
      watchers: [],
    });
  });

  it('is pure: the same input gives the same decision', () => {
    expect(routeExample({})).toEqual(routeExample({}));
  });
});

describe('route: buyer leads (round robin, best fit first)', () => {
  it('offers a portal buyer lead to the picked agent, then the ISA, then the rest of the pool', () => {
    expect(routeExample({ zip: '78745' })).toEqual({
      kind: 'offer',
      rule: 'portal-buyer-lead',
      chain: [
        { agentId: MARCO, reason: 'round robin, covers 78745' },
        { agentId: IVY, reason: 'backup: ISA' },
        { agentId: DANA, reason: 'next available in the pool' },
        { agentId: PRIYA, reason: 'next available in the pool' },
      ],
      sla: { kind: 'duration', seconds: 300, clock: 'always' },
      watchers: [],
      roundRobin: { rule: 'portal-buyer-lead', state: new Map([[MARCO, 0]]) },
    });
  });

  it('gives a 78701 lead to Dana or Priya, never Marco, while an expert is available', () => {
    const { firsts } = routeMany(12, { zip: '78701' });
    expect(new Set(firsts)).toEqual(new Set([DANA, PRIYA]));
    // Marco is still in the chain as a last resort, after the ISA.
    const decision = routeExample({ zip: '78701' });
    expect(idsOf(decision.chain)).toEqual([DANA, IVY, PRIYA, MARCO]);
  });

  it('falls back to the whole pool when no expert for the zip is available', () => {
    const decision = routeExample({ zip: '78701' }, { roster: rosterOf(example, [DANA, PRIYA]) });
    expect(decision.chain).toEqual([
      { agentId: MARCO, reason: 'round robin' },
      { agentId: IVY, reason: 'backup: ISA' },
    ]);
  });

  it('spreads a lead in a zip nobody covers over the whole pool by weight', () => {
    const { firsts } = routeMany(32, { zip: '78610' });
    expect([countOf(firsts, DANA), countOf(firsts, MARCO), countOf(firsts, PRIYA)]).toEqual([16, 8, 8]);
  });

  it('prefers zip experts by default (web-buyer-lead sets no prefer) and ignores fit with prefer: []', () => {
    expect(idOf(routeExample({ source: 'idx_form', zip: '78745' }).chain[0])).toBe(MARCO);
    const config = parseDispatchConfig(`
team: { name: T, timezone: America/Chicago, leaders_channel: C0LEADERS1 }
agents:
  - { id: U0DANA001, name: Dana, roles: [buyer_agent], zips: ["78701"], weight: 2 }
  - { id: U0MARCO01, name: Marco, roles: [buyer_agent], zips: ["78745"] }
rules:
  - name: any-buyer
    assign: { strategy: round_robin, pool: { roles: [buyer_agent] }, prefer: [] }
`);
    const decision = route({
      task: task({ zip: '78745' }),
      config,
      roster: rosterOf(config),
      roundRobinState: () => new Map(),
      now: NOW,
    });
    expect(decision.chain).toEqual([{ agentId: DANA, reason: 'round robin' }]);
  });

  it('never offers an inactive agent, even one who covers the zip', () => {
    const roster = rosterOf(example).map((a) => (a.id === ROB ? { ...a, zips: ['78610'] } : a));
    const { decisions } = routeMany(20, { zip: '78610' }, roster);
    for (const d of decisions) expect(d.chain.flatMap(agentIdsOf)).not.toContain(ROB);
  });

  it('escalates with the reason when nobody in the pool or its backups is available', () => {
    const everyone = example.agents.map((a) => a.id);
    expect(routeExample({}, { roster: rosterOf(example, everyone) })).toMatchObject({
      kind: 'escalate',
      rule: 'portal-buyer-lead',
      reason: 'Rule portal-buyer-lead: nobody in the pool is available',
      chain: [],
    });
  });

  it('keeps exact weighted proportions across 30 calls with the pointer persisted and reloaded each time', () => {
    // 78701: Dana (weight 2) and Priya (weight 1) cover it — 30 leads are 10 whole rounds.
    const { firsts, decisions } = routeMany(30, { zip: '78701' });
    expect(decisions.every((d) => d.kind === 'offer')).toBe(true);
    expect(countOf(firsts, DANA)).toBe(20);
    expect(countOf(firsts, PRIYA)).toBe(10);
    expect(countOf(firsts, MARCO)).toBe(0);
    // Within one lead of the weights after every single call, not only at the end.
    firsts.forEach((_, i) => {
      const seen = firsts.slice(0, i + 1);
      expect(Math.abs(countOf(seen, DANA) - ((i + 1) * 2) / 3)).toBeLessThanOrEqual(1);
    });
  });

  it('returns counters only for the agents it considered (the skipped Marco keeps his turn)', () => {
    const decision = routeExample({ zip: '78701' });
    expect(decision.kind === 'offer' && decision.roundRobin?.state.has(MARCO)).toBe(false);
  });
});

describe('route: seller leads', () => {
  // Sam's price band starts at $500K; the ISA has none, so she fits any price.
  it('prefers the senior listing agent for a $500K+ lead in a zip he covers, then the team leader', () => {
    const seller = { type: 'seller_lead', source: 'web_form', zip: '78703', price: 650_000 };
    expect(routeExample(seller).chain).toEqual([
      { agentId: SAM, reason: 'round robin, covers 78703' },
      { agentId: LEE, reason: 'backup: team leader' },
    ]);
  });

  it('rotates between the listing agent and the ISA elsewhere; under $500K the ISA takes it', () => {
    const seller = { type: 'seller_lead', source: 'web_form', zip: '78610', price: 650_000 };
    const first = routeExample(seller);
    expect(idOf(first.chain[0])).toBe(SAM);
    const state = first.kind === 'offer' ? first.roundRobin?.state : undefined;
    const second = routeExample(seller, { roundRobinState: () => state ?? new Map() });
    expect(idOf(second.chain[0])).toBe(IVY);
    const cheap = { ...seller, price: 300_000 };
    expect(idsOf(routeExample(cheap).chain)).toEqual([IVY, LEE]);
    expect(idsOf(routeExample(cheap, { roundRobinState: () => state ?? new Map() }).chain)).toEqual([
      IVY,
      LEE,
    ]);
  });
});

describe('route: referrals and post-close (the original agent)', () => {
  const referral = (referringAgent: string | null) =>
    routeExample({ type: 'referral', source: 'past_client', referringAgent });

  it.each([
    ['an email in another case', 'PRIYA@Lakeside.Example'],
    ['a Slack user id', 'U0PRIYA01'],
    ['a Slack user id with spaces around it', '  U0PRIYA01 '],
  ])('offers a referral to the original agent named by %s', (_label, ref) => {
    expect(referral(ref)).toEqual({
      kind: 'offer',
      rule: 'referral',
      chain: [{ agentId: PRIYA, reason: 'the original agent' }],
      sla: { kind: 'end_of_business_day' },
      watchers: [],
    });
  });

  it.each([
    ['inactive', 'rob@lakeside.example', 'Rule referral: the original agent Rob Former is inactive'],
    [
      'not on the team',
      'ghost@elsewhere.example',
      'Rule referral: the referring agent ghost@elsewhere.example is not on the team, and nobody here has handled this contact before',
    ],
    [
      'missing',
      null,
      'Rule referral: the task names no referring agent and nobody owned an earlier task with this phone or email',
    ],
  ])('escalates a referral whose original agent is %s, naming why', (_label, ref, reason) => {
    expect(referral(ref)).toMatchObject({ kind: 'escalate', rule: 'referral', reason, chain: [] });
  });

  it('escalates a referral whose original agent is away, naming them', () => {
    const decision = routeExample(
      { type: 'referral', source: 'past_client', referringAgent: DANA },
      { roster: rosterOf(example, [DANA]) },
    );
    expect(decision).toMatchObject({
      kind: 'escalate',
      reason: 'Rule referral: the original agent Dana Reyes is not available',
    });
  });

  it('hands post-close follow-up to the original agent, with the admin as backup (told why) when they are unknown', () => {
    const postClose = { type: 'post_close', source: 'closing_followup' };
    expect(routeExample({ ...postClose, referringAgent: 'sam@lakeside.example' }).chain).toEqual([
      { agentId: SAM, reason: 'the original agent' },
      { agentId: ALMA, reason: 'backup: admin' },
    ]);
    expect(routeExample({ ...postClose, referringAgent: 'ghost@elsewhere.example' })).toMatchObject({
      kind: 'offer',
      rule: 'post-close',
      chain: [
        {
          agentId: ALMA,
          reason:
            'backup: admin (the referring agent ghost@elsewhere.example is not on the team, and nobody here has handled this contact before)',
        },
      ],
    });
  });
});

describe('route: role strategy (vendor coordination, contract milestones)', () => {
  const vendor = { type: 'vendor_coordination', source: 'inspection', zip: null, price: null };

  it('offers vendor coordination to the TC, then the admin, on a business-hours SLA', () => {
    expect(routeExample(vendor)).toMatchObject({
      kind: 'offer',
      rule: 'vendor-coordination',
      chain: [
        { agentId: TOM, reason: 'the transaction coordinator' },
        { agentId: ALMA, reason: 'backup: admin' },
      ],
      sla: { kind: 'duration', seconds: 7200, clock: 'business_hours' },
    });
  });

  it('goes straight to the admin when the TC is away, and tells the admin why', () => {
    expect(routeExample(vendor, { roster: rosterOf(example, [TOM]) }).chain).toEqual([
      { agentId: ALMA, reason: 'backup: admin (no transaction coordinator is available)' },
    ]);
  });

  it('escalates with a readable reason when both the TC and the admin are away', () => {
    const decision = routeExample(vendor, { roster: rosterOf(example, [TOM, ALMA]) });
    expect(decision.kind).toBe('escalate');
    if (decision.kind !== 'escalate') return;
    expect(decision.reason).toContain('transaction coordinator');
    // The leaders read this sentence in Slack.
    expect(decision.reason).not.toMatch(/\bthe the\b/);
  });

  it('offers a contract milestone to the TC with the team leader as backup', () => {
    const decision = routeExample({ type: 'contract_milestone', source: 'dotloop', zip: null });
    expect(idsOf(decision.chain)).toEqual([TOM, LEE]);
  });
});

describe('route: properties over random rosters', () => {
  const ids = [DANA, MARCO, PRIYA, SAM, IVY, TOM, ALMA, LEE, ROB];
  const zips = ['78701', '78703', '78745', '78746'];
  const cities = ['Austin', 'West Lake Hills'];
  const languages = ['english', 'spanish', 'portuguese'];

  const priceBandArb = fc.option(
    fc.record({
      min: fc.option(fc.integer({ min: 0, max: 1_000_000 }), { nil: undefined }),
      max: fc.option(fc.integer({ min: 1_000_000, max: 3_000_000 }), { nil: undefined }),
    }),
    { nil: null },
  );

  const agentArb = (id: string) =>
    fc
      .record({
        included: fc.boolean(),
        roles: fc.subarray([...ROLES], { minLength: 1 }),
        zips: fc.subarray(zips),
        cities: fc.subarray(cities),
        languages: fc.subarray(languages),
        price: priceBandArb,
        weight: fc.integer({ min: 1, max: 5 }),
        active: fc.boolean(),
        free: fc.boolean(),
        capped: fc.boolean(),
      })
      .map((a): RosterAgent & { included: boolean } => ({
        included: a.included,
        id,
        name: `Agent ${id}`,
        email: `${id.toLowerCase()}@team.example`,
        roles: a.roles,
        zips: a.zips,
        cities: a.cities,
        languages: a.languages,
        price: a.price,
        weight: a.weight,
        active: a.active,
        // The caller's contract: available implies active, and a capped agent is not available.
        available: a.active && a.free && !a.capped,
        capped: a.active && a.free && a.capped ? '3 open, the cap is 3' : undefined,
      }));

  const rosterArb = fc
    .tuple(...ids.map(agentArb))
    .map((agents) => agents.filter((a) => a.included).map(({ included: _, ...a }) => a));

  const taskArb = fc.record({
    type: fc.constantFrom(...knownTypes(example)),
    source: fc.constantFrom(...Object.keys(example.sources), 'Zillow', 'open_house'),
    zip: fc.option(fc.constantFrom(...zips, '78610'), { nil: null }),
    city: fc.option(fc.constantFrom(...cities, 'Round Rock'), { nil: null }),
    language: fc.option(fc.constantFrom(...languages), { nil: null }),
    price: fc.option(fc.integer({ min: 50_000, max: 3_000_000 }), { nil: null }),
    tags: fc.subarray(['open_house', 'vip']),
    referringAgent: fc.option(
      fc.constantFrom(...ids, ...ids.map((id) => `${id.toLowerCase()}@team.example`), 'ghost@x.example'),
      { nil: null },
    ),
  });

  const earlierOwnerArb = fc.option(
    fc.record({
      agentId: fc.constantFrom(...ids, 'U0GONE001'),
      name: fc.constant('Someone'),
      taskId: fc.integer({ min: 1, max: 999 }),
      matchedOn: fc.constantFrom('phone' as const, 'email' as const),
    }),
    { nil: undefined },
  );

  const stateArb = fc.dictionary(fc.constantFrom(...ids), fc.integer({ min: -10, max: 10 }));

  type Skill = 'zip' | 'city' | 'price' | 'language';
  const poolMember = (pool: { roles?: readonly string[]; agents?: readonly string[] }, a: RosterAgent) =>
    pool.agents?.includes(a.id) === true || a.roles.some((r) => pool.roles?.includes(r));
  const meets = (a: RosterAgent, t: RoutableTask, required: readonly Skill[]) =>
    required.every((skill) => skillFit(a, t, skill) !== false);
  /** Fit in `prefer` order: an earlier skill outranks any number of later ones (a language beats zip + city). */
  const score = (a: RosterAgent, t: RoutableTask, preferred: readonly Skill[]) =>
    preferred.reduce(
      (sum, skill, i) => (skillFit(a, t, skill) === true ? sum + 2 ** (preferred.length - 1 - i) : sum),
      0,
    );

  /**
   * Who may come first: the rule's own pool (best fit first; for a broadcast, every available
   * member) if anyone in it is available, else a backup.
   */
  function allowedFirst(
    rule: RuleConfig,
    roster: RosterAgent[],
    t: RoutableTask,
    earlier: RouteInput['earlierOwner'],
  ): Set<string> {
    const available = roster.filter((a) => a.available);
    const assign = rule.assign;
    let pool: RosterAgent[] = [];
    if (assign.strategy === 'round_robin') {
      pool = available.filter((a) => poolMember(assign.pool, a) && meets(a, t, assign.require));
      const best = Math.max(0, ...pool.map((a) => score(a, t, assign.prefer)));
      pool = pool.filter((a) => score(a, t, assign.prefer) === best);
    } else if (assign.strategy === 'broadcast') {
      pool = available.filter((a) => poolMember(assign.pool, a) && meets(a, t, assign.require));
    } else if (assign.strategy === 'role') {
      pool = available.filter((a) => a.roles.includes(assign.role));
    } else if (assign.strategy === 'agent') {
      pool = available.filter((a) => a.id === assign.agent);
    } else if (assign.strategy === 'original_agent') {
      // The referring agent when they are on the team; otherwise whoever owned the contact before.
      const ref = t.referringAgent?.trim().toLowerCase();
      const named = ref
        ? roster.find((a) => a.id.toLowerCase() === ref || a.email?.toLowerCase() === ref)
        : undefined;
      const original = named ?? roster.find((a) => a.id === earlier?.agentId);
      pool = available.filter((a) => a.id === original?.id);
    }
    if (pool.length > 0) return new Set(pool.map((a) => a.id));
    const backups = new Set<string>();
    for (const step of rule.fallback) {
      if ('escalate' in step) break;
      if ('role' in step) for (const a of available) if (a.roles.includes(step.role)) backups.add(a.id);
      if ('agent' in step) backups.add(step.agent);
    }
    return backups;
  }

  it('never offers an unavailable, capped or out-of-pool agent first, and never lists anyone twice', () => {
    fc.assert(
      fc.property(rosterArb, taskArb, stateArb, earlierOwnerArb, (roster, t, state, earlierOwner) => {
        const decision = route({
          task: t,
          config: example,
          roster,
          roundRobinState: () => new Map(Object.entries(state)),
          earlierOwner,
          now: NOW,
        });
        const chainIds = decision.chain.flatMap(agentIdsOf);
        expect(new Set(chainIds).size).toBe(chainIds.length);
        for (const id of chainIds) {
          const agent = roster.find((a) => a.id === id);
          expect(agent?.available, `${id} is in the chain`).toBe(true);
          expect(agent?.active).toBe(true);
          expect(agent?.capped).toBeUndefined();
        }
        if (decision.kind === 'escalate') {
          expect(chainIds).toEqual([]);
          expect(decision.reason.length).toBeGreaterThan(0);
          return;
        }
        expect(chainIds.length).toBeGreaterThan(0);
        const rule = ruleNamed(example, decision.rule);
        const allowed = allowedFirst(rule, roster, t, earlierOwner);
        const [first] = decision.chain;
        if (first && isPoolEntry(first)) {
          // A broadcast goes to every available member of its pool at once.
          expect(new Set(first.pool)).toEqual(allowed);
        } else {
          expect([...allowed]).toContain(idOf(first));
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('route: after hours (working hours, on-duty cover, hold until opening)', () => {
  /** The example roster as the shell computes it at `now`: working hours from the config, plus /away. */
  function rosterAt(now: Date, away: readonly string[] = [], nightlyDnd = false): RosterAgent[] {
    const skilled = new Map(rosterOf(example).map((r) => [r.id, r]));
    return example.agents.map((a) => {
      const hours = a.working_hours ?? example.team.working_hours;
      const inputs = {
        windows: away.includes(a.id)
          ? [{ startsAt: new Date(0), endsAt: null, endedAt: null, reason: null }]
          : [],
        hours: hours && hours !== 'always' ? { weekly: hours, zone: example.team.timezone } : null,
        // Slack's usual notification schedule: 10 PM to 8 AM.
        busy: nightlyDnd
          ? [
              {
                source: 'dnd' as const,
                startsAt: new Date('2026-11-26T04:00:00Z'),
                endsAt: new Date('2026-11-26T14:00:00Z'),
                reason: null,
              },
            ]
          : [],
      };
      const state = availabilityAt(a, inputs, now);
      return {
        id: a.id,
        name: a.name,
        email: a.email ?? null,
        roles: [...a.roles],
        zips: [...a.zips],
        cities: skilled.get(a.id)?.cities,
        languages: skilled.get(a.id)?.languages,
        price: skilled.get(a.id)?.price,
        weight: a.weight,
        active: a.active,
        available: state.available,
        offHours: offHoursOf(a, inputs, now),
      };
    });
  }
  const at = (iso: string, t: Partial<RoutableTask>, away: readonly string[] = []) => {
    const now = new Date(iso);
    return routeExample(t, { roster: rosterAt(now, away), now });
  };
  const WED_9PM = '2026-11-26T03:00:00Z';

  it('a hot portal lead at 9 PM goes to this week’s on-duty agent, marked as after-hours cover', () => {
    const d = at(WED_9PM, { source: 'zillow' });
    expect(d).toMatchObject({ kind: 'offer', rule: 'portal-buyer-lead' });
    expect(d.chain).toEqual([{ agentId: DANA, reason: 'after hours: on duty this week', onDuty: true }]);
  });

  it('when the on-duty agent is away the next in the rotation covers, and says for whom', () => {
    const d = at(WED_9PM, { source: 'zillow' }, [DANA]);
    expect(d.chain).toEqual([
      { agentId: MARCO, reason: 'after hours: covering on duty for Dana Reyes', onDuty: true },
    ]);
  });

  it('with the whole rotation away, the lead is held for opening rather than escalated', () => {
    const d = at(WED_9PM, { source: 'zillow' }, [DANA, MARCO, PRIYA]);
    expect(d).toMatchObject({ kind: 'hold', until: new Date('2026-11-26T13:00:00Z'), waitingFor: [IVY] });
  });

  it('a nightly Do Not Disturb schedule neither stops the on-duty cover nor turns a hold into an escalation', () => {
    const now = new Date('2026-11-26T05:00:00Z'); // 11 PM: everyone off hours and in DND until 8 AM
    const roster = rosterAt(now, [], true);
    expect(routeExample({ source: 'zillow' }, { roster, now }).chain).toEqual([
      { agentId: DANA, reason: 'after hours: on duty this week', onDuty: true },
    ]);
    expect(routeExample({ source: 'idx_form' }, { roster, now })).toMatchObject({
      kind: 'hold',
      until: new Date('2026-11-26T14:00:00Z'), // Ivy opens at 7, but her DND runs to 8
    });
  });

  it('a rule without cover holds the lead until the first of its chain starts work', () => {
    // web-buyer-lead: buyer agents start at 8, the ISA backup at 7.
    expect(at(WED_9PM, { source: 'idx_form' })).toMatchObject({
      kind: 'hold',
      rule: 'web-buyer-lead',
      until: new Date('2026-11-26T13:00:00Z'),
      chain: [],
    });
    // seller-lead on a Saturday night: Sam and the ISA; the ISA works Sundays from 7.
    expect(at('2026-11-29T03:00:00Z', { type: 'seller_lead', source: 'web_form' })).toMatchObject({
      kind: 'hold',
      until: new Date('2026-11-29T13:00:00Z'),
      waitingFor: [IVY],
    });
  });

  it('a referral at night waits for its original agent, not for somebody else', () => {
    expect(at(WED_9PM, { type: 'referral', source: 'past_client', referringAgent: SAM })).toMatchObject({
      kind: 'hold',
      until: new Date('2026-11-26T14:00:00Z'),
      waitingFor: [SAM],
    });
  });

  it('early morning with only the ISA at work: she gets it as the backup, no cover needed', () => {
    const d = at('2026-11-25T13:30:00Z', { source: 'zillow' }); // Wed 7:30 AM
    expect(d.kind).toBe('offer');
    expect(idsOf(d.chain)).toEqual([IVY]);
  });

  it('an agent who is away (not just off hours) is never waited for: nobody left means escalate', () => {
    const d = at(WED_9PM, { type: 'referral', source: 'past_client', referringAgent: SAM }, [SAM]);
    expect(d).toMatchObject({
      kind: 'escalate',
      reason: 'Rule referral: the original agent Sam Okafor is not available',
    });
  });
});
