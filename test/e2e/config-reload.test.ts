import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadDispatchConfigWithWarnings, problemLines } from '../../src/config/load-dispatch.js';
import { query } from '../support/db.js';
import { EXAMPLE_CONFIG, type Harness, LEADERS, useHarness, zillowLead } from '../support/harness.js';
import { DANA, IVY, LEE, MARCO, PRIYA, SAM } from '../support/team.js';

const example = readFileSync(EXAMPLE_CONFIG, 'utf8');

/** The example with some of its text replaced; each piece must be there, so a test cannot go stale. */
function exampleWith(replace: [string, string][]): string {
  let text = example;
  for (const [from, to] of replace) {
    if (!text.includes(from)) throw new Error(`example config has no ${from}`);
    text = text.replace(from, to);
  }
  return text;
}

const PORTAL_RULE = `    assign: { strategy: round_robin, pool: { roles: [buyer_agent] } }
    sla: 5m`;
/** The portal rule edited to send its leads to Sam on a 30-minute clock, with no backups. */
const PORTAL_TO_SAM: [string, string][] = [
  [
    `${PORTAL_RULE}\n    contact_sla`,
    `    assign: { strategy: round_robin, pool: { agents: [U0SAM0001] } }\n    sla: 30m\n    contact_sla`,
  ],
  [
    '    fallback: [{ role: isa }, { rest_of_pool: true }]\n    # after hours',
    '    fallback: [{ escalate: true }]\n    # after hours',
  ],
];

let dir = '';
let file = '';

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lead-dispatch-reload-'));
  file = join(dir, 'dispatch.yml');
  writeFileSync(file, example);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Saves the file as editors do: a new file renamed over the old one. */
function save(text: string): void {
  const temp = join(dir, '.dispatch.yml.swp');
  writeFileSync(temp, text);
  renameSync(temp, file);
}

function rows(h: Harness, sql: string, ...params: unknown[]) {
  return query(h.dbPath, sql, ...params);
}

function reloads(h: Harness) {
  return rows(h, 'select trigger, outcome, agents, rules, report from config_reloads order by id');
}

async function offeredTask(h: Harness, to: string, zip?: string) {
  const lead = zillowLead(zip ? { address: { zip } } : {});
  const { id } = (await (await h.postLead(lead)).json()) as { id: number };
  const dm = await h.double.waitForPost({ to });
  await h.settle();
  return { id, dm };
}

function liveOffer(h: Harness, taskId: number) {
  const [offer] = rows(
    h,
    "select agent_id, deadline - offered_at as slaMs from offers where task_id = ? and status = 'live'",
    taskId,
  );
  return offer;
}

describe('dispatch.yml changed without a restart', () => {
  const logLines: string[] = [];
  const h = useHarness({ configFile: () => file, logLines });

  it('a saved edit is applied while a lead is in flight: that lead keeps its rule, chain and SLA, a new lead gets the new rule', async () => {
    const inFlight = await offeredTask(h, DANA);
    const reloader = h.server.engine.reloader;
    if (!reloader) throw new Error('the app has a file, so it has a reloader');
    // Tests run without the schedule; the watch is the one part of it this test needs.
    reloader.start();

    save(exampleWith(PORTAL_TO_SAM));
    await h.double.waitFor(() => reloads(h).length === 1, 5000, 'the saved file to be reloaded');
    expect(reloads(h)).toEqual([
      {
        trigger: 'file',
        outcome: 'applied',
        agents: 9,
        rules: 9,
        report: JSON.stringify(['rules changed: portal-buyer-lead']),
      },
    ]);
    await h.settle();
    const note = await h.double.waitForPost({ to: LEADERS });
    expect(h.double.allText(note)).toContain(
      'dispatch.yml reloaded (9 agents, 9 rules): rules changed: portal-buyer-lead. Leads already in flight keep their rule and chain.',
    );
    expect(logLines.some((l) => l.includes('config reloaded (9 agents, 9 rules)'))).toBe(true);

    // The lead in flight: Dana lets it lapse after the old 5 minutes; the old chain's backup (the ISA) gets it, on the old clock.
    h.clock.advance('5m');
    await h.server.sweeper.runOnce();
    await h.settle();
    await h.double.waitForUpdate(inFlight.dm);
    await h.double.waitForPost({ to: IVY });
    expect(liveOffer(h, inFlight.id)).toEqual({ agent_id: IVY, slaMs: 5 * 60_000 });
    expect(h.double.findPost({ to: SAM })).toBeUndefined();

    // A new lead: the new rule, Sam on a 30-minute clock.
    const fresh = await offeredTask(h, SAM);
    expect(h.double.allText(fresh.dm)).toContain('Rule *portal-buyer-lead* chose you');
    expect(liveOffer(h, fresh.id)).toEqual({ agent_id: SAM, slaMs: 30 * 60_000 });
    const [task] = rows(h, 'select rule_name, chain from tasks where id = ?', fresh.id);
    expect(task?.rule_name).toBe('portal-buyer-lead');
    expect(JSON.parse(String(task?.chain)).map((c: { agentId?: string }) => c.agentId)).toEqual([SAM]);
  });

  it('an invalid edit is kept out, its check-config problems told to the leaders once per distinct content', async () => {
    const bad = exampleWith([
      [`${PORTAL_RULE}`, PORTAL_RULE.replace('sla: 5m', 'sla: five minutes')],
      ['  - name: seller-lead', '  - name: seller-lead\n    colour: blue'],
    ]);
    save(bad);
    let expected: string[] = [];
    try {
      loadDispatchConfigWithWarnings(file);
    } catch (error) {
      if (error instanceof ConfigError) expected = problemLines(error);
    }
    expect(expected).toHaveLength(2);

    expect(h.server.reload('signal')?.outcome).toBe('refused');
    await h.settle();
    const note = await h.double.waitForPost({ to: LEADERS });
    const text = h.double.allText(note);
    expect(text).toContain('dispatch.yml was changed but not reloaded');
    for (const line of expected) expect(text).toContain(line);
    expect(text).toMatch(/rules\[1\]\.sla: /);
    expect(text).toContain('unknown key "colour"');
    // The log says how many, never what (an agent's email or phone may be in a message).
    const logged = logLines.filter((l) => l.includes('not reloaded'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('"problems":2');
    expect(logged[0]).not.toContain('@');

    // The rules in force are still the old ones.
    await offeredTask(h, DANA);

    // The same bad text again (a second SIGHUP, the saved file seen again): nobody is told twice.
    expect(h.server.reload('signal')?.outcome).toBe('refused');
    await h.settle();
    expect(h.double.findPost({ to: LEADERS })).toBeUndefined();

    // Another bad text is another problem to tell.
    save(bad.replace('colour: blue', 'colour: red'));
    expect(h.server.reload('signal')?.told).toBe(true);
    await h.settle();
    expect(h.double.allText(await h.double.waitForPost({ to: LEADERS }))).toContain('unknown key "colour"');
    expect(reloads(h).map((r) => [r.trigger, r.outcome])).toEqual([
      ['signal', 'refused'],
      ['signal', 'refused'],
      ['signal', 'refused'],
    ]);
    expect(rows(h, "select count(*) as n from outbox where topic = 'slack:config'")).toEqual([{ n: 2 }]);
  });

  it('/dispatch reload by a leader: a removed agent stops getting leads, an added one gets them; a non-leader is refused', async () => {
    // 78702 is Dana's zip alone: she is first for it while she is in the file.
    await offeredTask(h, DANA, '78702');

    // Out of the agents, and so out of the portal rule's on-duty rotation too.
    const withoutDana = example
      .replace(/ {2}- \{\n {6}id: U0DANA001,[\s\S]*?\n {4}\}\n/, '')
      .replace('agents: [U0DANA001, U0MARCO01, U0PRIYA01]', 'agents: [U0MARCO01, U0PRIYA01]');
    expect(withoutDana).not.toContain('U0DANA001');
    save(withoutDana);

    await h.slack.slashCommand({ user: DANA, command: '/dispatch', text: 'reload' });
    expect((await h.double.waitForEphemeral({ user: DANA })).text).toBe(
      'Only team leaders can reload the rules.',
    );
    expect(reloads(h)).toEqual([]);

    await h.slack.slashCommand({ user: LEE, command: '/dispatch', text: 'reload' });
    expect((await h.double.waitForEphemeral({ user: LEE })).text).toMatch(
      /^Reloaded: agents removed: Dana Reyes/,
    );
    await h.settle();
    const note = await h.double.waitForPost({ to: LEADERS });
    expect(h.double.allText(note)).toContain(
      'dispatch.yml reloaded (8 agents, 9 rules): agents removed: Dana Reyes; rules changed: portal-buyer-lead.',
    );
    expect(rows(h, 'select in_config from agents where id = ?', DANA)).toEqual([{ in_config: 0 }]);
    expect(rows(h, 'select trigger, requested_by from config_reloads')).toEqual([
      { trigger: 'slack', requested_by: LEE },
    ]);

    // The next lead in her zip goes to another buyer agent; Dana gets nothing new.
    const { id } = (await (await h.postLead(zillowLead({ address: { zip: '78702' } }))).json()) as {
      id: number;
    };
    await h.settle();
    const other = String(liveOffer(h, id)?.agent_id);
    expect([PRIYA, MARCO]).toContain(other);
    await h.double.waitForPost({ to: other });
    expect(h.double.findPost({ to: DANA })).toBeUndefined();

    // Dana is added back: she is first for her zip again.
    save(example);
    expect(h.server.reload('signal')?.report).toEqual([
      'agents added: Dana Reyes',
      'rules changed: portal-buyer-lead',
    ]);
    await h.settle();
    expect(h.double.allText(await h.double.waitForPost({ to: LEADERS }))).toContain(
      'agents added: Dana Reyes',
    );
    await offeredTask(h, DANA, '78702');
  });
});
