import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/crm/fub/cli.js';
import { simulateCommand } from '../../src/simulate/command.js';
import { EXAMPLE_CONFIG, LEADERS, useHarness, zillowLead } from '../support/harness.js';
import { playScenario, SCENARIO_SINCE, SCENARIO_START, SCENARIO_UNTIL } from '../support/report-scenario.js';
import { DANA, LEE } from '../support/team.js';

function simulate(dbPath: string, ...args: string[]) {
  return simulateWith({ DATABASE_PATH: dbPath }, ...args);
}

function simulateWith(env: Record<string, string>, ...args: string[]) {
  let out = '';
  let err = '';
  const io: CliIo = {
    env,
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
    // An exception (no rule matches) that Lee assigns to Dana: the rules' decision was the leaders.
    const exception = await h.postLead(zillowLead({ source: 'relocation_partner', type: 'relocation' }));
    const exceptionId = ((await exception.json()) as { id: number }).id;
    const escalation = await h.double.waitForPost({ to: LEADERS, textIncludes: `#${exceptionId}` });
    h.clock.advance('1m');
    await h.slack.selectUser({
      user: LEE,
      message: escalation,
      actionId: 'escalation_assign',
      selectedUser: DANA,
    });
    await h.double.waitForPost({ to: DANA, textIncludes: `#${exceptionId}` });
    await h.double.waitForUpdate(escalation, 'assigned');
    await h.settle();
    h.double.markAllSeen();

    const period = ['--since', SCENARIO_SINCE, '--until', SCENARIO_UNTIL];
    const same = simulate(h.dbPath, '--config', EXAMPLE_CONFIG, ...period);
    expect(same.err).toBe('');
    expect(same.code).toBe(0);
    expect(same.out).toContain(
      `What-if: 5 leads stored 2026-11-25 to 2026-11-26 (America/Chicago), replayed through ${EXAMPLE_CONFIG}`,
    );
    // The same rules decide the same, like with like: the lead held overnight is held then and now
    // (the replay releases it at 7:00, when the ISA starts; the test's app was swept at 8:40), and
    // the exception went to the leaders then and now (Lee's Assign to… is not the rules' offer).
    expect(same.out).toContain(
      '  #1    Nov 25, 6:00 AM  web-buyer-lead → held, then Dana Reyes → Dana Reyes  web-buyer-lead → held, then Ivy Chen',
    );
    expect(same.out).toContain(
      '  #3    Nov 25, 8:51 AM  portal-buyer-lead → Priya Nair → Ivy Chen            portal-buyer-lead → Priya Nair',
    );
    expect(same.out).toMatch(
      new RegExp(
        `  #${exceptionId} +Nov 25, \\d+:\\d+ AM +manual-review → exception → unclaimed +manual-review → exception\n`,
      ),
    );
    expect(same.out).toContain('0 of 5 leads would be offered first to someone else (marked *).');

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
    expect(json.changed).toBe(2);
    expect(json.leads.every((l) => !l.would.firstOffer.includes(DANA))).toBe(true);
    // The held lead is held then and now, whoever the release reaches.
    expect(json.leads.filter((l) => l.changed).map((l) => l.did.firstOffer)).toEqual([[DANA], [DANA]]);
    expect(json.agents.find((a) => a.id === DANA)).toMatchObject({ did: 3, would: 0 });
    const text = simulate(h.dbPath, '--config', proposed, ...period).out;
    expect(text).toContain('2 of 5 leads would be offered first to someone else (marked *).');
    expect(text).toMatch(/Dana Reyes\s+3\s+0\n/);
  });

  it('reads DISPATCH_CONFIG without --config, as report does', async () => {
    const period = ['--since', SCENARIO_SINCE, '--until', SCENARIO_UNTIL];
    const run = simulateWith({ DATABASE_PATH: h.dbPath, DISPATCH_CONFIG: EXAMPLE_CONFIG }, ...period);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain(`replayed through ${EXAMPLE_CONFIG}`);
  });

  it('says what it needs, --since included, when given neither leads nor a period', () => {
    const bad = simulateWith({ DATABASE_PATH: h.dbPath }, '--config', EXAMPLE_CONFIG);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain(
      "simulate needs --config <dispatch.yml> and --leads <file.csv|file.json>, or --since 30d to replay the database's leads",
    );
  });

  it('answers a period it cannot read with what it takes', async () => {
    const bad = simulate(h.dbPath, '--config', EXAMPLE_CONFIG, '--since', 'last tuesday');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--since and --until take 30d, 2026-11-01 or an ISO time');
  });
});
