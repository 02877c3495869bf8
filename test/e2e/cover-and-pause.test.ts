import { describe, expect, it } from 'vitest';
import { query } from '../support/db.js';
import { type Harness, LEADERS, useHarness, zillowLead } from '../support/harness.js';
import { DANA, IVY, LEE, MARCO, PRIYA } from '../support/team.js';

/** Wednesday 9:00 PM in Austin: everyone is off hours; Dana is on duty this week for portal leads. */
const WED_9PM = '2026-11-26T03:00:00Z';

async function post(h: Harness, body: Record<string, unknown>): Promise<number> {
  const res = await h.postLead(body);
  expect(res.status).toBe(202);
  const { id } = (await res.json()) as { id: number };
  return id;
}

async function command(h: Harness, user: string, text: string): Promise<string> {
  const res = await h.slack.slashCommand({ user, command: '/dispatch', text });
  expect(res.status).toBe(200);
  return (await h.double.waitForEphemeral({ user })).text ?? '';
}

describe('/dispatch cover: someone takes the on-duty turn until a time', () => {
  const h = useHarness({ now: WED_9PM });

  it("a leader's cover routes tonight's lead to Ivy, is announced once, and expires on time", async () => {
    const reply = await command(h, LEE, `cover <@${IVY}|ivy> until 11pm`);
    expect(reply).toContain('Ivy Chen is on duty for portal-buyer-lead until 11:00 PM CST');
    const announcement = await h.double.waitForPost({ to: LEADERS });
    expect(h.double.allText(announcement)).toContain(
      '🔁 *Ivy Chen* is covering *portal-buyer-lead* after hours until 11:00 PM CST (set by Lee Walker).',
    );

    const first = await post(h, zillowLead());
    const ivy = await h.double.waitForPost({ to: IVY });
    expect(h.double.allText(ivy)).toContain('after hours: covering portal-buyer-lead for Dana Reyes');
    const [routed] = query(
      h.dbPath,
      "select detail from events where task_id = ? and kind = 'routed'",
      first,
    );
    expect(JSON.parse(String(routed?.detail)).chain).toEqual([
      {
        agentId: IVY,
        reason: 'after hours: covering portal-buyer-lead for Dana Reyes',
        onDuty: true,
        coverId: 1,
      },
    ]);

    const who = await command(h, LEE, 'who');
    expect(who).toContain('📟 *Ivy Chen* — on duty after hours (portal-buyer-lead)');
    expect(who).toContain('🔁 *Ivy Chen* covering portal-buyer-lead until 11:00 PM CST (set by Lee Walker)');

    h.clock.set('2026-11-26T05:00:00Z'); // 11:00 PM: the cover has ended by itself, no restart
    await post(h, zillowLead());
    const dana = await h.double.waitForPost({ to: DANA });
    expect(h.double.allText(dana)).toContain('after hours: on duty this week');
    expect(await command(h, LEE, 'cover list')).toContain('Nobody is covering');
    await h.settle();
    // Announced once: the outbox delivered it, and nothing else went to the leaders.
    expect(h.double.findPost({ to: LEADERS })).toBeUndefined();
  });

  it('Ivy takes a shift herself; App Home shows it; she ends it early and the turn is back', async () => {
    const reply = await command(h, IVY, 'cover me until 11pm');
    expect(reply).toContain("You're on duty for portal-buyer-lead until 11:00 PM CST");
    const announcement = await h.double.waitForPost({ to: LEADERS });
    expect(h.double.allText(announcement)).toContain('(taking the shift themselves)');

    await h.slack.sendEvent({ type: 'app_home_opened', user: IVY, tab: 'home', channel: 'D0HOME' });
    await h.double.waitFor(() =>
      h.double.views.find(
        (v) =>
          v.userId === IVY &&
          JSON.stringify(v.view.blocks).includes("You're covering *portal-buyer-lead* until 11:00 PM CST"),
      ),
    );

    expect(await command(h, IVY, 'cover end')).toContain('Your cover of portal-buyer-lead has ended');
    const ended = await h.double.waitForPost({ to: LEADERS });
    expect(h.double.allText(ended)).toContain("Ivy Chen ended Ivy Chen's cover of *portal-buyer-lead*");
    await post(h, zillowLead());
    const dana = await h.double.waitForPost({ to: DANA });
    expect(h.double.allText(dana)).toContain('after hours: on duty this week');
  });

  it('a non-leader cannot put someone else on duty; nothing changes and nobody is told', async () => {
    const reply = await command(h, MARCO, `cover <@${IVY}|ivy> until 11pm`);
    expect(reply).toContain('Only team leaders can set someone else on duty');
    expect(query(h.dbPath, 'select count(*) as n from cover_overrides')).toEqual([{ n: 0 }]);
    await h.settle();
    expect(h.double.findPost({ to: LEADERS })).toBeUndefined();
  });

  it('bad text gets the usage with an example, and changes nothing', async () => {
    const when = await command(h, LEE, `cover <@${IVY}|ivy> whenever`);
    expect(when).toContain("I couldn't read “whenever” as a time");
    expect(when).toContain('`/dispatch cover @ivy until monday 8am`');
    const rotation = await command(h, LEE, `cover <@${IVY}|ivy> for weekends until 11pm`);
    expect(rotation).toContain(
      'There is no on-duty rotation called “weekends”. Rotations: `portal-buyer-lead`.',
    );
    const who = await command(h, LEE, 'cover @ivy until 11pm');
    expect(who).toContain("I can't tell who “@ivy” is");
    expect(query(h.dbPath, 'select count(*) as n from cover_overrides')).toEqual([{ n: 0 }]);
  });
});

describe('/dispatch pause: a rule or a source for a while', () => {
  const h = useHarness();

  it("a paused source's leads are kept and held, then released in the order they came", async () => {
    const reply = await command(h, LEE, 'pause source Zillow 2h');
    expect(reply).toContain('Source zillow is paused until 12:40 PM CST');
    const announcement = await h.double.waitForPost({ to: LEADERS });
    expect(h.double.allText(announcement)).toContain(
      '⏸ Lee Walker paused source *zillow* until 12:40 PM CST',
    );

    const first = await post(h, zillowLead());
    h.clock.advance('1m');
    const second = await post(h, zillowLead({ address: { zip: '78704' } }));
    await h.settle();
    expect(h.double.findPost({ to: DANA })).toBeUndefined();
    expect(query(h.dbPath, 'select id, status from tasks order by id')).toEqual([
      { id: first, status: 'held' },
      { id: second, status: 'held' },
    ]);
    const who = await command(h, LEE, 'who');
    expect(who).toContain(
      '⏸ Source *zillow* paused until 12:40 PM CST by Lee Walker · 2 leads held until then',
    );
    expect(who).not.toContain('held for opening');

    h.clock.set('2026-11-25T18:40:00Z'); // 12:40 PM: the pause is over
    await h.server.sweeper.runOnce();
    const dm1 = await h.double.waitForPost({ to: DANA });
    const dm2 = await h.double.waitForPost({ to: MARCO });
    expect(h.double.allText(dm1)).toContain(`#${first}`);
    expect(h.double.allText(dm2)).toContain(`#${second}`);
    const offered = query(h.dbPath, "select task_id from events where kind = 'offered' order by id");
    expect(offered).toEqual([{ task_id: first }, { task_id: second }]);

    await h.slack.clickButton({ user: DANA, message: dm1, actionId: 'task_timeline' });
    const timeline = (await h.double.waitForEphemeral({ user: DANA })).text ?? '';
    expect(timeline).toContain('held: source zillow is paused until 12:40 PM CST');
    expect(timeline).toContain('source zillow no longer paused: routed in arrival order');
  });

  it('resume releases the held leads at the next sweep, and is announced', async () => {
    await command(h, LEE, 'pause source zillow until 3pm');
    await h.double.waitForPost({ to: LEADERS });
    const id = await post(h, zillowLead());
    await h.settle();
    expect(await command(h, LEE, 'resume source zillow')).toContain(
      'Source zillow is running again. The 1 held lead goes out now',
    );
    const resumed = await h.double.waitForPost({ to: LEADERS });
    expect(h.double.allText(resumed)).toContain('▶️ Lee Walker resumed source *zillow*');
    await h.server.sweeper.runOnce();
    await h.double.waitForPost({ to: DANA });
    expect(query(h.dbPath, 'select status from tasks where id = ?', id)).toEqual([{ status: 'offered' }]);
  });

  it('a paused rule is skipped: its leads fall to the next rule that matches, and the timeline says why', async () => {
    await command(h, LEE, 'pause rule portal-buyer-lead until 3pm');
    await h.double.waitForPost({ to: LEADERS });
    const id = await post(h, zillowLead());
    const dm = await h.double.waitForPost({ to: DANA });
    expect(h.double.allText(dm)).toContain('web-buyer-lead');
    expect(query(h.dbPath, 'select rule_name from tasks where id = ?', id)).toEqual([
      { rule_name: 'web-buyer-lead' },
    ]);
    await h.slack.clickButton({ user: DANA, message: dm, actionId: 'task_timeline' });
    const timeline = (await h.double.waitForEphemeral({ user: DANA })).text ?? '';
    expect(timeline).toContain(
      'rule portal-buyer-lead skipped: paused until 3:00 PM CST; routed by rule web-buyer-lead',
    );
    expect(await command(h, LEE, 'pause list')).toContain(
      '⏸ Rule *portal-buyer-lead* paused until 3:00 PM CST by Lee Walker · its leads go to the next rule',
    );
  });

  it('unknown names list the valid ones; non-leaders are refused; bad text gets the usage', async () => {
    const unknown = await command(h, LEE, 'pause source zilow 2h');
    expect(unknown).toContain('There is no source called “zilow”. Sources: ');
    expect(unknown).toContain('`zillow`');
    const rule = await command(h, LEE, 'pause rule nope 2h');
    expect(rule).toContain('There is no rule called “nope”. Rules: `open-house`, `portal-buyer-lead`');
    expect(await command(h, PRIYA, 'pause source zillow 2h')).toContain(
      'Only team leaders can pause or resume',
    );
    const bad = await command(h, LEE, 'pause zillow');
    expect(bad).toContain('`/dispatch pause source zillow 2h`');
    const noTime = await command(h, LEE, 'pause source zillow');
    expect(noTime).toContain('Say for how long or until when');
    expect(query(h.dbPath, 'select count(*) as n from pauses')).toEqual([{ n: 0 }]);
  });
});
