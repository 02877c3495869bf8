import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { DispatchConfig, RuleConfig } from '../../src/config/dispatch-schema.js';
import { EnvError, readEnv } from '../../src/config/env.js';
import {
  ConfigError,
  type ConfigProblem,
  loadDispatchConfig,
  parseDispatchConfig,
} from '../../src/config/load-dispatch.js';

const EXAMPLE = fileURLToPath(new URL('../../dispatch.example.yml', import.meta.url));

/** A small valid config; each mistake below edits one line of it. */
const VALID = `team:
  name: Lakeside
  timezone: America/Chicago
  leaders_channel: C0LEADERS1
  default_sla: 15m
sources:
  zillow: buyer_lead
agents:
  - id: U0DANA001
    name: Dana
    roles: [buyer_agent]
    weight: 2
  - id: U0IVY0001
    name: Ivy
    roles: [isa]
rules:
  - name: buyers
    match: { type: buyer_lead }
    assign: { strategy: round_robin, pool: { roles: [buyer_agent] } }
    sla: 5m
    fallback: [{ role: isa }]
`;

/** Replaces the line that is exactly `line` (leading spaces included) and returns the new text. */
function edit(line: string, replacement: string, text = VALID): string {
  const lines = text.split('\n');
  const index = lines.indexOf(line);
  if (index < 0) throw new Error(`no line ${JSON.stringify(line)} in the config`);
  lines.splice(index, 1, ...replacement.split('\n'));
  return lines.join('\n');
}

/** The 1-based line of the first (or last) line containing `needle`. */
function lineOf(text: string, needle: string, which: 'first' | 'last' = 'first'): number {
  const lines = text.split('\n');
  const index =
    which === 'first'
      ? lines.findIndex((l) => l.includes(needle))
      : lines.findLastIndex((l) => l.includes(needle));
  if (index < 0) throw new Error(`no ${needle} in the config`);
  return index + 1;
}

function configError(text: string, file = 'team/dispatch.yml'): ConfigError {
  try {
    parseDispatchConfig(text, file);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

function rule(config: DispatchConfig, name: string): RuleConfig {
  const found = config.rules.find((r) => r.name === name);
  if (!found) throw new Error(`the example has no rule ${name}`);
  return found;
}

describe('dispatch.example.yml', () => {
  const config = loadDispatchConfig(EXAMPLE);

  it('is valid, with the team clock and the leaders channel', () => {
    expect(config.team).toMatchObject({
      timezone: 'America/Chicago',
      leaders_channel: 'C0LEADERS1',
      default_sla: 900,
    });
  });

  it('classifies portals as buyer leads, forms and paid ads as seller leads, and the rest per the table', () => {
    expect(config.sources).toMatchObject({
      zillow: 'buyer_lead',
      'realtor.com': 'buyer_lead',
      web_form: 'seller_lead',
      facebook_ads: 'seller_lead',
      google_ads: 'seller_lead',
      past_client: 'referral',
      agent_referral: 'referral',
      inspection: 'vendor_coordination',
      appraisal: 'vendor_coordination',
      dotloop: 'contract_milestone',
      closing_followup: 'post_close',
    });
  });

  it('has an active agent in every role the routing table names', () => {
    for (const role of [
      'buyer_agent',
      'listing_agent',
      'isa',
      'transaction_coordinator',
      'admin',
      'team_leader',
    ]) {
      expect(
        config.agents.some((a) => a.active && a.roles.some((r) => r === role)),
        role,
      ).toBe(true);
    }
  });

  it('buyer lead (Zillow, Realtor.com): weighted round robin over buyer agents by zip, then the ISA, then the next available', () => {
    expect(rule(config, 'portal-buyer-lead')).toMatchObject({
      match: { type: ['buyer_lead'], source: ['zillow', 'realtor.com'] },
      assign: {
        strategy: 'round_robin',
        pool: { roles: ['buyer_agent'] },
        prefer: ['language', 'price', 'zip', 'city'],
        require: [],
      },
      fallback: [{ role: 'isa' }, { rest_of_pool: true }],
    });
    expect(config.agents.some((a) => a.roles.includes('buyer_agent') && a.weight > 1)).toBe(true);
  });

  it('seller lead: the senior listing agent or the ISA, then the team leader', () => {
    const seller = rule(config, 'seller-lead');
    expect(seller).toMatchObject({
      match: { type: ['seller_lead'] },
      assign: { strategy: 'round_robin', pool: { roles: ['isa'] } },
      fallback: [{ role: 'team_leader' }],
    });
    const named = seller.assign.strategy === 'round_robin' ? (seller.assign.pool.agents ?? []) : [];
    const senior = config.agents.filter((a) => named.includes(a.id));
    expect(senior.map((a) => a.roles)).toEqual([['listing_agent']]);
  });

  it('referral: the original agent if active, otherwise the leaders assign by hand', () => {
    expect(rule(config, 'referral')).toMatchObject({
      match: { type: ['referral'] },
      assign: { strategy: 'original_agent' },
      fallback: [{ escalate: true }],
    });
  });

  it('vendor coordination: the transaction coordinator, then the admin assistant', () => {
    expect(rule(config, 'vendor-coordination')).toMatchObject({
      match: { type: ['vendor_coordination'] },
      assign: { strategy: 'role', role: 'transaction_coordinator' },
      fallback: [{ role: 'admin' }],
    });
  });

  it("contract milestone: the TC, the listing agent notified, the team leader cc'd", () => {
    expect(rule(config, 'contract-milestone')).toMatchObject({
      match: { type: ['contract_milestone'] },
      assign: { strategy: 'role', role: 'transaction_coordinator' },
      fallback: [{ role: 'team_leader' }],
      notify: [
        { original_agent: true, via: 'dm' },
        { role: 'team_leader', via: 'cc' },
      ],
    });
  });

  it('post-close follow-up: the original agent, then the admin', () => {
    expect(rule(config, 'post-close')).toMatchObject({
      match: { type: ['post_close'] },
      assign: { strategy: 'original_agent' },
      fallback: [{ role: 'admin' }],
    });
  });

  it('ends with a catch-all that sends everything else to manual review', () => {
    const last = config.rules.at(-1);
    expect(last?.match).toEqual({});
    expect(last?.assign).toMatchObject({ strategy: 'escalate' });
  });

  it('gives every rule but the catch-all its own SLA', () => {
    for (const r of config.rules.slice(0, -1)) expect(r.sla, r.name).toBeDefined();
  });
});

describe('parseDispatchConfig: each mistake names the file, the YAML path and the line', () => {
  it('reads the weekly digest: a day by name (in full or short) and a 24-hour time', () => {
    const config = parseDispatchConfig(
      edit('  default_sla: 15m', '  default_sla: 15m\n  digest: { day: Monday, time: "08:00" }'),
      'dispatch.yml',
    );
    expect(config.team.digest).toEqual({ day: 'mon', time: '08:00' });
    expect(parseDispatchConfig(VALID, 'dispatch.yml').team.digest).toBeUndefined();
  });

  it('reads team.retention in years, months, weeks or days; absent keeps contact details for good', () => {
    const read = (text: string) =>
      parseDispatchConfig(edit('  default_sla: 15m', `  default_sla: 15m\n  retention: ${text}`)).team
        .retention;
    expect(read('2y')).toEqual({ amount: 2, unit: 'years', text: '2y' });
    expect(read('18 months')).toEqual({ amount: 18, unit: 'months', text: '18 months' });
    expect(read('26 weeks')).toMatchObject({ amount: 26, unit: 'weeks' });
    expect(read('90d')).toMatchObject({ amount: 90, unit: 'days' });
    expect(parseDispatchConfig(VALID).team.retention).toBeUndefined();
  });

  it('accepts the small valid config the cases below edit', () => {
    expect(parseDispatchConfig(VALID).agents).toHaveLength(2);
  });

  it('reads working hours as one window, several, or always; signals stay off unless switched on', () => {
    let text = edit(
      '  default_sla: 15m',
      '  default_sla: 15m\n  working_hours: { days: [mon, tue], start: "08:00", end: "20:00" }',
    );
    text = edit(
      '    weight: 2',
      '    weight: 2\n    working_hours:\n      - { days: [mon, tue, wed, thu, fri], start: "09:00", end: "18:00" }\n      - { days: [sat], start: "10:00", end: "14:00" }',
      text,
    );
    text = edit('    roles: [isa]', '    roles: [isa]\n    working_hours: always', text);
    const config = parseDispatchConfig(text);
    expect(config.team.working_hours).toEqual([{ days: ['mon', 'tue'], start: '08:00', end: '20:00' }]);
    expect(config.agents[0]?.working_hours).toHaveLength(2);
    expect(config.agents[1]?.working_hours).toBe('always');
    expect(config.signals).toEqual({ slack_dnd: false, refresh: 120, calendar_refresh: 600 });
    expect(parseDispatchConfig(VALID).team.working_hours).toBeUndefined();
  });

  it.each<{ mistake: string; text: string; path: string; marker: string; last?: boolean; message: RegExp }>([
    {
      mistake: 'an unknown key',
      text: edit('    weight: 2', '    weight: 2\n    nickname: D'),
      path: 'agents[0].nickname',
      marker: 'nickname',
      message: /unknown key "nickname"/,
    },
    {
      mistake: 'a missing required field (reported where its parent starts)',
      text: edit('    name: Ivy', ''),
      path: 'agents[1].name',
      marker: 'id: U0IVY0001',
      message: /is required/,
    },
    {
      mistake: 'a wrong type',
      text: edit('    weight: 2', '    weight: two'),
      path: 'agents[0].weight',
      marker: 'weight: two',
      message: /must be a number/,
    },
    {
      mistake: 'a bad duration in a rule',
      text: edit('    sla: 5m', '    sla: 5 minutes'),
      path: 'rules[0].sla',
      marker: '5 minutes',
      message: /duration/,
    },
    {
      mistake: 'a bad default duration',
      text: edit('  default_sla: 15m', '  default_sla: fifteen'),
      path: 'team.default_sla',
      marker: 'fifteen',
      message: /"fifteen" is not a duration/,
    },
    {
      mistake: 'an unknown strategy',
      text: edit(
        '    assign: { strategy: round_robin, pool: { roles: [buyer_agent] } }',
        '    assign: { strategy: roundrobin, pool: { roles: [buyer_agent] } }',
      ),
      path: 'rules[0].assign.strategy',
      marker: 'roundrobin',
      message: /expected strategy round_robin, broadcast, role, agent, original_agent or escalate/,
    },
    {
      mistake: 'an unknown agent id in a rule',
      text: edit('    fallback: [{ role: isa }]', '    fallback: [{ role: isa }, { agent: U0NOBODY1 }]'),
      path: 'rules[0].fallback[1].agent',
      marker: 'U0NOBODY1',
      message: /U0NOBODY1 is not one of the agents/,
    },
    {
      mistake: 'a duplicate agent id',
      text: edit('  - id: U0IVY0001', '  - id: U0DANA001'),
      path: 'agents[1].id',
      marker: 'id: U0DANA001',
      last: true,
      message: /duplicate agent id U0DANA001/,
    },
    {
      mistake: 'an unknown type in sources',
      text: edit('  zillow: buyer_lead', '  zillow: buyer_leed'),
      path: 'sources.zillow',
      marker: 'buyer_leed',
      message: /unknown type "buyer_leed"/,
    },
    {
      mistake: 'an invalid time zone',
      text: edit('  timezone: America/Chicago', '  timezone: America/Austin'),
      path: 'team.timezone',
      marker: 'America/Austin',
      message: /IANA time zone/,
    },
    {
      mistake: 'a channel name instead of a Slack channel id',
      text: edit('  leaders_channel: C0LEADERS1', "  leaders_channel: '#leaders'"),
      path: 'team.leaders_channel',
      marker: '#leaders',
      message: /Slack channel id/,
    },
    {
      mistake: 'working hours with an end like 6pm',
      text: edit(
        '    weight: 2',
        '    weight: 2\n    working_hours: { days: [mon], start: "09:00", end: 6pm }',
      ),
      path: 'agents[0].working_hours',
      marker: 'working_hours',
      message: /expected \{ days: \[mon, …\], start: "09:00", end: "18:00" \}, a list of those, or always/,
    },
    {
      mistake: 'a rule time window with a misspelt day',
      text: edit(
        '    match: { type: buyer_lead }',
        '    match: { type: buyer_lead, when: { days: [mon, tues], start: "18:00", end: "23:00" } }',
      ),
      path: 'rules[0].match.when',
      marker: 'when:',
      message: /expected \{ days: \[mon, …\], start: "18:00", end: "23:00" \} or a list of those/,
    },
    {
      mistake: 'an on-duty rotation without the date it starts from',
      text: edit('    sla: 5m', '    sla: 5m\n    on_duty: { agents: [U0DANA001], rotate: weekly }'),
      path: 'rules[0].on_duty.from',
      marker: 'on_duty',
      message: /a rotation needs from: the date the first agent in the list starts their turn/,
    },
    {
      mistake: 'an on-duty agent who is not on the team',
      text: edit('    sla: 5m', '    sla: 5m\n    on_duty: { agents: [U0DANA001, U0NOBODY1] }'),
      path: 'rules[0].on_duty.agents[1]',
      marker: 'U0NOBODY1',
      message: /U0NOBODY1 is not one of the agents/,
    },
    {
      mistake: 'a calendar that is not a web address',
      text: edit('    weight: 2', '    weight: 2\n    calendar: webcal.example.com/dana.ics'),
      path: 'agents[0].calendar',
      marker: 'calendar:',
      message: /expected an http\(s\) iCal address/,
    },
    {
      mistake: 'a digest on a day that is not one',
      text: edit('  default_sla: 15m', '  default_sla: 15m\n  digest: { day: someday, time: "08:00" }'),
      path: 'team.digest.day',
      marker: 'someday',
      message: /expected a day of the week such as monday/,
    },
    {
      mistake: 'a digest at a time that is not one',
      text: edit('  default_sla: 15m', '  default_sla: 15m\n  digest: { day: monday, time: "8am" }'),
      path: 'team.digest.time',
      marker: '8am',
      message: /expected a 24-hour time such as 08:30/,
    },
    {
      mistake: 'a retention period in minutes',
      text: edit('  default_sla: 15m', '  default_sla: 15m\n  retention: 90m'),
      path: 'team.retention',
      marker: 'retention: 90m',
      message: /"90m" is not a retention period; write e.g. 2y, 18 months, 26 weeks or 90 days/,
    },
    {
      mistake: 'a signal that does not exist',
      text: `${VALID}signals: { slack_presence: true }\n`,
      path: 'signals.slack_presence',
      marker: 'slack_presence',
      message: /unknown key "slack_presence"/,
    },
  ])('$mistake', ({ text, path, marker, last, message }) => {
    const error = configError(text);
    expect(error.file).toBe('team/dispatch.yml');
    expect(error.problems).toHaveLength(1);
    const [problem] = error.problems;
    const line = lineOf(text, marker, last ? 'last' : 'first');
    expect(problem).toMatchObject({ path, line });
    expect(problem?.message).toMatch(message);
    expect(error.message).toContain(`team/dispatch.yml:${line}:`);
    expect(error.message).toContain(`${path}: `);
  });

  it.each([
    [
      'a mapping nested in a plain value',
      '  leaders_channel: C0LEADERS1',
      '  leaders_channel: C0LEADERS1: x',
      'C0LEADERS1: x',
    ],
    [
      'a duplicate key',
      '  timezone: America/Chicago',
      '  timezone: America/Chicago\n  timezone: UTC',
      'timezone: UTC',
    ],
    ['a tab used for indentation', '    weight: 2', '\tweight: 2', '\tweight'],
  ])(
    'reports a YAML syntax error (%s) at its line, before any schema check',
    (_label, line, replacement, marker) => {
      const text = edit(line, replacement);
      const error = configError(text);
      expect(error.problems[0]).toMatchObject({ path: '', line: lineOf(text, marker) });
      expect(error.message).toMatch(
        /^team\/dispatch\.yml has \d+ problems?:\n {2}team\/dispatch\.yml:\d+:\d+ {2}\S/,
      );
    },
  );

  it('rejects an empty file by naming every missing section', () => {
    expect(configError('').problems.map((p) => p.path)).toEqual(['team', 'agents', 'rules']);
  });

  it('rejects a file whose top level is a list', () => {
    expect(configError('- a\n- b\n').problems[0]?.message).toMatch(/must be a mapping/);
  });

  it('lists several shape mistakes at once, in line order, in one message', () => {
    let text = edit('  timezone: America/Chicago', '  timezone: Mars/Olympus');
    text = edit('    weight: 2', '    weight: -1', text);
    text = edit('    sla: 5m', '    sla: soon', text);
    const error = configError(text);
    expect(error.problems.map((p: ConfigProblem) => [p.path, p.line])).toEqual([
      ['team.timezone', lineOf(text, 'Mars/Olympus')],
      ['agents[0].weight', lineOf(text, 'weight: -1')],
      ['rules[0].sla', lineOf(text, 'sla: soon')],
    ]);
    expect(error.message.split('\n')).toHaveLength(4);
    expect(error.message).toMatch(/^team\/dispatch\.yml has 3 problems:/);
  });

  it('lists several cross-reference mistakes at once', () => {
    let text = edit('  zillow: buyer_lead', '  zillow: buyer_leed');
    text = edit('  - id: U0IVY0001', '  - id: U0DANA001', text);
    text = edit('    fallback: [{ role: isa }]', '    fallback: [{ agent: U0NOBODY1 }]', text);
    expect(configError(text).problems.map((p) => p.path)).toEqual([
      'sources.zillow',
      'agents[1].id',
      'rules[0].fallback[0].agent',
    ]);
  });

  it('lists a shape mistake and a cross-reference mistake together, not only the first', () => {
    // A typo in one place must not hide an unknown agent elsewhere: the user fixes both in one pass.
    let text = edit('    weight: 2', '    weight: two');
    text = edit('    fallback: [{ role: isa }]', '    fallback: [{ agent: U0NOBODY1 }]', text);
    expect(configError(text).problems.map((p) => p.path)).toEqual([
      'agents[0].weight',
      'rules[0].fallback[0].agent',
    ]);
  });
});

describe('loadDispatchConfig', () => {
  it('names the file when it does not exist', () => {
    const missing = join(tmpdir(), 'lead-dispatch-no-such-dir', 'dispatch.yml');
    expect(() => loadDispatchConfig(missing)).toThrow(ConfigError);
    expect(() => loadDispatchConfig(missing)).toThrow(`${missing} has 1 problem`);
    expect(() => loadDispatchConfig(missing)).toThrow(/file not found/);
  });

  it('names the file it read in every problem', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lead-dispatch-config-'));
    const file = join(dir, 'dispatch.yml');
    writeFileSync(file, edit('  timezone: America/Chicago', '  timezone: America/Austin'));
    expect(() => loadDispatchConfig(file)).toThrow(`${file}:3:13  team.timezone:`);
  });
});

describe('readEnv', () => {
  const BOT = 'xoxb-1-2-abc';
  const INTAKE = 'an-intake-secret-0123';
  const SIGNING = '0123456789abcdef0123';
  const valid = { SLACK_BOT_TOKEN: BOT, INTAKE_TOKEN: INTAKE, SLACK_SIGNING_SECRET: SIGNING };

  function problems(env: Record<string, string>): string[] {
    try {
      readEnv(env);
    } catch (error) {
      if (error instanceof EnvError) return error.problems;
      throw error;
    }
    throw new Error('expected the environment to be rejected');
  }

  it('applies the documented defaults', () => {
    expect(readEnv(valid)).toEqual({
      ...valid,
      SLACK_API_URL: 'https://slack.com/api/',
      PORT: 3000,
      DATABASE_PATH: './data/dispatch.db',
      DISPATCH_CONFIG: './dispatch.yml',
      LOG_LEVEL: 'info',
      FUB_API_URL: 'https://api.followupboss.com/v1/',
    });
  });

  it('gives one line per missing variable, each naming it', () => {
    const lines = problems({ SLACK_SIGNING_SECRET: SIGNING });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^SLACK_BOT_TOKEN is required/);
    expect(lines[1]).toMatch(/^INTAKE_TOKEN is required/);
    for (const line of lines) expect(line).not.toContain('\n');
  });

  it('throws an EnvError whose message is just those lines (no stack trace to print)', () => {
    expect(() => readEnv({ SLACK_SIGNING_SECRET: SIGNING })).toThrow(
      /^SLACK_BOT_TOKEN is required[^\n]*\nINTAKE_TOKEN is required[^\n]*$/,
    );
  });

  it.each([
    ['abc', 'PORT must be a port number'],
    ['3.5', 'PORT must be a whole number'],
    ['70000', 'PORT must be a port number between 0 and 65535'],
  ])('rejects PORT=%s', (port, line) => {
    expect(problems({ ...valid, PORT: port })).toEqual([line]);
  });

  it('reads PORT as a number', () => {
    expect(readEnv({ ...valid, PORT: '8080' }).PORT).toBe(8080);
  });

  it.each([
    ['SLACK_BOT_TOKEN', 'xoxp-user-token', /^SLACK_BOT_TOKEN must be a bot token starting with xoxb-/],
    ['INTAKE_TOKEN', 'short', /^INTAKE_TOKEN must be at least 16 characters/],
    ['SLACK_SIGNING_SECRET', 'not-hex!', /^SLACK_SIGNING_SECRET must be the hex signing secret/],
    ['SLACK_APP_TOKEN', 'xoxb-wrong', /^SLACK_APP_TOKEN must be an app-level token starting with xapp-/],
    ['SLACK_API_URL', 'not a url', /^SLACK_API_URL must be a URL/],
    ['LOG_LEVEL', 'loud', /^LOG_LEVEL /],
  ])('rejects a malformed %s with one line naming it', (name, value, line) => {
    const lines = problems({ ...valid, [name]: value });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(line);
  });

  it('adds the trailing slash SLACK_API_URL needs', () => {
    expect(readEnv({ ...valid, SLACK_API_URL: 'http://127.0.0.1:4000/api' }).SLACK_API_URL).toBe(
      'http://127.0.0.1:4000/api/',
    );
    expect(readEnv({ ...valid, SLACK_API_URL: 'http://127.0.0.1:4000/api/' }).SLACK_API_URL).toBe(
      'http://127.0.0.1:4000/api/',
    );
  });

  it('needs the signing secret in HTTP mode', () => {
    expect(problems({ SLACK_BOT_TOKEN: BOT, INTAKE_TOKEN: INTAKE })).toEqual([
      'SLACK_SIGNING_SECRET is required in HTTP mode (or set SLACK_APP_TOKEN to use Socket Mode)',
    ]);
  });

  it('does not need the signing secret when SLACK_APP_TOKEN selects Socket Mode', () => {
    const env = readEnv({ SLACK_BOT_TOKEN: BOT, INTAKE_TOKEN: INTAKE, SLACK_APP_TOKEN: 'xapp-1-A0-abc' });
    expect(env.SLACK_APP_TOKEN).toBe('xapp-1-A0-abc');
    expect(env.SLACK_SIGNING_SECRET).toBeUndefined();
  });

  it('treats an empty variable as unset: the default applies, a required one is reported missing', () => {
    const env = readEnv({ ...valid, PORT: '', SLACK_API_URL: '', DATABASE_PATH: '', SLACK_APP_TOKEN: '' });
    expect(env).toMatchObject({
      PORT: 3000,
      SLACK_API_URL: 'https://slack.com/api/',
      DATABASE_PATH: './data/dispatch.db',
    });
    expect(env.SLACK_APP_TOKEN).toBeUndefined();
    expect(problems({ ...valid, INTAKE_TOKEN: '' })).toEqual([
      expect.stringMatching(/^INTAKE_TOKEN is required/),
    ]);
    expect(problems({ ...valid, SLACK_SIGNING_SECRET: '', SLACK_APP_TOKEN: '' })).toEqual([
      expect.stringMatching(/^SLACK_SIGNING_SECRET is required in HTTP mode/),
    ]);
  });

  it('reports every problem at once', () => {
    expect(problems({ PORT: 'abc' }).map((l) => l.split(' ')[0])).toEqual([
      'SLACK_BOT_TOKEN',
      'PORT',
      'INTAKE_TOKEN',
      'SLACK_SIGNING_SECRET',
    ]);
  });
});
