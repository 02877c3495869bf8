import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { configWarnings } from '../../src/config/config-warnings.js';
import {
  loadDispatchConfigWithWarnings,
  parseDispatchConfig,
  parseDispatchConfigWithWarnings,
} from '../../src/config/load-dispatch.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLE = join(ROOT, 'dispatch.example.yml');

/** A team of one buyer agent and one ISA (plus `extraAgents`), routed by `rules`. */
function config(rules: string, extraAgents = ''): string {
  return `team:
  name: Lakeside
  timezone: America/Chicago
  leaders_channel: C0LEADERS1
sources: { zillow: buyer_lead, realtor.com: buyer_lead }
agents:
  - id: U0DANA001
    name: Dana
    roles: [buyer_agent]
  - id: U0IVY0001
    name: Ivy
    roles: [isa]
${extraAgents}rules:
${rules}`;
}

/** The 1-based line of the first line containing `needle`. */
function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((l) => l.includes(needle));
  if (index < 0) throw new Error(`no ${needle} in the config`);
  return index + 1;
}

interface Case {
  kind: string;
  yaml: string;
  /** The warnings expected, given a function from a needle to its line. */
  want: (at: (needle: string) => number) => Array<{ line: number; path: string; message: string }>;
}

const CASES: Case[] = [
  {
    kind: 'a rule an earlier one shadows (source compared trimmed and case-insensitively)',
    yaml: config(`  - name: portal
    match: { type: buyer_lead, source: [Zillow, realtor.com] }
    assign: { strategy: round_robin, pool: { roles: [buyer_agent] } }
    fallback: [{ role: isa }]
  - name: zillow-only
    match: { type: buyer_lead, source: " zillow " }
    assign: { strategy: round_robin, pool: { roles: [isa] } }
`),
    want: (at) => [
      {
        line: at('- name: zillow-only'),
        path: 'rules[1]',
        message: `rule zillow-only can never match: rule portal (line ${at('- name: portal')}) comes first and matches every task it would`,
      },
    ],
  },
  {
    kind: 'a rule source the sources map never names (a typo)',
    yaml: config(`  - name: portal
    match: { type: buyer_lead, source: [zilow, realtor.com] }
    assign: { strategy: round_robin, pool: { roles: [buyer_agent] } }
    fallback: [{ role: isa }]
`),
    want: (at) => [
      {
        line: at('source: [zilow'),
        path: 'rules[0].match.source[0]',
        message:
          'source "zilow" is not in sources:, so only leads sent with an explicit type can match rule portal; check the spelling',
      },
    ],
  },
  {
    kind: 'a rule after one with an empty match',
    yaml: config(`  - name: manual-review
    assign: { strategy: escalate }
  - name: buyers
    match: { type: buyer_lead }
    assign: { strategy: round_robin, pool: { roles: [buyer_agent] } }
    fallback: [{ role: isa }]
`),
    want: (at) => [
      {
        line: at('- name: buyers'),
        path: 'rules[1]',
        message: `rule manual-review (line ${at('- name: manual-review')}) matches every task, so rule buyers after it never runs`,
      },
    ],
  },
  {
    kind: 'a pool with no active agent',
    yaml: config(
      `  - name: buyers
    match: { type: buyer_lead }
    assign: { strategy: broadcast, pool: { agents: [U0ROB0001] } }
    fallback: [{ role: buyer_agent }, { role: isa }]
`,
      `  - id: U0ROB0001
    name: Rob
    roles: [buyer_agent]
    active: false
`,
    ),
    want: (at) => [
      {
        line: at('pool: { agents'),
        path: 'rules[0].assign.pool',
        message: 'rule buyers: no agent in its broadcast pool is active',
      },
    ],
  },
  {
    kind: 'an active agent no rule can reach (original_agent does not count)',
    yaml: config(
      `  - name: buyers
    match: { type: buyer_lead }
    assign: { strategy: round_robin, pool: { roles: [buyer_agent] } }
    fallback: [{ role: isa }]
  - name: referral
    match: { type: referral }
    assign: { strategy: original_agent }
`,
      `  - id: U0ALMA001
    name: Alma
    roles: [admin]
`,
    ),
    want: (at) => [
      {
        line: at('id: U0ALMA001'),
        path: 'agents[2].id',
        message: "Alma (U0ALMA001) is active but in no rule's pool, role, backup, on-duty or notify list",
      },
    ],
  },
  {
    kind: 'a role named but held by no active agent',
    yaml: config(`  - name: buyers
    match: { type: buyer_lead }
    assign: { strategy: round_robin, pool: { roles: [buyer_agent] } }
    fallback: [{ role: isa }]
    notify: [{ role: team_leader, via: cc }]
`),
    want: (at) => [
      {
        line: at('notify:'),
        path: 'rules[0].notify[0].role',
        message: 'rule buyers: no active agent holds role team_leader, so nobody gets this notice',
      },
    ],
  },
  {
    kind: 'a backup chain that loops',
    yaml: config(`  - name: buyers
    match: { type: buyer_lead }
    assign: { strategy: round_robin, pool: { roles: [buyer_agent] } }
    fallback: [{ rule: isa-first }]
  - name: isa-first
    match: { type: seller_lead }
    assign: { strategy: round_robin, pool: { roles: [isa] } }
    fallback: [{ role: buyer_agent }, { rule: buyers }]
`),
    want: (at) => [
      {
        line: at('fallback: [{ rule: isa-first }]'),
        path: 'rules[0].fallback[0]',
        message: 'the backup chain buyers → isa-first → buyers loops back; the repeat is skipped at run time',
      },
    ],
  },
];

/** Configs that look close to a warning but must not raise one. */
const QUIET: Array<{ kind: string; yaml: string }> = [
  {
    kind: 'an earlier rule with a criterion the later one lacks (price) does not shadow it',
    yaml: config(`  - name: luxury
    match: { type: buyer_lead, price: { min: 1000000 } }
    assign: { strategy: round_robin, pool: { roles: [isa] } }
  - name: buyers
    match: { type: buyer_lead }
    assign: { strategy: round_robin, pool: { roles: [buyer_agent] } }
`),
  },
  {
    kind: 'an earlier tag list that misses one of the later tags does not shadow it',
    yaml: config(`  - name: open-house
    match: { tags: [open_house] }
    assign: { strategy: round_robin, pool: { roles: [isa] } }
  - name: events
    match: { tags: [open_house, webinar] }
    assign: { strategy: round_robin, pool: { roles: [buyer_agent] } }
`),
  },
];

describe('configWarnings', () => {
  it.each(CASES)('warns about $kind, at its line', ({ yaml, want }) => {
    const { warnings } = parseDispatchConfigWithWarnings(yaml, 'team/dispatch.yml');
    expect(warnings.map(({ line, path, message }) => ({ line, path, message }))).toEqual(
      want((needle) => lineOf(yaml, needle)),
    );
  });

  it.each(QUIET)('stays quiet about $kind', ({ yaml }) => {
    expect(parseDispatchConfigWithWarnings(yaml).warnings).toEqual([]);
  });

  it('names the earlier rule without a line when called without the file', () => {
    const first = CASES[0];
    if (!first) throw new Error('no cases');
    expect(configWarnings(parseDispatchConfig(first.yaml))).toEqual([
      {
        path: ['rules', 1],
        message: 'rule zillow-only can never match: rule portal comes first and matches every task it would',
      },
    ]);
  });

  it('names each active agent Follow Up Boss could not find when they claim, with the line', () => {
    const rules = `  - name: all
    assign: { strategy: round_robin, pool: { roles: [buyer_agent, isa] } }
`;
    const yaml = `${config(rules)}crm:
  followupboss: { task_on_claim: true }
`.replace('    name: Ivy\n', '    name: Ivy\n    email: ivy@lakeside.example\n');
    expect(parseDispatchConfigWithWarnings(yaml).warnings).toEqual([
      {
        path: 'agents[0]',
        line: lineOf(yaml, 'id: U0DANA001'),
        column: 5,
        message:
          'agent Dana has no email:, so Follow Up Boss cannot be told when they claim (crm.followupboss assign_on_claim and task_on_claim); add the email they sign in to Follow Up Boss with',
      },
    ]);
    const quiet = yaml.replace('{ task_on_claim: true }', '{ assign_on_claim: false }');
    expect(parseDispatchConfigWithWarnings(quiet).warnings).toEqual([]);
  });

  it('finds nothing wrong in dispatch.example.yml', () => {
    expect(loadDispatchConfigWithWarnings(EXAMPLE).warnings).toEqual([]);
  });
});

describe('lead-dispatch check-config', () => {
  it('prints each warning with its line, then the valid line with the count, and exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lead-dispatch-check-'));
    const file = join(dir, 'dispatch.yml');
    const yaml = config(
      `  - name: everything
    assign: { strategy: escalate }
  - name: buyers
    match: { type: buyer_lead }
    assign: { strategy: round_robin, pool: { roles: [buyer_agent] } }
    fallback: [{ role: isa }]
`,
      `  - id: U0ALMA001
    name: Alma
    roles: [admin]
`,
    );
    writeFileSync(file, yaml);
    const tsx = join(ROOT, 'node_modules/.bin/tsx');
    // execFile rejects on a non-zero exit, so resolving is the exit-code-0 assertion.
    const { stdout } = await promisify(execFile)(tsx, ['src/cli.ts', 'check-config', file], { cwd: ROOT });
    const rule = (name: string) => lineOf(yaml, `- name: ${name}`);
    expect(stdout.split('\n')).toEqual([
      `warning: ${file}:${lineOf(yaml, 'id: U0ALMA001')}:9 agents[2].id: Alma (U0ALMA001) is active but in no rule's pool, role, backup, on-duty or notify list`,
      `warning: ${file}:${rule('buyers')}:5 rules[1]: rule everything (line ${rule('everything')}) matches every task, so rule buyers after it never runs`,
      `${file} is valid: 3 agents, 2 rules, 2 warnings`,
      '',
    ]);
  });
});
