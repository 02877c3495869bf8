import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { DispatchConfig } from '../../src/config/dispatch-schema.js';
import { loadDispatchConfig } from '../../src/config/load-dispatch.js';
import { type ActiveCover, chooseRotation, coverOf, rotationsOf } from '../../src/core/cover.js';
import { pauseOfSource, resolvePauseTarget } from '../../src/core/pause.js';
import { onDutyCover, type RosterAgent, route } from '../../src/core/route.js';
import { parseCoverCommand, parsePauseCommand } from '../../src/core/team-commands.js';
import { rosterFromConfig } from '../support/roster.js';
import { DANA, IVY, MARCO, PRIYA } from '../support/team.js';

const example = loadDispatchConfig(fileURLToPath(new URL('../../dispatch.example.yml', import.meta.url)));
/** Wednesday Nov 25, 9 PM in Chicago: Dana's week on duty (from Nov 2: Dana, Marco, Priya, Dana). */
const NIGHT = new Date('2026-11-26T03:00:00Z');
const ZONE = 'America/Chicago';
const task = {
  type: 'buyer_lead',
  source: 'zillow',
  zip: '78701',
  city: null,
  language: null,
  price: 450_000,
  tags: [],
  referringAgent: null,
};

/** Everyone off hours, as at night: only on-duty cover reaches them. */
function night(away: readonly string[] = []): RosterAgent[] {
  return rosterFromConfig(example, { away }).map((a) =>
    a.available ? { ...a, available: false, offHours: { opensAt: undefined, coverable: true } } : a,
  );
}

const cover = (agentId: string, until = new Date('2026-11-26T05:00:00Z')): ActiveCover => ({
  id: 4,
  rotation: 'portal-buyer-lead',
  agentId,
  until,
  setBy: 'U0LEE0001',
});

const spec = {
  agents: [DANA, MARCO, PRIYA],
  rotate: 'weekly' as const,
  from: '2026-11-02',
  handoff: '08:00',
};

describe('on-duty cover', () => {
  it('a cover in force comes first, named as covering whoever has the turn', () => {
    expect(onDutyCover(spec, night(), NIGHT, ZONE, cover(IVY))).toEqual({
      agentId: IVY,
      reason: 'after hours: covering portal-buyer-lead for Dana Reyes',
      onDuty: true,
      coverId: 4,
    });
  });

  it('a cover who is away hands to the rotation as usual', () => {
    expect(onDutyCover(spec, night([IVY]), NIGHT, ZONE, cover(IVY))).toEqual({
      agentId: DANA,
      reason: 'after hours: on duty this week',
      onDuty: true,
    });
  });

  it('an ended cover no longer counts; route() uses the cover of the rule’s rotation', () => {
    expect(coverOf([cover(IVY)], 'portal-buyer-lead', new Date('2026-11-26T05:00:00Z'))).toBeUndefined();
    const decision = route({
      task,
      config: example,
      roster: night(),
      roundRobinState: () => new Map(),
      now: NIGHT,
      covers: [cover(MARCO)],
    });
    expect(decision.chain).toEqual([
      {
        agentId: MARCO,
        reason: 'after hours: covering portal-buyer-lead for Dana Reyes',
        onDuty: true,
        coverId: 4,
      },
    ]);
  });

  it('which rotation: the named one, the only one, or the only one the person is on', () => {
    const two: Pick<DispatchConfig, 'rules'> = {
      rules: example.rules.map((r) =>
        r.name === 'web-buyer-lead'
          ? { ...r, on_duty: { name: 'evenings', agents: [IVY, PRIYA], handoff: '08:00' } }
          : r,
      ),
    };
    expect(rotationsOf(two).map((r) => r.name)).toEqual(['portal-buyer-lead', 'evenings']);
    expect(chooseRotation(example, IVY, 'Ivy Chen', undefined)).toMatchObject({ ok: true });
    expect(chooseRotation(two, IVY, 'Ivy Chen', undefined)).toMatchObject({ rotation: { name: 'evenings' } });
    expect(chooseRotation(two, DANA, 'Dana Reyes', 'Evenings')).toMatchObject({
      rotation: { name: 'evenings' },
    });
    expect(chooseRotation(two, PRIYA, 'Priya Nair', undefined)).toEqual({
      ok: false,
      message:
        'Priya Nair is on 2 rotations: say which, like `/dispatch cover @priya for portal-buyer-lead until monday 8am`. Rotations: `portal-buyer-lead`, `evenings`.',
    });
    expect(chooseRotation(two, DANA, 'Dana Reyes', 'weekends')).toMatchObject({
      ok: false,
      message: 'There is no on-duty rotation called “weekends”. Rotations: `portal-buyer-lead`, `evenings`.',
    });
  });
});

describe('paused rules and sources', () => {
  const input = {
    task,
    config: example,
    roster: rosterFromConfig(example),
    roundRobinState: () => new Map(),
    now: NIGHT,
  };

  it('a paused rule is passed over as if it did not match, and the decision names it', () => {
    const until = new Date('2026-11-26T05:00:00Z');
    const decision = route({
      ...input,
      now: new Date('2026-11-25T16:40:00Z'),
      pausedRules: new Map([['portal-buyer-lead', until]]),
    });
    expect(decision.rule).toBe('web-buyer-lead');
    expect(decision.pausedRules).toEqual([{ rule: 'portal-buyer-lead', until: until.toISOString() }]);
    // A paused rule that would not have matched is not named.
    const seller = route({
      ...input,
      task: { ...task, type: 'seller_lead' },
      pausedRules: new Map([['portal-buyer-lead', until]]),
    });
    expect(seller.pausedRules).toBeUndefined();
  });

  it('a source pause matches the stored name whatever the case; names resolve through aliases', () => {
    const pause = {
      id: 1,
      kind: 'source' as const,
      name: 'zillow',
      until: new Date('2026-11-26T05:00:00Z'),
      setBy: 'U0LEE0001',
    };
    expect(pauseOfSource([pause], 'Zillow', NIGHT)).toBe(pause);
    expect(pauseOfSource([pause], 'zillow', new Date('2026-11-26T05:00:00Z'))).toBeUndefined();
    expect(pauseOfSource([pause], 'realtor.com', NIGHT)).toBeUndefined();
    expect(resolvePauseTarget(example, 'source', 'ZILLOW')).toEqual({ ok: true, name: 'zillow' });
    expect(resolvePauseTarget(example, 'rule', 'Portal-Buyer-Lead')).toEqual({
      ok: true,
      name: 'portal-buyer-lead',
    });
  });
});

describe('command words', () => {
  it.each([
    [
      '<@U0IVY0001|ivy> until monday 8am',
      { kind: 'set', who: { userId: IVY }, rotation: undefined, when: 'until monday 8am' },
    ],
    [
      'me for evenings until 11pm',
      { kind: 'set', who: { self: true }, rotation: 'evenings', when: 'until 11pm' },
    ],
    ['<@U0IVY0001> for 2h', { kind: 'set', who: { userId: IVY }, rotation: undefined, when: 'for 2h' }],
    [
      'me for the weekend',
      { kind: 'set', who: { self: true }, rotation: undefined, when: 'for the weekend' },
    ],
    ['end <@U0IVY0001|ivy>', { kind: 'end', who: { userId: IVY }, rotation: undefined }],
    ['end', { kind: 'end', who: { self: true }, rotation: undefined }],
    ['stop me for evenings', { kind: 'end', who: { self: true }, rotation: 'evenings' }],
    ['list', { kind: 'list' }],
    ['', { kind: 'usage', hint: undefined }],
  ])('cover %s', (text, parsed) => {
    expect(parseCoverCommand(text)).toEqual(parsed);
  });

  it.each(['ivy until 3pm', '<@U0IVY0001>', '@ivy until 3pm', 'end <@U0IVY0001> now'])(
    'cover %s: usage with a hint',
    (text) => {
      const parsed = parseCoverCommand(text);
      expect(parsed.kind).toBe('usage');
      expect(parsed.kind === 'usage' && parsed.hint).toBeTruthy();
    },
  );

  it('pause and resume', () => {
    expect(parsePauseCommand('source zillow 2h', false)).toEqual({
      kind: 'pause',
      target: 'source',
      name: 'zillow',
      when: '2h',
    });
    expect(parsePauseCommand('Rule portal-buyer-lead until 3pm', false)).toEqual({
      kind: 'pause',
      target: 'rule',
      name: 'portal-buyer-lead',
      when: 'until 3pm',
    });
    expect(parsePauseCommand('source zillow', true)).toEqual({
      kind: 'resume',
      target: 'source',
      name: 'zillow',
    });
    expect(parsePauseCommand('list', false)).toEqual({ kind: 'list' });
    expect(parsePauseCommand('zillow 2h', false).kind).toBe('usage');
    expect(parsePauseCommand('source zillow 2h', true).kind).toBe('usage');
  });
});
