import { readFileSync } from 'node:fs';
import { parseDispatchConfig } from '../../src/config/load-dispatch.js';
import { EXAMPLE_CONFIG } from './harness.js';

export const ZILLOW_SECRET = 'zillow-secret-0123456789abcdef';
export const KVCORE_SECRET = 'kvcore-secret-0123456789abcdef';
export const SITE_SECRET = 'site-secret-0123456789abcdef';

/** The example's rules, with three sources set up the way the README's "Connect your CRM" shows. */
export const SOURCES_YAML = readFileSync(EXAMPLE_CONFIG, 'utf8').replace(
  '  zillow: buyer_lead\n',
  `  zillow:
    type: buyer_lead
    aliases: ["Zillow Premier Agent", zillow.com]
    secret_env: ZILLOW_INTAKE_SECRET
    fields: { firstName: contact.first_name, lastName: contact.last_name }
  kvcore: { secret_env: KVCORE_INTAKE_SECRET }
  website: { type: buyer_lead, secret_env: SITE_INTAKE_SECRET, secret_in_path: true, honeypot: company_url }
`,
);

export const SOURCES_CONFIG = parseDispatchConfig(SOURCES_YAML);

export const SOURCE_SECRETS = {
  ZILLOW_INTAKE_SECRET: ZILLOW_SECRET,
  KVCORE_INTAKE_SECRET: KVCORE_SECRET,
  SITE_INTAKE_SECRET: SITE_SECRET,
};
