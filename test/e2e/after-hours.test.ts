import { describe, expect, it } from 'vitest';
import { query } from '../support/db.js';
import { LEADERS, useHarness, zillowLead } from '../support/harness.js';
import { DANA, IVY, LEE, MARCO, PRIYA, SAM } from '../support/team.js';

/** Wednesday 9:00 PM in Austin: the team works 8 AM–8 PM, the ISA 7 AM–9 PM. */
const WED_9PM = '2026-11-26T03:00:00Z';

describe('after hours: working hours, on-duty cover, held until opening', () => {
  const h = useHarness({ now: WED_9PM });

  async function post(body: Record<string, unknown>): Promise<number> {
    const res = await h.postLead(body);
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: number };
    return id;
  }

  it('a hot portal lead at 9 PM goes straight to this week’s on-duty agent, who sees why', async () => {
    await post(zillowLead());
    const dm = await h.double.waitForPost({ to: DANA });
    expect(h.double.allText(dm)).toContain('after hours: on duty this week');
    expect(h.double.buttons(dm).map((b) => b.text)).toEqual(['Claim', 'Pass', 'Timeline']);
  });

  it('a chain that runs out after hours goes to the on-duty cover before the leaders', async () => {
    h.clock.set('2026-11-26T02:30:00Z'); // 8:30 PM: the buyer agents have gone home, the ISA works until 9
    await post(zillowLead());
    const ivy = await h.double.waitForPost({ to: IVY });
    await h.settle();
    h.clock.set('2026-11-26T02:35:00Z');
    await h.server.sweeper.runOnce();
    const dana = await h.double.waitForPost({ to: DANA });
    expect(h.double.allText(dana)).toContain('after hours: on duty this week');
    await h.double.waitForUpdate(ivy, 'Offered to Dana Reyes');
    await h.settle();
    h.clock.set('2026-11-26T02:40:00Z'); // the cover lets it lapse too: now the leaders, not the next in the rotation
    await h.server.sweeper.runOnce();
    await h.double.waitForPost({ to: LEADERS });
    await h.double.waitForUpdate(dana, 'expired');
    expect(h.double.findPost({ to: MARCO })).toBeUndefined();
  });

  it('/dispatch who and App Home name whoever really covers tonight', async () => {
    await h.slack.slashCommand({ user: LEE, command: '/away', text: `<@${DANA}|dana> until tomorrow` });
    await h.double.waitForEphemeral({ user: LEE });
    await h.slack.slashCommand({ user: LEE, command: '/dispatch', text: 'who' });
    const status = await h.double.waitForEphemeral({ user: LEE });
    expect(status.text).toContain('📟 *Marco Silva* — on duty after hours (portal-buyer-lead)');
    expect(status.text).toMatch(/🌴 \*Dana Reyes\* — away until/);
    await h.slack.sendEvent({ type: 'app_home_opened', user: MARCO, tab: 'home', channel: 'D0HOME' });
    await h.double.waitFor(() =>
      h.double.views.find(
        (v) => v.userId === MARCO && JSON.stringify(v.view.blocks).includes('on duty after hours'),
      ),
    );
  });

  it('App Home tells an agent they are off hours until when, and turns green at their start', async () => {
    const home = (): string => {
      const published = h.double.views.filter((v) => v.method === 'views.publish' && v.userId === MARCO);
      return JSON.stringify(published.at(-1)?.view.blocks ?? []);
    };
    await h.slack.sendEvent({ type: 'app_home_opened', user: MARCO, tab: 'home', channel: 'D0HOME' });
    await h.double.waitFor(() => home().includes('off hours'));
    expect(home()).toContain(
      "🌙 *You're off hours until Thu, Nov 26 at 8:00 AM (CST)*, so leads go to the rest of the team.",
    );
    h.clock.set('2026-11-26T14:00:00Z');
    await h.server.sweeper.runOnce();
    await h.double.waitFor(() => home().includes("You're available"));
  });

  it('a lead with no cover is held overnight, survives a restart, and goes out at opening with a fresh SLA', async () => {
    const id = await post(zillowLead({ source: 'idx_form' }));
    await post(zillowLead({ source: 'past_client', referringAgent: SAM })); // held until Sam's 8 AM
    await h.settle();
    expect(query(h.dbPath, 'select status, held_until from tasks where id = ?', id)).toEqual([
      { status: 'held', held_until: Date.parse('2026-11-26T13:00:00Z') },
    ]);

    const who = await h.slack.slashCommand({ user: LEE, command: '/dispatch', text: 'who' });
    expect(who.status).toBe(200);
    const status = await h.double.waitForEphemeral({ user: LEE });
    expect(status.text).toContain('📟 *Dana Reyes* — on duty after hours (portal-buyer-lead)');
    expect(status.text).toContain('🌙 *Marco Silva* — off hours until Thu, Nov 26 at 8:00 AM (CST)');
    expect(status.text).toContain('🌙 *Ivy Chen* — off hours until Thu, Nov 26 at 7:00 AM (CST)');
    expect(status.text).toContain(
      '⏸ 2 leads held for opening; the first goes out Thu, Nov 26 at 7:00 AM CST.',
    );

    h.clock.set('2026-11-26T12:59:59Z');
    await h.restart();
    await h.server.sweeper.runOnce();
    await h.settle();
    expect(h.double.findPost({ to: IVY })).toBeUndefined();

    h.clock.set('2026-11-26T13:00:00Z'); // Thursday 7:00 AM: the ISA starts, the buyer agents not yet
    await h.server.sweeper.runOnce();
    const dm = await h.double.waitForPost({ to: IVY });
    expect(h.double.allText(dm)).toContain('Claim by *8:00 AM CST*');
    expect(query(h.dbPath, 'select status from tasks where id = ?', id)).toEqual([{ status: 'offered' }]);

    await h.slack.clickButton({ user: IVY, message: dm, actionId: 'task_timeline' });
    const timeline = await h.double.waitForEphemeral({ user: IVY });
    expect(timeline.text).toContain(
      'Wed, Nov 25 at 9:00 PM CST — after hours with no one on duty: held until 7:00 AM CST, when Ivy Chen starts',
    );
    expect(timeline.text).toContain('7:00 AM CST — opening time: routed again');
  });

  it('an offer lapsing into the evening skips backups who have gone home, then escalates; a leader may still wake one', async () => {
    h.clock.set('2026-11-26T01:56:00Z'); // 7:56 PM: everyone is still at work
    const id = await post(zillowLead());
    const dana = await h.double.waitForPost({ to: DANA });
    await h.settle();
    h.clock.set('2026-11-26T02:01:00Z'); // 8:01 PM: the ISA works until 9, so she is next
    await h.server.sweeper.runOnce();
    const ivy = await h.double.waitForPost({ to: IVY });
    await h.double.waitForUpdate(dana, 'expired');
    await h.settle();
    h.clock.set('2026-11-26T02:06:00Z'); // the rest of the pool went home at 8
    await h.server.sweeper.runOnce();
    const escalation = await h.double.waitForPost({ to: LEADERS });
    await h.double.waitForUpdate(ivy, 'expired');
    expect(h.double.allText(escalation)).toContain(
      '• Dana Reyes — let it expire after 5 min\n• Ivy Chen — let it expire after 5 min',
    );
    expect(h.double.findPost({ to: MARCO })).toBeUndefined();
    expect(h.double.findPost({ to: PRIYA })).toBeUndefined();
    expect(
      query(h.dbPath, "select detail from events where task_id = ? and kind = 'skipped'", id).map((r) =>
        JSON.parse(String(r.detail)),
      ),
    ).toEqual([
      { agentId: PRIYA, why: 'off hours' },
      { agentId: MARCO, why: 'off hours' },
    ]);

    await h.slack.selectUser({
      user: LEE,
      message: escalation,
      actionId: 'escalation_assign',
      selectedUser: MARCO,
    });
    const marco = await h.double.waitForPost({ to: MARCO });
    expect(h.double.allText(marco)).toContain('Assigned by Lee Walker.');
    await h.double.waitForUpdate(escalation, 'Lee Walker assigned it to Marco Silva');
  });
});
