import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDispatchConfig } from '../../src/config/load-dispatch.js';
import {
  diffConfigs,
  needsRestart,
  nothingChanged,
  refusedText,
  reloadedLine,
} from '../../src/core/config-diff.js';
import { EXAMPLE_CONFIG } from '../support/harness.js';

const text = readFileSync(EXAMPLE_CONFIG, 'utf8');
const before = parseDispatchConfig(text);
const edited = (from: string, to: string) => {
  if (!text.includes(from)) throw new Error(`example has no ${from}`);
  return parseDispatchConfig(text.replace(from, to));
};

describe('what changed between two dispatch.yml files', () => {
  it('finds nothing in the same file', () => {
    const changes = diffConfigs(before, parseDispatchConfig(text));
    expect(nothingChanged(changes)).toBe(true);
    expect(reloadedLine(before, changes, [])).toBe(
      'dispatch.yml reloaded (9 agents, 9 rules): no changes. Leads already in flight keep their rule and chain.',
    );
  });

  it('names agents changed, rules changed and other sections, at a glance', () => {
    const after = edited('name: Marco Silva', 'name: Marco Silva Jr');
    const changes = diffConfigs(before, after);
    expect(changes.agentsChanged).toEqual(['Marco Silva Jr']);
    const team = diffConfigs(before, edited('default_sla: 15m', 'default_sla: 20m'));
    expect(team.sections).toEqual(['team']);
    expect(nothingChanged(team)).toBe(false);
  });

  it('names added and removed agents and rules, and a reorder of the rules (first match wins)', () => {
    const after = structuredClone(before);
    after.agents = after.agents.filter((a) => a.name !== 'Rob Former');
    after.agents.push({
      ...after.agents[0],
      id: 'U0NINA001',
      name: 'Nina Park',
    } as (typeof after.agents)[number]);
    const [first, second, ...rest] = after.rules;
    if (!first || !second) throw new Error('the example has rules');
    after.rules = [second, first, ...rest.filter((r) => r.name !== 'post-close')];
    const changes = diffConfigs(before, after);
    expect(changes).toMatchObject({
      agentsAdded: ['Nina Park'],
      agentsRemoved: ['Rob Former'],
      rulesRemoved: ['post-close'],
      rulesReordered: true,
    });
    expect(reloadedLine(after, changes, [])).toBe(
      'dispatch.yml reloaded (9 agents, 8 rules): agents added: Nina Park; agents removed: Rob Former; rules removed: post-close; rules reordered. Leads already in flight keep their rule and chain.',
    );
  });

  it('says which parts need a restart: a CRM or a reply provider connected at start', () => {
    const started = { followUpBoss: false, replyChannels: new Set<string>() };
    expect(needsRestart(started, before)).toEqual([]);
    const replying = structuredClone(before);
    const rule = replying.rules[1];
    if (!rule) throw new Error('the example has rules');
    rule.reply = { when: 'claim', by: ['sms'], text: 'Hi' } as typeof rule.reply;
    expect(needsRestart(started, replying)).toEqual([
      expect.stringMatching(/^a rule now replies by sms, whose provider is connected at start: restart/),
    ]);
    expect(needsRestart({ followUpBoss: true, replyChannels: new Set(['sms']) }, replying)).toEqual([
      'crm.followupboss was removed: Follow Up Boss stays connected (as last configured) until a restart',
    ]);
  });

  it('lists at most 20 problems of a refused file', () => {
    const problems = Array.from({ length: 23 }, (_, i) => `dispatch.yml:${i + 1}:1  x: bad`);
    const note = refusedText('dispatch.yml', problems);
    expect(note).toMatch(/^dispatch\.yml was changed but not reloaded: dispatch\.yml has 23 problems/);
    expect(note).toContain('• dispatch.yml:20:1  x: bad\n…and 3 more');
    expect(note).not.toContain('dispatch.yml:21:1');
  });
});
