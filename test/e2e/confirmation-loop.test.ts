import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { query } from '../support/db.js';
import { EXAMPLE_CONFIG, HAND_EDITED, LEADERS, MORNING, useHarness, zillowLead } from '../support/harness.js';
import { DANA, IVY, LEE, MARCO, PRIYA, SAM } from '../support/team.js';

describe('the SLA clock moves a lead down its chain by itself', () => {
  const h = useHarness();

  async function post(body: Record<string, unknown>): Promise<number> {
    const res = await h.postLead(body);
    expect(res.status).toBe(202);
    return ((await res.json()) as { id: number }).id;
  }

  async function lapse(by = '5m') {
    await h.settle(); // the DM's ts is recorded: only an offer the agent was shown can expire
    h.clock.advance(by);
    await h.server.sweeper.runOnce();
  }

  it('offer → SLA lapses → sweep → the backup gets a DM and the first DM says so', async () => {
    const id = await post(zillowLead());
    const dana = await h.double.waitForPost({ to: DANA });
    await lapse('4m59s');
    await h.settle();
    expect(h.double.callsTo('chat.postMessage')).toHaveLength(1); // not a second early

    await lapse('1s');
    const ivy = await h.double.waitForPost({ to: IVY });
    expect(h.double.allText(ivy)).toContain('Claim by *10:50 AM CST* (5 min)');
    const update = await h.double.waitForUpdate(dana, 'Offer expired at 10:45 AM CST. Offered to Ivy Chen.');
    expect(update.blocks.length).toBeGreaterThan(0);
    expect(h.double.buttons(dana).map((b) => b.text)).toEqual(['Timeline']);
    await h.settle();
    expect(query(h.dbPath, 'select agent_id, status from offers where task_id = ? order by id', id)).toEqual([
      { agent_id: DANA, status: 'expired' },
      { agent_id: IVY, status: 'live' },
    ]);
  });

  it('when the whole chain lets it lapse, the leaders get exactly one post saying who had it and for how long', async () => {
    const id = await post(zillowLead());
    for (const agent of [DANA, IVY, PRIYA, MARCO]) {
      const dm = await h.double.waitForPost({ to: agent });
      await lapse();
      await h.double.waitForUpdate(dm, 'Offer expired');
    }
    const escalation = await h.double.waitForPost({ to: LEADERS });
    const text = h.double.allText(escalation);
    expect(text).toContain('Rule portal-buyer-lead: nobody in its chain claimed it in time');
    for (const name of ['Dana Reyes', 'Ivy Chen', 'Priya Nair', 'Marco Silva'])
      expect(text).toContain(`${name} — let it expire after 5 min`);
    expect(text).toContain('waited 20 min');
    await lapse('1s');
    await lapse('1s');
    await h.settle();
    expect(query(h.dbPath, 'select count(*) as n from escalations where task_id = ?', id)).toEqual([
      { n: 1 },
    ]);
    expect(h.double.messages.filter((m) => m.channel === LEADERS)).toHaveLength(1);
  });

  it('a Claim racing the sweep on the same offer has exactly one outcome', async () => {
    const id = await post(zillowLead());
    const dana = await h.double.waitForPost({ to: DANA });
    h.clock.advance('5m');
    await Promise.all([
      h.slack.clickButton({ user: DANA, message: dana, actionId: 'offer_claim' }),
      h.server.sweeper.runOnce(),
    ]);
    await h.settle();
    const outcomes = query(
      h.dbPath,
      "select kind from events where task_id = ? and kind in ('claimed', 'expired')",
      id,
    );
    expect(outcomes).toHaveLength(1);
    if (outcomes[0]?.kind === 'claimed') {
      await h.double.waitForUpdate(dana, 'Claimed by you');
    } else {
      await h.double.waitForUpdate(dana, 'Offer expired');
      await h.double.waitForPost({ to: IVY });
      await h.double.waitForEphemeral({ user: DANA, textIncludes: 'expired' });
    }
  });

  it('a Claim that lands after the deadline but before the sweep wins, and the sweep then does nothing', async () => {
    const id = await post(zillowLead());
    const dana = await h.double.waitForPost({ to: DANA });
    await h.settle();
    h.clock.advance('5m1s');
    await h.slack.clickButton({ user: DANA, message: dana, actionId: 'offer_claim' });
    await h.double.waitForUpdate(dana, 'Claimed by you');
    await h.server.sweeper.runOnce();
    await h.settle();
    expect(
      query(h.dbPath, "select kind from events where task_id = ? and kind in ('claimed', 'expired')", id),
    ).toEqual([{ kind: 'claimed' }]);
  });

  it('an offer Slack could not deliver does not expire unseen; its clock starts when the DM goes out', async () => {
    h.double.fail('chat.postMessage', { status: 500, times: 3 });
    const id = await post(zillowLead());
    for (let i = 0; i < 3; i++) {
      await h.settle();
      h.clock.advance('10m');
      await h.server.sweeper.runOnce();
    }
    const dana = await h.double.waitForPost({ to: DANA });
    expect(h.double.allText(dana)).toContain('Claim by *11:15 AM CST* (5 min)');
    await h.settle();
    expect(query(h.dbPath, 'select agent_id, status from offers where task_id = ?', id)).toEqual([
      { agent_id: DANA, status: 'live' },
    ]);
    // Each late attempt moved the deadline, and each move is on the timeline.
    const restarts = query(
      h.dbPath,
      "select detail from events where task_id = ? and kind = 'clock_restarted' order by id",
      id,
    ).map((row) => JSON.parse(String(row.detail)));
    expect(restarts).toEqual([
      { deadline: '2026-11-25T16:55:00.000Z', heldUpSeconds: 600 },
      { deadline: '2026-11-25T17:05:00.000Z', heldUpSeconds: 1200 },
      { deadline: '2026-11-25T17:15:00.000Z', heldUpSeconds: 1800 },
    ]);
  });

  it('a restart in the middle of a chain sends no DM twice', async () => {
    await post(zillowLead());
    const dana = await h.double.waitForPost({ to: DANA });
    await lapse();
    await h.double.waitForPost({ to: IVY });
    await h.double.waitForUpdate(dana, 'Offer expired');
    await h.restart();
    await h.server.sweeper.runOnce();
    await h.server.sweeper.runOnce();
    await h.settle();
    expect(h.double.callsTo('chat.postMessage')).toHaveLength(2);
    expect(h.double.callsTo('chat.update')).toHaveLength(1);
  });

  it('an offer that lapsed while the process was down is moved on exactly once at start', async () => {
    const id = await post(zillowLead());
    const dana = await h.double.waitForPost({ to: DANA });
    h.clock.advance('10m'); // down from 10:40 to 10:50; Dana's offer was due at 10:45
    await h.restart();
    const ivy = await h.double.waitForPost({ to: IVY });
    expect(h.double.allText(ivy)).toContain('Claim by *10:55 AM CST*');
    await h.double.waitForUpdate(dana, 'Offer expired at 10:50 AM CST. Offered to Ivy Chen.');
    await h.server.sweeper.runOnce();
    await h.settle();
    expect(
      query(h.dbPath, "select count(*) as n from events where task_id = ? and kind = 'expired'", id),
    ).toEqual([{ n: 1 }]);
    expect(h.double.callsTo('chat.postMessage')).toHaveLength(2);
  });

  it('a referral that arrives at 9 pm waits for its agent’s 8 am start and is due by the end of that business day', async () => {
    h.clock.set('2026-11-25T03:00:00Z'); // Tuesday 9:00 PM in Austin, after Sam's hours
    const id = await post(zillowLead({ source: 'past_client', referringAgent: SAM }));
    await h.settle();
    expect(h.double.findPost({ to: SAM })).toBeUndefined();
    h.clock.set('2026-11-25T14:00:00Z'); // Wednesday 8:00 AM
    await h.server.sweeper.runOnce();
    const dm = await h.double.waitForPost({ to: SAM });
    expect(h.double.allText(dm)).toContain('Claim by *6:00 PM CST* (same business day)');
    expect(query(h.dbPath, 'select offered_at from offers where task_id = ?', id)).toEqual([
      { offered_at: Date.parse('2026-11-25T14:00:00Z') },
    ]);
  });

  it('Pass keeps one click, then takes an optional reason that is recorded and shown', async () => {
    const id = await post(zillowLead());
    const dana = await h.double.waitForPost({ to: DANA });
    await h.slack.clickButton({ user: DANA, message: dana, actionId: 'offer_pass' });
    await h.double.waitForPost({ to: IVY });
    await h.double.waitForUpdate(dana, 'You passed');
    await h.slack.clickButton({
      user: DANA,
      message: dana,
      actionId: 'offer_pass_reason_wrong_area',
      value: '1:wrong_area',
    });
    await h.double.waitForUpdate(dana, 'You passed at 10:40 AM CST (Wrong area). Offered to Ivy Chen.');
    expect(h.double.buttons(dana).map((b) => b.text)).toEqual(['Timeline']);
    expect(
      query(h.dbPath, 'select pass_reason from offers where task_id = ? and agent_id = ?', id, DANA),
    ).toEqual([{ pass_reason: 'wrong_area' }]);
  });

  it('Timeline shows the whole history privately to whoever asks', async () => {
    await post(zillowLead());
    const dana = await h.double.waitForPost({ to: DANA });
    h.clock.advance('2m');
    await h.slack.clickButton({ user: DANA, message: dana, actionId: 'offer_claim' });
    await h.double.waitForUpdate(dana, 'Claimed by you');
    await h.slack.clickButton({ user: DANA, message: dana, actionId: 'task_timeline' });
    const note = await h.double.waitForEphemeral({ user: DANA });
    expect(note.text).toContain('*Timeline of #1*');
    expect(note.text).toContain('10:40 AM CST — received');
    expect(note.text).toContain('routed by rule portal-buyer-lead');
    expect(note.text).toContain('offered to Dana Reyes (round robin, covers 78701, works in Austin)');
    expect(note.text).toContain('10:42 AM CST — claimed by Dana Reyes');
  });

  it('Timeline still shows a task whose history holds rows this version cannot read, as generic lines', async () => {
    const id = await post(zillowLead());
    const dana = await h.double.waitForPost({ to: DANA });
    // Rows as a newer version or a hand edit might leave them: a kind we do not know, a detail that is not JSON.
    const db = new Database(h.dbPath);
    try {
      db.prepare(
        "insert into events (task_id, kind, actor, at, detail) values (?, 'snoozed', ?, ?, '{}')",
      ).run(id, HAND_EDITED, Date.parse(MORNING));
      db.prepare(
        "insert into events (task_id, kind, actor, at, detail) values (?, 'offered', ?, ?, 'not json')",
      ).run(id, HAND_EDITED, Date.parse(MORNING));
    } finally {
      db.close();
    }
    await h.slack.clickButton({ user: DANA, message: dana, actionId: 'task_timeline' });
    const note = await h.double.waitForEphemeral({ user: DANA });
    expect(note.text).toContain('offered to Dana Reyes (round robin, covers 78701, works in Austin)');
    expect(note.text).toContain('10:40 AM CST — snoozed (details not shown)');
    expect(note.text).toContain('10:40 AM CST — offered (details not shown)');
  });
});

describe('escalations: the leaders act in one click', () => {
  const h = useHarness();

  async function escalated(body: Record<string, unknown> = zillowLead({ source: 'billboard' })) {
    const res = await h.postLead(body);
    const { id } = (await res.json()) as { id: number };
    const post = await h.double.waitForPost({ to: LEADERS });
    await h.settle();
    return { id, post };
  }

  it('Assign to… offers the lead to the chosen agent, who still claims it, and the post says who did what', async () => {
    const { id, post } = await escalated();
    h.clock.advance('3m');
    await h.slack.selectUser({
      user: LEE,
      message: post,
      actionId: 'escalation_assign',
      selectedUser: MARCO,
    });
    const dm = await h.double.waitForPost({ to: MARCO });
    expect(h.double.allText(dm)).toContain('Assigned by Lee Walker.');
    expect(h.double.buttons(dm).map((b) => b.text)).toEqual(['Claim', 'Pass', 'Timeline']);
    await h.double.waitForUpdate(post, '✅ Lee Walker assigned it to Marco Silva at 10:43 AM CST.');
    expect(h.double.buttons(post).map((b) => b.text)).toEqual(['Reassign…', 'Timeline']);
    await h.slack.clickButton({ user: MARCO, message: dm, actionId: 'offer_claim' });
    await h.double.waitForUpdate(dm, 'Claimed by you');
    await h.settle();
    expect(query(h.dbPath, 'select status, owner_id from tasks where id = ?', id)).toEqual([
      { status: 'claimed', owner_id: MARCO },
    ]);
    expect(query(h.dbPath, 'select resolution, resolved_by, assignee from escalations')).toEqual([
      { resolution: 'assigned', resolved_by: LEE, assignee: MARCO },
    ]);
  });

  it('only team leaders may act; a second click after a leader acted is told who got there first', async () => {
    const { post } = await escalated();
    const snapshot = structuredClone(post);
    await h.slack.clickButton({ user: DANA, message: post, actionId: 'escalation_take' });
    const refused = await h.double.waitForEphemeral({ user: DANA });
    expect(refused.text).toBe(
      'Only team leaders can assign, take or return escalated leads. Nothing was changed.',
    );
    expect(query(h.dbPath, 'select resolved_at from escalations')).toEqual([{ resolved_at: null }]);

    await h.slack.clickButton({ user: LEE, message: post, actionId: 'escalation_take' });
    await h.double.waitForUpdate(post, 'Lee Walker took it');
    await h.double.waitForPost({ to: LEE });
    await h.slack.clickButton({ user: LEE, message: snapshot, actionId: 'escalation_return', stale: true });
    const late = await h.double.waitForEphemeral({ user: LEE });
    expect(late.text).toBe('Lee Walker already took it at 10:40 AM CST. Nothing was changed.');
  });

  it('Take it makes the leader the owner at once and DMs them the lead', async () => {
    const { id, post } = await escalated();
    await h.slack.clickButton({ user: LEE, message: post, actionId: 'escalation_take' });
    const dm = await h.double.waitForPost({ to: LEE });
    expect(h.double.allText(dm)).toContain('Claimed by you at 10:40 AM CST');
    await h.double.waitForUpdate(post, '✅ Lee Walker took it at 10:40 AM CST.');
    await h.settle();
    expect(query(h.dbPath, 'select status, owner_id from tasks where id = ?', id)).toEqual([
      { status: 'claimed', owner_id: LEE },
    ]);
  });

  it('Back to the pool routes it again from the top, skipping whoever passed on it', async () => {
    const res = await h.postLead(
      zillowLead({ source: 'web_form', price: 650000, address: { zip: '78703' } }),
    );
    const { id } = (await res.json()) as { id: number };
    const sams = await h.double.waitForPost({ to: SAM });
    await h.slack.clickButton({ user: SAM, message: sams, actionId: 'offer_pass' });
    const lees = await h.double.waitForPost({ to: LEE });
    await h.double.waitForUpdate(sams, 'Offered to Lee Walker');
    await h.settle();
    h.clock.advance('15m'); // Lee lets it lapse rather than passing
    await h.server.sweeper.runOnce();
    const post = await h.double.waitForPost({ to: LEADERS });
    await h.double.waitForUpdate(lees, 'It went to the team leaders.');

    await h.slack.clickButton({ user: LEE, message: post, actionId: 'escalation_return' });
    const ivy = await h.double.waitForPost({ to: IVY });
    expect(h.double.allText(ivy)).toContain('Rule *seller-lead* chose you: round robin.');
    await h.double.waitForUpdate(post, '✅ Lee Walker sent it back to the pool at 10:55 AM CST.');
    await h.settle();
    expect(
      query(h.dbPath, "select count(*) as n from events where task_id = ? and kind = 'returned'", id),
    ).toEqual([{ n: 1 }]);
  });

  it('a re-announcement held up by Slack is dropped once a leader has acted', async () => {
    const { post } = await escalated();
    h.double.fail('chat.postMessage', {
      status: 429,
      retryAfter: 60,
      when: (args) => args.thread_ts === post.ts,
    });
    h.clock.advance('15m');
    await h.server.sweeper.runOnce();
    await h.settle();
    await h.slack.clickButton({ user: LEE, message: post, actionId: 'escalation_take' });
    await h.double.waitForUpdate(post, 'took it');
    await h.double.waitForPost({ to: LEE });
    h.clock.advance('61s');
    await h.server.sweeper.runOnce();
    await h.settle();
    expect(h.double.messages.filter((m) => m.thread_ts === post.ts)).toHaveLength(0);
    expect(
      query(h.dbPath, 'select count(*) as n from notifications where rendered_version < version'),
    ).toEqual([{ n: 0 }]);
  });

  it('an escalation nobody acts on is re-announced in its thread until a leader acts', async () => {
    const { post } = await escalated();
    h.clock.advance('15m');
    await h.server.sweeper.runOnce();
    const first = await h.double.waitForPost({ to: LEADERS, thread: true });
    expect(first.thread_ts).toBe(post.ts);
    expect(first.text).toContain('Still waiting for a leader: Task from billboard #1 arrived 15 min ago.');
    h.clock.advance('10m');
    await h.server.sweeper.runOnce();
    await h.settle();
    expect(h.double.messages.filter((m) => m.thread_ts === post.ts)).toHaveLength(1);
    h.clock.advance('5m');
    await h.server.sweeper.runOnce();
    await h.double.waitForPost({ to: LEADERS, thread: true });

    await h.slack.clickButton({ user: LEE, message: post, actionId: 'escalation_take' });
    await h.double.waitForUpdate(post, 'took it');
    await h.double.waitForPost({ to: LEE });
    h.clock.advance('1h');
    await h.server.sweeper.runOnce();
    await h.settle();
    expect(h.double.messages.filter((m) => m.thread_ts === post.ts)).toHaveLength(2);
  });
});

describe('the no-contact timer', () => {
  const h = useHarness();

  async function claimed() {
    await h.postLead(zillowLead());
    const dm = await h.double.waitForPost({ to: DANA });
    await h.slack.clickButton({ user: DANA, message: dm, actionId: 'offer_claim' });
    await h.double.waitForUpdate(dm, 'Claimed by you');
    return dm;
  }

  it('a claimed lead not marked contacted gets one reminder, then goes to the leaders', async () => {
    const dm = await claimed();
    expect(h.double.allText(dm)).toContain('Mark it contacted by *10:55 AM CST*');
    h.clock.advance('15m');
    await h.server.sweeper.runOnce();
    const reminder = await h.double.waitForPost({ to: DANA, textIncludes: 'Reminder' });
    expect(reminder.text).toContain('Reach them by *11:10 AM CST*, or it goes to the team leaders.');
    expect(h.double.buttons(reminder).map((b) => b.text)).toEqual(['Mark contacted', 'Timeline']);

    h.clock.advance('15m');
    await h.server.sweeper.runOnce();
    const post = await h.double.waitForPost({ to: LEADERS });
    expect(h.double.allText(post)).toContain(
      'Dana Reyes claimed it but has not marked it contacted, even after a reminder',
    );
    await h.double.waitForUpdate(dm, 'It was not marked contacted in time, so it went to the team leaders.');
    expect(h.double.buttons(dm).map((b) => b.text)).toEqual(['Timeline']);
    // The post's ts must be stored before the reminder is due, or the sweep finds nothing to thread on.
    await h.settle();
    h.clock.advance('15m');
    await h.server.sweeper.runOnce();
    await h.double.waitForPost({ to: LEADERS, thread: true }); // the escalation's own reminder, not Dana's
    expect(h.double.messages.filter((m) => m.user === DANA)).toHaveLength(2);
  });

  it('a leader who takes a lead that lapsed on contact gets their own reminder first', async () => {
    const dm = await claimed();
    h.clock.advance('15m');
    await h.server.sweeper.runOnce();
    await h.double.waitForPost({ to: DANA, textIncludes: 'Reminder' });
    h.clock.advance('15m');
    await h.server.sweeper.runOnce();
    const post = await h.double.waitForPost({ to: LEADERS });
    await h.double.waitForUpdate(dm, 'not marked contacted in time');
    await h.slack.clickButton({ user: LEE, message: post, actionId: 'escalation_take' });
    const lees = await h.double.waitForPost({ to: LEE });
    expect(h.double.allText(lees)).toContain('Mark it contacted by *11:25 AM CST*');
    await h.double.waitForUpdate(post, 'took it');
    h.clock.advance('15m');
    await h.server.sweeper.runOnce();
    const reminder = await h.double.waitForPost({ to: LEE, textIncludes: 'Reminder' });
    expect(reminder.text).toContain('Reach them by *11:40 AM CST*');
    await h.settle();
    expect(h.double.messages.filter((m) => m.channel === LEADERS)).toHaveLength(1);
  });

  it('Mark contacted stops the timer and says so in the DM', async () => {
    const dm = await claimed();
    h.clock.advance('6m');
    await h.slack.clickButton({ user: DANA, message: dm, actionId: 'task_contacted' });
    await h.double.waitForUpdate(dm, 'Marked contacted at 10:46 AM CST.');
    expect(h.double.buttons(dm).map((b) => b.text)).toEqual(['Hand off…', 'Timeline']);
    h.clock.advance('1h');
    await h.server.sweeper.runOnce();
    await h.settle();
    expect(h.double.messages).toHaveLength(1);
  });
});

describe('two sweepers at once (two processes on one database)', () => {
  const h = useHarness();

  function sweepIn(worker: Worker): Promise<{ expired: number }> {
    return new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  }

  it('expire the same lapsed offer once and escalate once', async () => {
    const id = ((await (await h.postLead(zillowLead())).json()) as { id: number }).id;
    // Walk the chain to its last candidate, so the next lapse escalates.
    for (const agent of [DANA, IVY, PRIYA]) {
      const dm = await h.double.waitForPost({ to: agent });
      await h.settle();
      h.clock.advance('5m');
      await h.server.sweeper.runOnce();
      await h.double.waitForUpdate(dm, 'Offer expired');
    }
    const marcos = await h.double.waitForPost({ to: MARCO });
    await h.settle();
    const now = h.clock.advance('5m').getTime();

    const start = new Int32Array(new SharedArrayBuffer(4));
    const module = new URL('../support/sweep-worker.ts', import.meta.url).href;
    const workerData = { module, dbPath: h.dbPath, configPath: EXAMPLE_CONFIG, now, start };
    const shim = new URL('../support/ts-worker.mjs', import.meta.url);
    const workers = [0, 1].map(() => new Worker(shim, { workerData }));
    const results = workers.map(sweepIn);
    await new Promise((resolve) => setTimeout(resolve, 300)); // both are parked on the flag
    Atomics.store(start, 0, 1);
    Atomics.notify(start, 0);
    const outcomes = await Promise.all(results);
    await Promise.all(workers.map((w) => w.terminate()));

    expect(outcomes.map((o) => o.expired).sort()).toEqual([0, 1]);
    expect(query(h.dbPath, 'select count(*) as n from escalations where task_id = ?', id)).toEqual([
      { n: 1 },
    ]);
    expect(
      query(h.dbPath, "select count(*) as n from events where task_id = ? and kind = 'escalated'", id),
    ).toEqual([{ n: 1 }]);
    await h.server.sweeper.runOnce();
    await h.double.waitForPost({ to: LEADERS });
    await h.double.waitForUpdate(marcos, 'Offer expired');
    await h.settle();
    expect(h.double.messages.filter((m) => m.channel === LEADERS)).toHaveLength(1);
  });
});
