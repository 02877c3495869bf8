import { describe, expect, it } from 'vitest';
import { loadDispatchConfig } from '../../src/config/load-dispatch.js';
import { parseRetention } from '../../src/core/retention.js';
import { removeExpiredDetails } from '../../src/privacy/retention.js';
import { type ReportLabels, renderText } from '../../src/reports/render.js';
import { buildReport } from '../../src/reports/report.js';
import { query } from '../support/db.js';
import { EXAMPLE_CONFIG, useHarness, zillowLead } from '../support/harness.js';
import { playScenario, SCENARIO_START } from '../support/report-scenario.js';

const config = loadDispatchConfig(EXAMPLE_CONFIG);
config.team.retention = parseRetention('2y');

const LABELS: ReportLabels = { team: 'Lakeside', zone: 'America/Chicago', agentName: (id) => id };
const since = new Date('2026-11-25T06:00:00Z');
const until = new Date('2026-11-26T06:00:00Z');
/** What a person would see in the tasks table: the contact columns, and whether they were removed. */
const contacts = (dbPath: string) =>
  query(
    dbPath,
    `select id, first_name, last_name, email, phone, street, message, zip, city,
            details_removed_at is not null as removed from tasks order by id`,
  );

describe('team.retention: contact details removed nightly from tasks older than the period', () => {
  const h = useHarness({ config, now: SCENARIO_START });

  it('from 03:00 once a day, every older task loses its contact details; the report reads the same', async () => {
    await playScenario(h);
    const report = () => buildReport(h.server.ctx.db.$client, h.server.ctx.config, since, until, 'rule');
    const before = report();
    const printed = renderText(before, LABELS);
    const scenario = contacts(h.dbPath);
    expect(scenario.length).toBe(4);
    expect(scenario.every((t) => t.first_name === 'Jane' && t.removed === 0)).toBe(true);

    // Two years and a day later, at 2 AM in Austin: not yet.
    h.clock.set('2028-11-26T08:00:00Z');
    const fresh = await h.postLead(zillowLead({ firstName: 'Recent' }));
    expect(fresh.status).toBe(202);
    await h.settle();
    await h.server.sweeper.runOnce();
    expect(contacts(h.dbPath).filter((t) => t.removed === 1)).toEqual([]);

    // 3:30 AM: one slice, then the app restarts mid-run; the run carries on with its own cutoff.
    h.clock.set('2028-11-26T09:30:00Z');
    expect(removeExpiredDetails(h.server.ctx, 2)).toBe(2);
    await h.restart();
    h.clock.advance('10m');
    await h.server.sweeper.runOnce();
    const after = contacts(h.dbPath);
    for (const task of after.slice(0, 4))
      expect(task).toEqual({
        id: task.id,
        first_name: null,
        last_name: null,
        email: null,
        phone: null,
        street: null,
        message: null,
        zip: '78701',
        city: 'Austin',
        removed: 1,
      });
    // The lead that came in this week keeps its details.
    expect(after[4]).toMatchObject({ first_name: 'Recent', removed: 0 });
    // One row per day the job ran: the scenario's own day found nothing that old.
    expect(
      query(
        h.dbPath,
        'select day, tasks, finished_at is not null as finished from retention_runs order by day',
      ),
    ).toEqual([
      { day: '2026-11-25', tasks: 0, finished: 1 },
      { day: '2028-11-26', tasks: 4, finished: 1 },
    ]);
    expect(
      query(h.dbPath, "select count(*) as n from events where kind = 'details_removed' and actor = 'system'"),
    ).toEqual([{ n: 4 }]);

    // The figures, and the report as printed, are exactly what they were.
    expect(report()).toEqual(before);
    expect(renderText(report(), LABELS)).toBe(printed);

    // Later that day the job does not run again, whatever the sweeper's ticks.
    h.clock.advance('12h');
    await h.server.sweeper.runOnce();
    expect(query(h.dbPath, 'select count(*) as n from retention_runs')).toEqual([{ n: 2 }]);
    h.double.markAllSeen();
  });
});

describe('without team.retention', () => {
  const h = useHarness();

  it('contact details are kept for good', async () => {
    await h.postLead(zillowLead());
    await h.settle();
    h.double.markAllSeen();
    h.clock.set('2036-11-26T12:00:00Z');
    await h.server.sweeper.runOnce();
    expect(contacts(h.dbPath).map((t) => t.removed)).toEqual([0]);
    expect(query(h.dbPath, 'select count(*) as n from retention_runs')).toEqual([{ n: 0 }]);
    h.double.markAllSeen();
  });
});
