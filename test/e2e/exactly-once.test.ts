import { describe, expect, it } from 'vitest';
import { query } from '../support/db.js';
import { useHarness, zillowLead } from '../support/harness.js';
import type { PostedMessage } from '../support/slack-double.js';
import { DANA, PRIYA } from '../support/team.js';

type Harness = ReturnType<typeof useHarness>;

async function post(h: Harness, body: Record<string, unknown>): Promise<number> {
  const res = await h.postLead(body);
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: number }).id;
}

/** The task a posted DM belongs to, read from the metadata the app put on it. */
function taskOfPost(h: Harness, message: PostedMessage): number {
  const metadata = message.metadata as { event_type: string; event_payload: { kind: string; id: number } };
  expect(metadata.event_type).toBe('lead_dispatch_post');
  expect(metadata.event_payload.kind).toBe('offer');
  const [row] = query(h.dbPath, 'select task_id from offers where id = ?', metadata.event_payload.id);
  return Number(row?.task_id);
}

describe('a post whose answer is lost is found, not sent again', () => {
  const h = useHarness({ slackTimeoutMs: 400 });

  it('Slack stores the DM but answers after the timeout: one DM, adopted, and it works', async () => {
    h.double.answerSlowly('chat.postMessage', 1500);
    const id = await post(h, zillowLead());
    const dm = await h.double.waitForPost({ to: DANA });
    await h.settle();
    // The app does not know the DM went out, but it knows it tried.
    const [pending] = query(h.dbPath, 'select dm_ts, post_attempt_at from offers where task_id = ?', id);
    expect(pending?.dm_ts).toBeNull();
    expect(pending?.post_attempt_at).not.toBeNull();

    h.clock.advance('5s');
    await h.server.sweeper.runOnce();
    await h.settle();
    expect(h.double.callsTo('chat.postMessage')).toHaveLength(1);
    expect(h.double.callsTo('conversations.history')).toHaveLength(1);
    expect(query(h.dbPath, 'select dm_ts, post_attempt_at from offers where task_id = ?', id)).toEqual([
      { dm_ts: dm.ts, post_attempt_at: null },
    ]);
    expect(dm.metadata).toMatchObject({ event_type: 'lead_dispatch_post', event_payload: { kind: 'offer' } });

    await h.slack.clickButton({ user: DANA, message: dm, actionId: 'offer_claim' });
    await h.double.waitForUpdate(dm, 'Claimed by you');
  });

  it('a restart with an attempt recorded and no ts adopts the DM that got through', async () => {
    h.double.answerSlowly('chat.postMessage', 1500);
    const id = await post(h, zillowLead());
    const dm = await h.double.waitForPost({ to: DANA });
    await h.restart();
    await h.settle();
    expect(h.double.callsTo('chat.postMessage')).toHaveLength(1);
    expect(query(h.dbPath, 'select dm_ts from offers where task_id = ?', id)).toEqual([{ dm_ts: dm.ts }]);
  });

  it('an attempt that never reached Slack is looked for, not found, and posted once', async () => {
    h.double.fail('chat.postMessage', { status: 503 });
    const id = await post(h, zillowLead());
    await h.settle();
    h.clock.advance('5s');
    await h.server.sweeper.runOnce();
    const dm = await h.double.waitForPost({ to: DANA });
    await h.settle();
    expect(h.double.callsTo('conversations.history')).toHaveLength(1);
    expect(h.double.messages.filter((m) => m.channel === dm.channel)).toHaveLength(1);
    expect(query(h.dbPath, 'select dm_ts from offers where task_id = ?', id)).toEqual([{ dm_ts: dm.ts }]);
  });

  it('an escalation reminder in a thread is looked up in the thread (conversations.replies)', async () => {
    await post(h, zillowLead({ source: 'billboard' }));
    const escalation = await h.double.waitForPost({ to: 'C0LEADERS1' });
    await h.settle();
    h.double.answerSlowly('chat.postMessage', 1500);
    h.clock.advance('15m');
    await h.server.sweeper.runOnce();
    const reminder = await h.double.waitForPost({ thread: true });
    expect(reminder.thread_ts).toBe(escalation.ts);
    await h.settle();
    h.clock.advance('5s');
    await h.server.sweeper.runOnce();
    await h.settle();
    expect(h.double.callsTo('conversations.replies')).toHaveLength(1);
    expect(h.double.messages.filter((m) => m.thread_ts === escalation.ts)).toHaveLength(1);
    expect(query(h.dbPath, 'select ts from notifications')).toEqual([{ ts: reminder.ts }]);
  });
});

describe('an install without the history scopes', () => {
  const lines: string[] = [];
  const h = useHarness({
    slackTimeoutMs: 400,
    logLines: lines,
    scopes: ['chat:write', 'chat:write.public', 'im:write', 'commands', 'users:read'],
  });

  it('cannot look, so it posts again rather than leave the lead unseen, and says which scopes to add', async () => {
    h.double.answerSlowly('chat.postMessage', 1500);
    await post(h, zillowLead());
    await h.double.waitForPost({ to: DANA });
    await h.settle();
    h.clock.advance('5s');
    await h.server.sweeper.runOnce();
    await h.double.waitForPost({ to: DANA });
    await h.settle();
    const warning = lines.find((l) => l.includes('cannot check whether an unanswered post reached Slack'));
    expect(warning).toContain('im:history');
  });
});

describe('order: the lead that has waited longest goes first', () => {
  const h = useHarness();

  it('after 20 s of Slack errors the waiting DMs go out oldest first, none lost or doubled', async () => {
    h.double.fail('chat.postMessage', { status: 503, times: 10_000 });
    const ids: number[] = [];
    for (let i = 0; i < 8; i++) ids.push(await post(h, zillowLead()));
    for (let second = 0; second < 20; second++) {
      h.clock.advance('1s');
      await h.server.sweeper.runOnce();
      await h.settle();
    }
    expect(h.double.messages).toHaveLength(0);

    h.double.clearFailures();
    h.clock.advance('2m');
    await h.server.sweeper.runOnce();
    await h.settle();
    const dms = h.double.messages.filter((m) => m.user !== undefined);
    for (const dm of dms) h.double.takePost({ to: dm.channel });
    expect(dms.map((dm) => taskOfPost(h, dm))).toEqual(ids);
    expect(query(h.dbPath, 'select count(*) as n from offers where dm_ts is null')).toEqual([{ n: 0 }]);
  });

  it("a slow answer to one agent's DM does not hold the next agent's DM", async () => {
    h.double.answerSlowly('chat.postMessage', 1500);
    const first = await post(h, zillowLead()); // Dana: Slack stores it at once, answers 1.5 s later
    const second = await post(h, zillowLead()); // Priya
    const priya = await h.double.waitForPost({ to: PRIYA });
    const dana = await h.double.waitForPost({ to: DANA });
    expect([taskOfPost(h, dana), taskOfPost(h, priya)]).toEqual([first, second]);
    const [danaCall, priyaCall] = h.double.callsTo('chat.postMessage');
    expect(danaCall?.args.channel).toBe(DANA);
    // Posted one after the other, Priya's DM would have waited for Dana's answer.
    expect(Number(priyaCall?.at) - Number(danaCall?.at)).toBeLessThan(1000);
    await h.settle();
  });

  it("a rate-limited DM holds the same agent's later DMs, not anyone else's", async () => {
    h.double.fail('chat.postMessage', {
      status: 429,
      retryAfter: 30,
      when: (args) => args.channel === DANA,
    });
    const first = await post(h, zillowLead()); // Dana (rate-limited)
    const second = await post(h, zillowLead()); // Priya
    const third = await post(h, zillowLead()); // Dana again: must not overtake the first
    const priya = await h.double.waitForPost({ to: PRIYA });
    await h.settle();
    expect(taskOfPost(h, priya)).toBe(second);
    expect(h.double.findPost({ to: DANA })).toBeUndefined();

    h.clock.advance('31s');
    await h.server.sweeper.runOnce();
    await h.settle();
    const danas = [h.double.takePost({ to: DANA }), h.double.takePost({ to: DANA })];
    expect(danas.map((dm) => taskOfPost(h, dm))).toEqual([first, third]);
  });
});
