import { describe, expect, it } from 'vitest';
import { query } from '../support/db.js';
import { LEADERS, useHarness, zillowLead } from '../support/harness.js';
import { DANA, PRIYA } from '../support/team.js';

type Harness = ReturnType<typeof useHarness>;

async function post(h: Harness, body: Record<string, unknown>): Promise<number> {
  const res = await h.postLead(body);
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: number }).id;
}

async function sweeps(h: Harness, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    h.clock.advance('2m');
    await h.server.sweeper.runOnce();
    await h.settle();
  }
}

describe('one message Slack refuses never holds up the others', () => {
  const h = useHarness();

  it('an error code we do not know refuses that DM alone: a later lead to another agent still goes out', async () => {
    h.double.fail('chat.postMessage', {
      error: 'restricted_action',
      times: 1000,
      when: (args) => args.channel === DANA,
    });
    await post(h, zillowLead()); // Dana: refused, retried slowly
    const priyas = await post(h, zillowLead()); // Priya
    await h.double.waitForPost({ to: PRIYA });
    await h.settle();
    expect(
      query(h.dbPath, 'select dm_ts is not null as shown from offers where task_id = ?', priyas),
    ).toEqual([{ shown: 1 }]);
  });

  it('50 escalations waiting on a leaders channel Slack refuses do not keep any agent from a new lead', async () => {
    h.double.fail('chat.postMessage', {
      error: 'channel_not_found',
      times: 100_000,
      when: (args) => args.channel === LEADERS,
    });
    for (let i = 0; i < 50; i++) await post(h, zillowLead({ source: 'billboard' }));
    await h.settle();
    const id = await post(h, zillowLead());
    await h.double.waitForPost({ to: DANA });
    await h.settle();
    expect(query(h.dbPath, 'select dm_ts is not null as shown from offers where task_id = ?', id)).toEqual([
      { shown: 1 },
    ]);
    const health = (await (await fetch(`${h.baseUrl}/healthz`)).json()) as {
      slack: { leadersChannel: string };
    };
    expect(health.slack.leadersChannel).toBe('failing: channel_not_found');
  }, 30_000);

  it('an escalation whose channel went away does not stop the updates of other messages', async () => {
    await post(h, zillowLead({ source: 'billboard' }));
    const escalation = await h.double.waitForPost({ to: LEADERS });
    await post(h, zillowLead());
    const dm = await h.double.waitForPost({ to: DANA });
    await h.settle();
    h.double.fail('chat.update', {
      error: 'is_archived',
      times: 1000,
      when: (args) => args.channel === LEADERS,
    });
    await h.slack.clickButton({ user: 'U0LEE0001', message: escalation, actionId: 'escalation_take' });
    await h.settle();
    await h.slack.clickButton({ user: DANA, message: dm, actionId: 'offer_claim' });
    await h.double.waitForUpdate(dm, 'Claimed by you');
    h.double.markAllSeen();
  });
});

describe('a lookup Slack refuses', () => {
  const lines: string[] = [];
  const h = useHarness({ slackTimeoutMs: 400, logLines: lines });

  it('(the bot is not in the public leaders channel) posts again instead of wedging the escalations', async () => {
    h.double.answerSlowly('chat.postMessage', 1500);
    h.double.fail('conversations.history', { error: 'not_in_channel', times: 1000 });
    await post(h, zillowLead({ source: 'billboard' }));
    await h.double.waitForPost({ to: LEADERS });
    await h.settle();
    await sweeps(h, 2);
    await post(h, zillowLead({ source: 'billboard' }));
    await sweeps(h, 2);
    h.double.markAllSeen();
    expect(query(h.dbPath, 'select ts is not null as known from escalations order by id')).toEqual([
      { known: 1 },
      { known: 1 },
    ]);
    const health = (await (await fetch(`${h.baseUrl}/healthz`)).json()) as {
      slack: { leadersChannel: string };
    };
    expect(health.slack.leadersChannel).toBe('ok');
    expect(lines.filter((l) => l.includes('Invite the app to the channel'))).toHaveLength(1);
  });
});
