import { describe, expect, it } from 'vitest';
import { query } from '../support/db.js';
import { LEADERS, useHarness, zillowLead } from '../support/harness.js';
import { DANA, MARCO, PRIYA } from '../support/team.js';

describe('restarts and health', () => {
  const h = useHarness();

  it('round robin keeps its place across a restart (weights 2:1 give Dana, Priya, Dana)', async () => {
    await h.postLead(zillowLead());
    await h.double.waitForPost({ to: DANA });
    await h.restart();
    await h.postLead(zillowLead());
    await h.double.waitForPost({ to: PRIYA });
    await h.restart();
    await h.postLead(zillowLead());
    await h.double.waitForPost({ to: DANA });
    await h.settle();
    expect(h.double.callsTo('chat.postMessage')).toHaveLength(3);
  });

  it('a restart sends no DM twice, and a DM from before it can still be claimed', async () => {
    await h.postLead(zillowLead());
    const dm = await h.double.waitForPost({ to: DANA });
    await h.restart();
    await h.server.sweeper.runOnce();
    await h.settle();
    expect(h.double.callsTo('chat.postMessage')).toHaveLength(1);
    await h.slack.clickButton({ user: DANA, message: dm, actionId: 'offer_claim' });
    await h.double.waitForUpdate(dm, 'Claimed by you');
  });

  it('a lead stored but not yet routed when the process died is routed by the sweeper on start', async () => {
    // Simulate the crash window: a task row in `received` with no offer, as intake leaves it for a moment.
    h.server.ctx.db.$client
      .prepare(
        "insert into tasks (source, external_id, type, status, payload, received_at, created_at, zip) values ('zillow', 'z-crash', '', 'received', '{}', ?, ?, '78704')",
      )
      .run(h.clock.now().getTime(), h.clock.now().getTime());
    await h.restart();
    const dm = await h.double.waitForPost({ to: MARCO });
    expect(h.double.allText(dm)).toContain('Rule *portal-buyer-lead* chose you');
  });

  it('/healthz reports the database, the sweeper and the leaders channel', async () => {
    const ok = await fetch(`${h.baseUrl}/healthz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      status: 'ok',
      database: 'ok',
      sweeper: { status: 'ok' },
      slack: { leadersChannel: 'ok' },
    });

    h.clock.advance('11s');
    const stale = await fetch(`${h.baseUrl}/healthz`);
    expect(stale.status).toBe(503);
    expect(await stale.json()).toMatchObject({ status: 'unhealthy', sweeper: { status: 'stale' } });

    h.double.channels.delete(LEADERS);
    await h.postLead(zillowLead({ source: 'billboard' }));
    await h.server.sweeper.runOnce();
    await h.settle();
    const failing = (await (await fetch(`${h.baseUrl}/healthz`)).json()) as {
      slack: { leadersChannel: string };
    };
    expect(failing.slack.leadersChannel).toBe('failing: channel_not_found');
    expect(query(h.dbPath, 'select ts from escalations')).toEqual([{ ts: null }]);

    h.double.channels.add(LEADERS);
    h.clock.advance('10s');
    await h.server.sweeper.runOnce();
    await h.double.waitForPost({ to: LEADERS });
    await h.settle();
    const recovered = (await (await fetch(`${h.baseUrl}/healthz`)).json()) as {
      slack: { leadersChannel: string };
    };
    expect(recovered.slack.leadersChannel).toBe('ok');
  });

  it('rejects Slack requests with a bad signature', async () => {
    const res = await h.slack.post('payload=%7B%7D', 'application/x-www-form-urlencoded', {
      signingSecret: 'f'.repeat(32),
    });
    expect(res.status).toBe(401);
  });
});
