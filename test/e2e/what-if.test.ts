import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/crm/fub/cli.js';
import { simulateCommand } from '../../src/simulate/command.js';
import { EXAMPLE_CONFIG, useHarness } from '../support/harness.js';
import { playScenario, SCENARIO_SINCE, SCENARIO_START, SCENARIO_UNTIL } from '../support/report-scenario.js';
import { DANA } from '../support/team.js';

function simulate(dbPath: string, ...args: string[]) {
  let out = '';
  let err = '';
  const io: CliIo = {
    env: { DATABASE_PATH: dbPath },
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
  };
  const code = simulateCommand(args, 'usage', io, new Date('2026-11-26T12:00:00Z'));
  return { code, out, err };
}

describe('simulate: what-if on the real history', () => {
  const h = useHarness({ now: SCENARIO_START });

  it('replays the period through a config and shows who would have got each lead beside who did', async () => {
    await playScenario(h);
    const period = ['--since', SCENARIO_SINCE, '--until', SCENARIO_UNTIL];
    const same = simulate(h.dbPath, '--config', EXAMPLE_CONFIG, ...period);
    expect(same.err).toBe('');
    expect(same.code).toBe(0);
    expect(same.out).toContain(
      `What-if: 4 leads stored 2026-11-25 to 2026-11-26 (America/Chicago), replayed through ${EXAMPLE_CONFIG}`,
    );
    // The current rules give the same first offers, except the lead held overnight: the replay
    // releases it at 7:00, when the ISA starts, where the test's app was first swept at 8:40.
    expect(same.out).toContain(
      '* #1    Nov 25, 6:00 AM  web-buyer-lead → Dana Reyes → Dana Reyes     web-buyer-lead → held, then Ivy Chen',
    );
    expect(same.out).toContain(
      '  #3    Nov 25, 8:51 AM  portal-buyer-lead → Priya Nair → Ivy Chen    portal-buyer-lead → Priya Nair',
    );
    expect(same.out).toContain('1 of 4 leads would be offered first to someone else (marked *).');

    // A proposal: Dana leaves. Every lead she was offered first would now go to someone else.
    const dir = mkdtempSync(join(tmpdir(), 'what-if-'));
    const proposed = join(dir, 'proposed.yml');
    writeFileSync(
      proposed,
      readFileSync(EXAMPLE_CONFIG, 'utf8').replace(
        '      weight: 2,\n',
        '      weight: 2,\n      active: false,\n',
      ),
    );
    const json = JSON.parse(simulate(h.dbPath, '--config', proposed, ...period, '--json').out) as {
      changed: number;
      leads: Array<{
        taskId: number;
        did: { firstOffer: string[] };
        would: { firstOffer: string[] };
        changed: boolean;
      }>;
      agents: Array<{ id: string; did: number; would: number }>;
    };
    expect(json.changed).toBe(3);
    expect(json.leads.every((l) => !l.would.firstOffer.includes(DANA))).toBe(true);
    expect(json.leads.filter((l) => l.changed).map((l) => l.did.firstOffer)).toEqual([
      [DANA],
      [DANA],
      [DANA],
    ]);
    expect(json.agents.find((a) => a.id === DANA)).toMatchObject({ did: 3, would: 0 });
    const text = simulate(h.dbPath, '--config', proposed, ...period).out;
    expect(text).toContain('3 of 4 leads would be offered first to someone else (marked *).');
    expect(text).toMatch(/Dana Reyes\s+3\s+0\n/);
  });

  it('answers a period it cannot read with what it takes', async () => {
    const bad = simulate(h.dbPath, '--config', EXAMPLE_CONFIG, '--since', 'last tuesday');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--since and --until take 30d, 2026-11-01 or an ISO time');
  });
});
