import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/crm/fub/cli.js';
import { migrateDatabase, openDatabase } from '../../src/db/connection.js';
import { reportCommand } from '../../src/reports/cli.js';
import { indexReportFacts, readLeadFacts } from '../../src/reports/facts-store.js';
import { EXAMPLE_CONFIG, useHarness, zillowLead } from '../support/harness.js';
import {
  HEADLINE,
  playScenario,
  SCENARIO_SINCE,
  SCENARIO_START,
  SCENARIO_UNTIL,
} from '../support/report-scenario.js';
import { DANA, LEE } from '../support/team.js';

function runReport(dbPath: string, ...args: string[]) {
  let out = '';
  let err = '';
  const io: CliIo = {
    env: { DATABASE_PATH: dbPath, DISPATCH_CONFIG: EXAMPLE_CONFIG },
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
  };
  const code = reportCommand(args, io, new Date('2026-11-26T12:00:00Z'));
  return { code, out, err };
}

const period = ['--since', SCENARIO_SINCE, '--until', SCENARIO_UNTIL];

describe('reports over a known history', () => {
  const h = useHarness({ now: SCENARIO_START });

  it('reads the same facts whether the engine has reduced the leads, some of them, or none', async () => {
    await playScenario(h);
    await h.settle();
    const db = h.server.ctx.db.$client;
    const since = new Date(SCENARIO_START);
    const until = new Date('2026-11-26T12:00:00Z');
    db.exec('delete from report_facts; delete from report_cursor');
    const live = readLeadFacts(db, since, until);
    // The whole-period read a report falls back on far behind the indexer.
    expect(readLeadFacts(db, since, until, { unindexedLimit: 0 })).toEqual(live);
    // Half the events reduced: the leads they touched come from report_facts, the rest live.
    const events = db.prepare('select count(*) from events').pluck().get() as number;
    indexReportFacts(db, Math.floor(events / 2));
    expect(readLeadFacts(db, since, until)).toEqual(live);
    while (indexReportFacts(db, 7) > 0);
    const stored = db.prepare('select count(*) from report_facts').pluck().get() as number;
    expect(stored).toBeGreaterThanOrEqual(live.length);
    expect(readLeadFacts(db, since, until)).toEqual(live);
    // What the scenario shows, so the comparison is not of empty lists.
    expect(live.map((l) => [l.merged, l.claimedAt !== null, l.escalation, l.passReasons])).toEqual([
      [false, true, null, []],
      [false, true, null, []],
      [false, true, null, ['wrong_area']],
      [false, true, 'taken', []],
    ]);
    // A lead's later event makes it stale: read live again until the indexer passes.
    h.clock.advance('1m');
    const [held] = live;
    if (!held) throw new Error('no lead');
    db.prepare(
      "insert into events (task_id, kind, actor, at, detail) values (?, 'contacted', 'system', ?, '{}')",
    ).run(held.id, h.clock.now().getTime());
    const after = readLeadFacts(db, since, until);
    expect(after[0]?.contactedAt).toBe(h.clock.now().getTime());
    while (indexReportFacts(db, 500) > 0);
    expect(readLeadFacts(db, since, until)).toEqual(after);
  });

  it('lead-dispatch report prints the research table: this period, the previous one, the manual baseline', async () => {
    await playScenario(h);
    const { code, out, err } = runReport(h.dbPath, ...period);
    expect(err).toBe('');
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines[0]).toBe(
      'Lakeside Realty Group: 2026-11-25 (1 day, America/Chicago), beside the 1 day before',
    );
    expect(lines[2]).toBe('measure                        this period  previous period  manual baseline');
    expect(lines.slice(3, 3 + HEADLINE.length)).toEqual(HEADLINE);
    expect(out).toContain('Pass reasons: wrong area 1\n');
    expect(out).toContain(
      [
        'agent        offers  claims  passes  wrong area/price  lapsed  offer → claim, median',
        'Dana Reyes   3       2       0       0                 1       45 s',
        'Ivy Chen     2       1       0       0                 1       2 min',
        'Priya Nair   2       0       1       1                 1       –',
        'Marco Silva  1       0       0       0                 1       –',
        'Lee Walker   0       1       0       0                 0       –',
      ].join('\n'),
    );
    expect(out).toContain(
      [
        'rule               agent        first offers  share  weight share',
        'portal-buyer-lead  Dana Reyes   2             67%    50%',
        'portal-buyer-lead  Marco Silva  0             0%     25%',
        'portal-buyer-lead  Priya Nair   1             33%    25%',
        'web-buyer-lead     Dana Reyes   1             100%   50%',
        'web-buyer-lead     Marco Silva  0             0%     25%',
        'web-buyer-lead     Priya Nair   0             0%     25%',
      ].join('\n'),
    );
  });

  it('--csv and --json carry the same figures as numbers (seconds, fractions)', async () => {
    await playScenario(h);
    const csv = runReport(h.dbPath, ...period, '--csv')
      .out.trim()
      .split('\n');
    expect(csv[0]).toBe('measure,this_period,previous_period,manual_baseline');
    expect(csv).toEqual(
      expect.arrayContaining([
        'leads,4,0,',
        'time_to_dispatch_median_s,0,,45–180 min',
        'time_to_dispatch_p90_s,9600,,',
        'time_to_claim_median_s,750,,',
        'time_to_claim_p90_s,9660,,',
        'time_to_contact_median_s,120,,127 min',
        'time_to_contact_p90_s,600,,',
        'sla_first_offer,0.5,,',
        'sla_chain,0.75,,',
        'redispatches_per_lead,1,,',
        'misassigned,0.25,,8–15%',
        'escalated_taken,1,0,',
        'held,1,0,',
        'hold_median_s,9600,,',
        'lapses,4,0,',
        'duplicates,1,0,',
      ]),
    );
    const json = JSON.parse(runReport(h.dbPath, ...period, '--json').out) as {
      measures: Record<string, { this: number | null; previous: number | null; baseline: string | null }>;
      passReasons: Record<string, number>;
      agents: Array<{ agentId: string; offers: number; claims: number; lapses: number }>;
    };
    expect(json.measures.time_to_claim_median_s).toEqual({ this: 750, previous: null, baseline: null });
    expect(json.measures.misassigned).toEqual({ this: 0.25, previous: null, baseline: '8–15%' });
    expect(json.measures.sla_first_offer?.this).toBe(0.5);
    expect(json.passReasons).toEqual({ wrong_area: 1 });
    expect(json.agents.find((a) => a.agentId === DANA)).toMatchObject({ offers: 3, claims: 2, lapses: 1 });
  });

  it('--by source, day and agent group the same figures', async () => {
    await playScenario(h);
    const bySource = runReport(h.dbPath, ...period, '--by', 'source', '--csv')
      .out.trim()
      .split('\n');
    const header = bySource[0]?.split(',') ?? [];
    const col = (row: string | undefined, key: string) => row?.split(',')[header.indexOf(key)];
    const zillow = bySource.find((r) => r.startsWith('zillow,'));
    const idx = bySource.find((r) => r.startsWith('idx_form,'));
    expect(col(zillow, 'leads')).toBe('3');
    expect(col(zillow, 'sla_first_offer')).toBe(String(1 / 3));
    expect(col(zillow, 'escalated')).toBe('1');
    expect(col(idx, 'held')).toBe('1');
    expect(col(idx, 'time_to_claim_median_s')).toBe('9660');
    expect(runReport(h.dbPath, ...period, '--by', 'day').out).toMatch(/\n2026-11-25\s+4\s/);
    const agents = runReport(h.dbPath, ...period, '--by', 'agent', '--csv')
      .out.trim()
      .split('\n');
    expect(agents).toContain(`${LEE},Lee Walker,0,1,0,0,0,,`);
    expect(agents).toContain(`${DANA},Dana Reyes,3,2,0,0,1,45,60`);
  });

  it('refuses bad options with usage, and reads an empty period as zeros', async () => {
    const bad = runReport(h.dbPath, '--by', 'colour');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--by takes one of source, rule, type, agent, day, not "colour"');
    const backwards = runReport(h.dbPath, '--since', '2026-11-26', '--until', '2026-11-25');
    expect(backwards.code).toBe(2);
    expect(backwards.err).toContain('since before until');
    const badUntil = runReport(h.dbPath, '--until', 'next week');
    expect(badUntil.code).toBe(2);
    expect(badUntil.err).toContain('--until "next week" is not a duration, a day or an ISO time');
    // A duration in --since counts back from --until, as the README says.
    const back = JSON.parse(
      runReport(h.dbPath, '--since', '2d', '--until', '2026-11-20T06:00:00Z', '--json').out,
    );
    expect([back.since, back.until]).toEqual(['2026-11-18T06:00:00.000Z', '2026-11-20T06:00:00.000Z']);
    const empty = runReport(h.dbPath, '--since', '7d');
    expect(empty.code).toBe(0);
    expect(empty.out).toContain('Leads received                 0            0');
  });

  it('refuses a missing database in one line, creating nothing', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'report-')), 'typo');
    const missing = join(dir, 'dispatch.db');
    const { code, out, err } = runReport(missing);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toBe(
      `lead-dispatch: no database at ${missing} (set DATABASE_PATH to the app's database file)\n`,
    );
    expect(existsSync(dir)).toBe(false);
  });

  it('reads an older schema without migrating it, and says it is older', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'report-')), 'old.db');
    const db = openDatabase(path);
    migrateDatabase(db);
    db.$client.exec(
      'delete from __drizzle_migrations where created_at = (select max(created_at) from __drizzle_migrations)',
    );
    db.$client.close();
    const { code, err } = runReport(path);
    expect(code).toBe(1);
    expect(err).toMatch(
      /^lead-dispatch: .*old\.db has an older schema than this version \(\d+ of \d+ migrations; next \S+\): start the app once to migrate it\n$/,
    );
    const after = new Database(path, { readonly: true });
    const applied = after.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number };
    after.close();
    expect(err).toContain(`(${applied.n} of ${applied.n + 1} migrations`);
  });
});

describe('/dispatch stats', () => {
  const h = useHarness({ now: SCENARIO_START });

  it('shows a team leader the same figures, privately', async () => {
    await playScenario(h);
    await h.slack.slashCommand({ user: LEE, command: '/dispatch', text: 'stats' });
    const reply = await h.double.waitForEphemeral({ user: LEE });
    expect(reply.via).toBe('response_url');
    expect(reply.responseType).toBe('ephemeral');
    expect(reply.text).toBe('Team figures, last 7 days');
    const text = h.double.allText(reply);
    // Slack shows the CLI's table in a code block (with & < > escaped as Slack asks).
    for (const line of HEADLINE) expect(text).toContain(line);
    expect(text).toContain('Pass reasons: wrong area 1');
    expect(text).toContain('Dana Reyes   3       2       0       0                 1       45 s');
  });

  it('leaves a lead whose first window is still open out of the SLA rates', async () => {
    await playScenario(h);
    await h.postLead(zillowLead({ externalId: 'z-live' }));
    await h.double.waitForPost({ to: DANA });
    h.clock.advance('1m');
    await h.slack.slashCommand({ user: LEE, command: '/dispatch', text: 'stats' });
    const text = h.double.allText(await h.double.waitForEphemeral({ user: LEE }));
    expect(text).toContain('Leads dispatched               5 ');
    expect(text).toContain('SLA hit, first offer           50% (2/4) ');
    expect(text).toContain('SLA hit, within the chain      75% (3/4) ');
  });

  it('takes 30d, and answers bad text with usage and an example', async () => {
    await h.slack.slashCommand({ user: LEE, command: '/dispatch', text: 'stats 30d' });
    expect((await h.double.waitForEphemeral({ user: LEE })).text).toBe('Team figures, last 30 days');
    await h.slack.slashCommand({ user: LEE, command: '/dispatch', text: 'stats forever' });
    const usage = await h.double.waitForEphemeral({ user: LEE });
    expect(usage.text).toContain('I can show the last 7 or 30 days: try `/dispatch stats 30d`.');
  });

  it("refuses anyone who is not a team leader, and shows them nothing of the team's", async () => {
    await playScenario(h);
    await h.slack.slashCommand({ user: DANA, command: '/dispatch', text: 'stats' });
    const reply = await h.double.waitForEphemeral({ user: DANA });
    expect(reply.text).toBe(
      "Only team leaders can see the team's figures. Your own week is on the app's Home tab.",
    );
    expect(reply.blocks).toEqual([]);
  });
});

describe("a team leader's App Home", () => {
  const h = useHarness({ now: SCENARIO_START });
  const homeOf = (user: string) =>
    JSON.stringify(
      h.double.views.filter((v) => v.method === 'views.publish' && v.userId === user).at(-1)?.view ?? {},
    );

  it("shows the team's week in the report's figures, and who is waiting on what; an agent's does not", async () => {
    await playScenario(h);
    await h.slack.sendEvent({ type: 'app_home_opened', user: LEE, tab: 'home', channel: 'D0HOME' });
    await h.double.waitFor(() => homeOf(LEE).includes('Team this week'));
    expect(homeOf(LEE)).toContain(
      'Leads 4 · dispatched 4 · median time to dispatch 0 s · median time to claim 13 min',
    );
    expect(homeOf(LEE)).toContain(
      'SLA hit on the first offer 50% · misassigned 25% · escalated 1 · lapsed 4',
    );
    expect(homeOf(LEE)).toContain('Nothing: every lead is claimed and worked.');

    await h.postLead(zillowLead());
    await h.double.waitForPost({ to: DANA });
    await h.server.sweeper.runOnce();
    // Who is waiting shows at once; the week's figures are recomputed once a minute.
    await h.double.waitFor(() =>
      /\*Dana Reyes\*: Buyer lead from Zillow #\d+, to claim by/.test(homeOf(LEE)),
    );
    expect(homeOf(LEE)).toContain('Leads 4 ·');
    h.clock.advance('1m');
    await h.server.sweeper.runOnce();
    await h.double.waitFor(() => homeOf(LEE).includes('Leads 5'));
    // Dana's window is still open: the new lead is no SLA miss yet.
    expect(homeOf(LEE)).toContain('SLA hit on the first offer 50% ·');
    expect(homeOf(LEE)).toMatch(/\*Dana Reyes\*: Buyer lead from Zillow #\d+, to claim by \d+:\d+ AM/);

    await h.slack.sendEvent({ type: 'app_home_opened', user: DANA, tab: 'home', channel: 'D0HOME' });
    await h.double.waitFor(() => homeOf(DANA).includes('My week'));
    expect(homeOf(DANA)).not.toContain('Team this week');
  });
});
