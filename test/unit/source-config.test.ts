import { describe, expect, it } from 'vitest';
import { configWarnings } from '../../src/config/config-warnings.js';
import {
  ConfigError,
  type ConfigProblem,
  parseDispatchConfig,
  parseDispatchConfigWithWarnings,
} from '../../src/config/load-dispatch.js';
import { classify } from '../../src/core/classify.js';
import { resolveSource, sourceKey } from '../../src/core/sources.js';

/** A small config whose `sources` each test replaces. */
const config = (sources: string) => `team:
  name: Lakeside
  timezone: America/Chicago
  leaders_channel: C0LEADERS1
sources:
${sources}
agents:
  - { id: U0DANA001, name: Dana, roles: [buyer_agent] }
rules:
  - name: buyers
    match: { source: zillow }
    assign: { strategy: round_robin, pool: { roles: [buyer_agent] } }
`;

const MAPPED = `  realtor.com: buyer_lead
  zillow:
    type: buyer_lead
    aliases: ["Zillow Premier Agent", zillow.com]
    secret_env: ZILLOW_INTAKE_SECRET
    secret_in_path: true
    fields: { firstName: contact.first_name, phone: "phones[0].value", externalId: leadId }`;

function problems(text: string): Array<[string, number, string]> {
  try {
    parseDispatchConfig(text);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.map((p: ConfigProblem) => [p.path, p.line, p.message]);
  }
  throw new Error('expected the config to be refused');
}

describe('sources: the short form and the long form', () => {
  it('keeps the short form as a type, and reads the long form beside it', () => {
    const parsed = parseDispatchConfig(config(MAPPED));
    expect(parsed.sources).toEqual({ 'realtor.com': 'buyer_lead', zillow: 'buyer_lead' });
    expect(parsed.source_settings.zillow).toEqual({
      type: 'buyer_lead',
      aliases: ['Zillow Premier Agent', 'zillow.com'],
      secret_env: 'ZILLOW_INTAKE_SECRET',
      secret_in_path: true,
      fields: { firstName: 'contact.first_name', phone: 'phones[0].value', externalId: 'leadId' },
    });
    expect(parsed.source_settings['realtor.com']).toMatchObject({ type: 'buyer_lead', aliases: [] });
  });

  it.each(['Zillow Premier Agent', 'zillow-premier-agent', 'ZILLOW', 'Zillow.com', ' zillow '])(
    '%j is the zillow source, and classified by it',
    (sent) => {
      const parsed = parseDispatchConfig(config(MAPPED));
      expect(resolveSource(parsed, sent).name).toBe('zillow');
      expect(classify({ source: sent }, parsed).type).toBe('buyer_lead');
    },
  );

  it('matches without case or punctuation, and leaves an unknown source as sent, lower case', () => {
    const parsed = parseDispatchConfig(config(MAPPED));
    expect(resolveSource(parsed, 'Realtor_com').name).toBe('realtor.com');
    expect(resolveSource(parsed, 'Homes.com')).toEqual({ name: 'homes.com' });
    expect(sourceKey('Zillow Premier Agent')).toBe(sourceKey('zillow_premier-agent'));
  });

  it.each([
    ['email', ''],
    ['E-Mail', ''],
    ['phone_number', ''],
    ['lead_contact', ', fields: { phone: lead_contact.cell }'],
  ])('refuses a honeypot named %j, a field intake reads: real leads would be dropped', (name, more) => {
    const text = config(`  website: { type: seller_lead, honeypot: "${name}"${more} }`);
    expect(problems(text)).toEqual([
      [
        'sources.website.honeypot',
        6,
        'honeypot names a field intake reads as part of a lead, so real leads would be dropped as bots; pick a name people never fill, such as company_url',
      ],
    ]);
    expect(
      parseDispatchConfig(config('  website: { type: seller_lead, honeypot: company_url }')),
    ).toMatchObject({
      source_settings: { website: { honeypot: 'company_url' } },
    });
  });

  it('names each mistake in the long form with its path and line', () => {
    const text = config(`  zillow:
    type: buyer_leed
    aliases: [zillow.com]
    secret_env: "not a variable"
    secret_in_path: yes please
    fields: { firstname: contact.first_name, phone: "phones[0" }
  trulia: { type: buyer_lead, aliases: [Zillow.com], secret_in_path: true }`);
    expect(problems(text)).toEqual([
      ['sources.zillow', 7, 'unknown type "buyer_leed"'],
      [
        'sources.zillow.secret_env',
        9,
        'expected the name of an environment variable such as ZILLOW_INTAKE_SECRET (put the secret itself in the environment)',
      ],
      ['sources.zillow.secret_in_path', 10, 'must be true or false'],
      ['sources.zillow.fields.firstname', 11, 'unknown key "firstname"'],
      [
        'sources.zillow.fields.phone',
        11,
        'expected a path into the sender\'s body, such as contact.first_name, "phones[0].value" or cell_phone_1',
      ],
      [
        'sources.trulia.aliases[0]',
        12,
        '"Zillow.com" already names source zillow; a name may mean one source',
      ],
      [
        'sources.trulia.secret_in_path',
        12,
        "secret_in_path needs secret_env: the environment variable that holds this source's secret",
      ],
    ]);
  });

  it("warns when a source's secret variable is unset or too short, and only when check-config knows the environment", () => {
    const text = config(MAPPED);
    const env = (values: Record<string, string>) => (name: string) => values[name];
    const warned = (values: Record<string, string>) =>
      parseDispatchConfigWithWarnings(text, 'dispatch.yml', env(values)).warnings.map((w) => [
        w.path,
        w.line,
        w.message,
      ]);
    expect(warned({})).toEqual([
      [
        'sources.zillow.secret_env',
        10,
        'ZILLOW_INTAKE_SECRET is not set, so POST /leads/zillow takes only INTAKE_TOKEN and a secret in its path is refused until it is',
      ],
    ]);
    expect(warned({ ZILLOW_INTAKE_SECRET: 'short' })[0]?.[2]).toContain('shorter than 16 characters');
    expect(warned({ ZILLOW_INTAKE_SECRET: 'a-long-enough-zillow-secret' })).toEqual([]);
    expect(configWarnings(parseDispatchConfig(text))).toEqual([]);
  });

  it('does not call a rule source a typo when it is a long-form source without a type, or an alias', () => {
    const text = config(`  zillow: { aliases: [zillow.com] }`).replace(
      'source: zillow',
      'source: [zillow, Zillow.com]',
    );
    expect(configWarnings(parseDispatchConfig(text))).toEqual([]);
  });
});
