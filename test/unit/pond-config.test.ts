import { describe, expect, it } from 'vitest';
import { configWarnings } from '../../src/config/config-warnings.js';
import { ConfigError, parseDispatchConfig } from '../../src/config/load-dispatch.js';
import { contactDeadline, contactSpecOf } from '../../src/core/contact.js';
import { pondMembers } from '../../src/core/pond.js';

const config = (rule: string, extra = '') => `team:
  name: Lakeside
  timezone: America/Chicago
  leaders_channel: C0LEADERS1
sources:
  zillow: buyer_lead
agents:
  - { id: U0DANA001, name: Dana, roles: [buyer_agent] }
  - { id: U0MARCO01, name: Marco, roles: [buyer_agent] }
  - { id: U0IVY0001, name: Ivy, roles: [isa] }
  - { id: U0OLD0001, name: Rob, roles: [buyer_agent], active: false }
rules:
  - name: buyers
    assign: { strategy: round_robin, pool: { roles: [buyer_agent] } }
${rule}
${extra}`;

function problemOf(text: string) {
  try {
    parseDispatchConfig(text, 'dispatch.yml');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('pond: and contact_sla: in dispatch.yml', () => {
  it('reads a pond with its defaults, and both forms of contact_sla', () => {
    const parsed = parseDispatchConfig(
      config(
        '    pond: { channel: C0POND001 }\n    contact_sla: { within: 30m, clock: business_hours, then: next }',
      ),
    );
    const rule = parsed.rules[0];
    expect(rule?.pond).toEqual({ channel: 'C0POND001', remind_every: 1800, escalate_after: 14_400 });
    expect(contactSpecOf(rule?.contact_sla)).toEqual({
      seconds: 1800,
      clock: 'business_hours',
      onLapse: 'next',
    });
    const plain = parseDispatchConfig(config('    contact_sla: 15m')).rules[0];
    expect(contactSpecOf(plain?.contact_sla)).toEqual({ seconds: 900, clock: 'always', onLapse: 'leaders' });
  });

  it.each([
    [
      'a pond channel that is not a channel id',
      '    pond: { channel: pond-leads }',
      'rules[0].pond.channel',
      'pond-leads',
    ],
    [
      'a pond with an unreadable interval',
      '    pond: { channel: C0POND001, remind_every: soon }',
      'rules[0].pond.remind_every',
      'soon',
    ],
    [
      'an unknown pond key',
      '    pond: { channel: C0POND001, claim_by: 1h }',
      'rules[0].pond.claim_by',
      'claim_by',
    ],
    ['an unknown then', '    contact_sla: { within: 30m, then: nobody }', 'rules[0].contact_sla', 'nobody'],
  ])('refuses %s with its path and line', (_what, rule, path, marker) => {
    const text = config(rule);
    const problems = problemOf(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path, line: lineOf(text, marker) });
  });

  it('warns about a pond that does less than it seems', () => {
    const text = config(
      '    pond: { channel: C0LEADERS1, remind_every: 4h, escalate_after: 2h }',
      `  - name: exceptions
    assign: { strategy: escalate }
    pond: { channel: C0POND001 }
  - name: dana-only
    match: { tags: [dana] }
    assign: { strategy: agent, agent: U0DANA001 }
    contact_sla: { within: 30m, then: next }
`,
    );
    const messages = configWarnings(parseDispatchConfig(text)).map(
      (w) => `${w.path.join('.')}: ${w.message}`,
    );
    expect(messages).toEqual(
      expect.arrayContaining([
        "rules.0.pond.channel: the pond is the leaders' channel: agents would need to be in it to claim, and escalations would share it; use a channel of its own",
        'rules.0.pond.remind_every: remind_every is not shorter than escalate_after, so no reminder comes before the leaders are told',
        'rules.1.pond: rule exceptions sends every task to the leaders (strategy: escalate), so its pond is never used',
        'rules.2.contact_sla: rule dana-only has no fallback, so then: next has nobody to move an idle lead to: it goes to the leaders as before',
      ]),
    );
  });
});

describe('the pond and idle-lead arithmetic', () => {
  it('the pond is open to the rule pool’s active agents, or to the chain when the rule has no pool', () => {
    const parsed = parseDispatchConfig(config('    pond: { channel: C0POND001 }'));
    const [buyers] = parsed.rules;
    if (!buyers) throw new Error('no rule');
    expect(pondMembers(buyers, parsed.agents, [])).toEqual(['U0DANA001', 'U0MARCO01']);
    const single = { ...buyers, assign: { strategy: 'agent' as const, agent: 'U0DANA001' } };
    expect(
      pondMembers(single, parsed.agents, [
        { agentId: 'U0DANA001', reason: 'named' },
        { agentId: 'U0IVY0001', reason: 'backup' },
        { agentId: 'U0OLD0001', reason: 'backup' },
      ]),
    ).toEqual(['U0DANA001', 'U0IVY0001']);
  });

  it('a business-hours contact window skips nights and weekends', () => {
    const hours = { days: ['mon', 'tue', 'wed', 'thu', 'fri'] as const, start: '09:00', end: '17:00' };
    const zone = 'America/Chicago';
    const spec = { seconds: 1800, clock: 'business_hours' as const };
    // Friday 4:50 PM → Monday 9:20 AM.
    expect(
      contactDeadline(spec, new Date('2026-11-27T22:50:00Z'), { ...hours, days: [...hours.days] }, zone),
    ).toEqual(new Date('2026-11-30T15:20:00Z'));
    // Wall clock: 30 minutes.
    expect(
      contactDeadline(
        { ...spec, clock: 'always' },
        new Date('2026-11-27T22:50:00Z'),
        { ...hours, days: [...hours.days] },
        zone,
      ),
    ).toEqual(new Date('2026-11-27T23:20:00Z'));
  });
});
