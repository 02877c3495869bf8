import { describe, expect, it } from 'vitest';
import { query } from '../support/db.js';
import { LEADERS, useHarness, zillowLead } from '../support/harness.js';
import { DANA, IVY, LEE, MARCO, SAM } from '../support/team.js';

describe('the exception path and the end of a chain', () => {
  const h = useHarness();

  async function post(body: Record<string, unknown>): Promise<number> {
    const res = await h.postLead(body);
    expect(res.status).toBe(202);
    return ((await res.json()) as { id: number }).id;
  }

  it('a task no rule matches goes to the leaders for manual review, with the reason', async () => {
    const id = await post(zillowLead({ source: 'relocation_partner', type: 'relocation' }));
    const post_ = await h.double.waitForPost({ to: LEADERS });
    const text = h.double.allText(post_);
    expect(text).toContain('Needs a leader.');
    expect(text).toContain('Manual review.');
    expect(text).toContain('Rule manual-review: no routing rule matches this task');
    expect(text).toContain('Nobody was offered it.');
    expect(text).toContain('Jane Buyer');
    await h.settle(); // the double has the post; let the app record its ts
    const [task] = query(
      h.dbPath,
      'select t.status, t.manual_review, e.channel, e.ts, e.resolved_at from tasks t join escalations e on e.task_id = t.id where t.id = ?',
      id,
    );
    expect(task).toEqual({
      status: 'escalated',
      manual_review: 1,
      channel: LEADERS,
      ts: post_.ts,
      resolved_at: null,
    });
    expect(h.double.buttons(post_).map((b) => b.text)).toEqual(['Take it', 'Back to the pool', 'Timeline']);
    expect(query(h.dbPath, 'select count(*) as n from offers')).toEqual([{ n: 0 }]);
  });

  it('a task that cannot be classified is flagged with why', async () => {
    await post(zillowLead({ source: 'billboard' }));
    const text = h.double.allText(await h.double.waitForPost({ to: LEADERS }));
    expect(text).toContain(
      'Could not classify: source "billboard" is not in the sources map and no type was given',
    );
  });

  it('a referral goes to its original agent, found by email', async () => {
    await post(zillowLead({ source: 'past_client', referringAgent: 'Sam@Lakeside.example' }));
    const dm = await h.double.waitForPost({ to: SAM });
    expect(h.double.allText(dm)).toContain('Rule *referral* chose you: the original agent.');
  });

  it('a referral whose original agent is inactive goes to the leaders with that reason', async () => {
    await post(zillowLead({ source: 'past_client', referringAgent: 'rob@lakeside.example' }));
    const text = h.double.allText(await h.double.waitForPost({ to: LEADERS }));
    expect(text).toContain('Rule referral: the original agent Rob Former is inactive');
  });

  it('when everyone in the chain passes, the leaders get one post listing who was tried', async () => {
    const id = await post(zillowLead({ source: 'web_form', price: 650000, address: { zip: '78703' } }));
    const sams = await h.double.waitForPost({ to: SAM });
    h.clock.advance('2m');
    await h.slack.clickButton({ user: SAM, message: sams, actionId: 'offer_pass' });
    const lees = await h.double.waitForPost({ to: LEE });
    expect(h.double.allText(lees)).toContain('backup: team leader');
    await h.double.waitForUpdate(sams, 'Offered to Lee Walker');
    h.clock.advance('3m');
    await h.slack.clickButton({ user: LEE, message: lees, actionId: 'offer_pass' });

    const escalation = await h.double.waitForPost({ to: LEADERS });
    const text = h.double.allText(escalation);
    expect(text).toContain('Rule seller-lead: everyone in its chain passed or was unavailable');
    expect(text).toContain('Sam Okafor — passed after 2 min');
    expect(text).toContain('Lee Walker — passed after 3 min');
    await h.double.waitForUpdate(lees, 'It went to the team leaders.');
    await h.settle();
    expect(
      query(h.dbPath, "select count(*) as n from events where task_id = ? and kind = 'escalated'", id),
    ).toEqual([{ n: 1 }]);
  });

  it('an agent Slack cannot reach is skipped at once and the backup is offered', async () => {
    h.double.fail('chat.postMessage', {
      error: 'account_inactive',
      when: (args) => args.channel === DANA,
    });
    const id = await post(zillowLead());
    const ivys = await h.double.waitForPost({ to: IVY });
    expect(h.double.buttons(ivys).map((b) => b.text)).toEqual(['Claim', 'Pass', 'Timeline']);
    const offers = query(h.dbPath, 'select agent_id, status from offers where task_id = ? order by id', id);
    expect(offers).toEqual([
      { agent_id: DANA, status: 'failed' },
      { agent_id: IVY, status: 'live' },
    ]);
    const failed = query(
      h.dbPath,
      "select detail from events where task_id = ? and kind = 'delivery_failed'",
      id,
    );
    expect(JSON.parse(String(failed[0]?.detail))).toMatchObject({ error: 'account_inactive' });
  });

  it('a rate-limited DM waits in the database and does not hold up other leads', async () => {
    h.double.fail('chat.postMessage', {
      status: 429,
      retryAfter: 30,
      when: (args) => args.channel === DANA,
    });
    await post(zillowLead());
    await h.settle();
    await post(zillowLead({ address: { zip: '78704' } }));
    await h.double.waitForPost({ to: MARCO });
    expect(h.double.messages.filter((m) => m.user === DANA)).toHaveLength(0);

    h.clock.advance('29s');
    await h.server.sweeper.runOnce();
    await h.settle();
    expect(h.double.messages.filter((m) => m.user === DANA)).toHaveLength(0);
    h.clock.advance('1s');
    await h.server.sweeper.runOnce();
    await h.double.waitForPost({ to: DANA });
  });

  it('a token Slack refuses holds every DM (no fail-over), says so in /healthz, and delivers once fixed', async () => {
    h.double.fail('chat.postMessage', { error: 'invalid_auth', times: 2 });
    h.double.fail('auth.test', { error: 'invalid_auth', times: 2 });
    const id = await post(zillowLead());
    await h.settle();
    expect(query(h.dbPath, 'select agent_id, status from offers where task_id = ?', id)).toEqual([
      { agent_id: DANA, status: 'live' },
    ]);
    const health = (await (await fetch(`${h.baseUrl}/healthz`)).json()) as { slack: Record<string, unknown> };
    expect(health.slack).toMatchObject({ token: 'failing: invalid_auth', undeliveredOffers: 1 });

    h.clock.advance('2s');
    await h.server.sweeper.runOnce();
    await h.settle();
    h.clock.advance('3s');
    await h.server.sweeper.runOnce();
    await h.double.waitForPost({ to: DANA });
    await h.settle();
    const after = (await (await fetch(`${h.baseUrl}/healthz`)).json()) as { slack: Record<string, unknown> };
    expect(after.slack).toMatchObject({ token: 'ok', undeliveredOffers: 0 });
  });

  it("a lead's text cannot break the message or ping the channel", async () => {
    await post(zillowLead({ firstName: '<!here>', message: '&'.repeat(2800) }));
    const dm = await h.double.waitForPost({ to: DANA });
    expect(dm.text).toContain('&lt;!here&gt;');
    expect(h.double.allText(dm)).not.toContain('<!here>');
    expect(h.double.allText(dm)).toContain('&amp;&amp;&amp;');
  });
});
