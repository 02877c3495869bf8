import { describe, expect, it } from 'vitest';
import { parseDispatchConfig } from '../../src/config/load-dispatch.js';
import { query } from '../support/db.js';
import { type Harness, JANE, LEADERS, useHarness, zillowLead } from '../support/harness.js';
import { DANA, IVY, LEE, MARCO, PRIYA } from '../support/team.js';

const POND = 'C0POND0001';

/**
 * Three buyer agents in the pool, Ivy (ISA) outside it, Lee leading. Buyer leads go round robin
 * with a 5 min SLA and no backup, then into the pond; open-house leads are a broadcast first.
 * Marco's own listing (tag `warm`) is his alone, so a test can put him at his cap of one a day.
 */
const config = parseDispatchConfig(`
team: { name: Pond, timezone: America/Chicago, leaders_channel: ${LEADERS}, caps: { per_day: 1 } }
sources: { zillow: buyer_lead }
agents:
  - { id: ${DANA}, name: Dana Reyes, roles: [buyer_agent] }
  - { id: ${MARCO}, name: Marco Silva, roles: [buyer_agent] }
  - { id: ${PRIYA}, name: Priya Shah, roles: [buyer_agent] }
  - { id: ${IVY}, name: Ivy Chen, roles: [isa] }
  - { id: ${LEE}, name: Lee Walker, roles: [team_leader] }
rules:
  - name: marcos-listing
    match: { tags: [warm] }
    assign: { strategy: agent, agent: ${MARCO} }
  - name: open-house
    match: { tags: [open_house] }
    assign: { strategy: broadcast, pool: { roles: [buyer_agent] } }
    sla: 10m
    pond: { channel: ${POND}, remind_every: 30m, escalate_after: 2h }
  - name: buyers
    assign: { strategy: round_robin, pool: { roles: [buyer_agent] } }
    sla: 5m
    pond: { channel: ${POND}, remind_every: 30m, escalate_after: 2h }
`);

const rows = (h: Harness, sql: string, ...params: unknown[]) => query(h.dbPath, sql, ...params);

async function postLead(h: Harness, overrides: Record<string, unknown> = {}): Promise<number> {
  const response = await h.postLead(zillowLead(overrides));
  return ((await response.json()) as { id: number }).id;
}

/** A buyer lead whose one offer lapses: it lands in the pond. Returns the task, its first offeree and the pond post. */
async function leadInPond(h: Harness, overrides: Record<string, unknown> = {}) {
  const id = await postLead(h, overrides);
  await h.settle();
  const first = String(rows(h, 'select agent_id from offers where task_id = ? order by id', id)[0]?.agent_id);
  const dm = await h.double.waitForPost({ to: first });
  h.clock.advance('5m');
  await h.server.sweeper.runOnce();
  const post = await h.double.waitForPost({ to: POND });
  await h.double.waitForUpdate(dm, 'It went into the pond');
  await h.settle();
  return { id, first, dm, post };
}

const NAMES: Record<string, string> = { [DANA]: 'Dana Reyes', [MARCO]: 'Marco Silva', [PRIYA]: 'Priya Shah' };

describe('a pond', () => {
  const h = useHarness({ config, channels: [POND] });

  it('is claimed by the third agent to look: one outside the pool and one at their cap are refused politely', async () => {
    // Marco takes his own listing first: at one claim a day, he is at his cap.
    await postLead(h, { tags: ['warm'] });
    const own = await h.double.waitForPost({ to: MARCO });
    await h.slack.clickButton({ user: MARCO, message: own, actionId: 'offer_claim' });
    await h.double.waitForUpdate(own, 'Claimed by you');
    await h.settle();

    const { id, first, post } = await leadInPond(h);
    expect(first).not.toBe(MARCO); // capped, so skipped by the rotation
    expect(h.double.allText(post)).toContain('In the pond.* Nobody in rule *buyers*');
    expect(h.double.allText(post)).toContain('anyone in its pool (3 agents) can');
    expect(h.double.buttons(post).map((b) => b.text)).toEqual(['Claim', 'Timeline']);

    await h.slack.clickButton({ user: IVY, message: post, actionId: 'offer_claim' });
    await h.double.waitForEphemeral({ user: IVY, textIncludes: "Only agents in this rule's pool can claim" });
    await h.slack.clickButton({ user: MARCO, message: post, actionId: 'offer_claim' });
    const capped = await h.double.waitForEphemeral({ user: MARCO });
    expect(capped.text).toContain('You are at your cap (1 today, the cap is 1 a day)');
    const third = [DANA, PRIYA].find((u) => u !== first) ?? PRIYA;
    await h.slack.clickButton({ user: third, message: post, actionId: 'offer_claim' });
    await h.double.waitForUpdate(post, `Claimed by ${NAMES[third]}`);
    const claimedDm = await h.double.waitForPost({ to: third });
    expect(h.double.allText(claimedDm)).toContain('Claimed by you');
    await h.settle();

    expect(rows(h, 'select status, owner_id from tasks where id = ?', id)).toEqual([
      { status: 'claimed', owner_id: third },
    ]);
    expect(
      rows(h, "select kind, actor from events where task_id = ? and kind in ('claimed', 'escalated')", id),
    ).toEqual([{ kind: 'claimed', actor: third }]);
    // Nothing went to the leaders.
    expect(h.double.messages.filter((m) => m.channel === LEADERS)).toEqual([]);
  });

  it('reminds in its thread at the interval, tells the leaders at its age, and stays claimable until claimed', async () => {
    const { id, post } = await leadInPond(h);
    h.clock.advance('29m');
    await h.server.sweeper.runOnce();
    await h.settle();
    expect(h.double.messages.filter((m) => m.thread_ts === post.ts)).toEqual([]);
    h.clock.advance('1m');
    await h.server.sweeper.runOnce();
    const reminder = await h.double.waitForPost({ to: POND, thread: true });
    expect(reminder.thread_ts).toBe(post.ts);
    expect(reminder.text).toContain('Still in the pond');
    expect(reminder.text).toContain('has waited 30 min');
    await h.settle();

    // Two hours in the pond: the leaders are told; two more reminders came meanwhile.
    h.clock.advance('30m');
    await h.server.sweeper.runOnce();
    await h.double.waitForPost({ to: POND, thread: true, textIncludes: 'has waited 1 h' });
    h.clock.advance('30m');
    await h.server.sweeper.runOnce();
    await h.double.waitForPost({ to: POND, thread: true, textIncludes: 'has waited 1 h 30 min' });
    h.clock.advance('30m');
    await h.server.sweeper.runOnce();
    const escalation = await h.double.waitForPost({ to: LEADERS });
    expect(h.double.allText(escalation)).toContain('Rule buyers: nobody has claimed it from its pond in 2 h');
    expect(h.double.allText(escalation)).toContain(
      'The pond <#C0POND0001> (3 agents can claim it) — waiting for 2 h, still open',
    );
    await h.double.waitForUpdate(
      post,
      'The team leaders were told at 12:45 PM CST; it is still yours to claim',
    );
    await h.double.waitForPost({ to: POND, thread: true, textIncludes: 'has waited 2 h' });
    await h.settle();
    expect(rows(h, 'select status from tasks where id = ?', id)).toEqual([{ status: 'escalated' }]);

    // Still claimable from the pond: the claim also resolves the leaders' post.
    await h.slack.clickButton({ user: DANA, message: post, actionId: 'offer_claim' });
    await h.double.waitForUpdate(post, 'Claimed by Dana Reyes* at 12:45 PM');
    await h.double.waitForUpdate(escalation, 'Dana Reyes claimed it from the pond at 12:45 PM');
    const dm = await h.double.waitForPost({ to: DANA, textIncludes: 'claimed' });
    expect(h.double.allText(dm)).toContain('Claimed by you');
    await h.settle();
    expect(rows(h, 'select status, owner_id from tasks where id = ?', id)).toEqual([
      { status: 'claimed', owner_id: DANA },
    ]);
    expect(rows(h, 'select resolution, resolved_by from escalations where task_id = ?', id)).toEqual([
      { resolution: 'pond', resolved_by: DANA },
    ]);
    // Closed: no more reminders.
    h.clock.advance('1h');
    await h.server.sweeper.runOnce();
    await h.settle();
  });

  it('a leader acting on the escalation takes it out of the pond', async () => {
    const { id, post } = await leadInPond(h);
    const original = structuredClone(post);
    h.clock.advance('2h');
    await h.server.sweeper.runOnce();
    const escalation = await h.double.waitForPost({ to: LEADERS });
    await h.double.waitForUpdate(post, 'The team leaders were told');
    await h.double.waitForPost({ to: POND, thread: true });
    await h.settle();
    await h.slack.clickButton({ user: LEE, message: escalation, actionId: 'escalation_take' });
    await h.double.waitForUpdate(escalation, 'Lee Walker took it');
    await h.double.waitForUpdate(post, 'Out of the pond at 12:45 PM CST: Lee Walker took it.');
    await h.double.waitForPost({ to: LEE });
    await h.settle();
    // A late click on the pond post changes nothing.
    await h.slack.clickButton({ user: PRIYA, message: original, actionId: 'offer_claim', stale: true });
    await h.double.waitForEphemeral({ user: PRIYA, textIncludes: 'Already claimed by Lee Walker' });
    expect(rows(h, 'select status, owner_id from tasks where id = ?', id)).toEqual([
      { status: 'claimed', owner_id: LEE },
    ]);
  });

  it('two agents clicking Claim at once: exactly one wins, the other hears who has it', async () => {
    const { id, post } = await leadInPond(h);
    const clicks = await Promise.all(
      [DANA, PRIYA].map((user) =>
        h.slack.clickButton({ user, message: structuredClone(post), actionId: 'offer_claim', stale: true }),
      ),
    );
    expect(clicks.every((r) => r.status === 200)).toBe(true);
    await h.double.waitFor(() => h.double.ephemerals.length === 1);
    await h.settle();
    const [task] = rows(h, 'select status, owner_id from tasks where id = ?', id);
    const winner = String(task?.owner_id);
    const loser = winner === DANA ? PRIYA : DANA;
    expect(task?.status).toBe('claimed');
    expect(rows(h, "select count(*) as n from events where task_id = ? and kind = 'claimed'", id)).toEqual([
      { n: 1 },
    ]);
    h.double.takeUpdate(post, `Claimed by ${NAMES[winner]}`);
    h.double.takeEphemeral({ user: loser, textIncludes: `Already claimed by ${NAMES[winner]}` });
    await h.double.waitForPost({ to: winner });
  });

  it('the same person writing again while the lead waits in the pond is noted in its thread', async () => {
    const { post } = await leadInPond(h, { ...JANE, externalId: 'z-first' });
    await postLead(h, { ...JANE, externalId: 'z-again' });
    const note = await h.double.waitForPost({ to: POND, thread: true, textIncludes: 'Again from' });
    expect(note.thread_ts).toBe(post.ts);
    await h.settle();
  });

  it('a broadcast counts as offered in the week of everyone in its pool, and as claimed for who took it', async () => {
    const homeOf = (user: string) =>
      JSON.stringify(
        h.double.views.filter((v) => v.method === 'views.publish' && v.userId === user).at(-1)?.view,
      );
    for (const user of [DANA, MARCO, PRIYA, IVY])
      await h.slack.sendEvent({ type: 'app_home_opened', user, tab: 'home', channel: 'D0HOME' });
    await h.postLead(zillowLead({ tags: ['open_house'] }));
    const copies = await Promise.all([DANA, MARCO, PRIYA].map((user) => h.double.waitForPost({ to: user })));
    const marcos = copies[1];
    if (!marcos) throw new Error('no copy for Marco');
    h.clock.advance('2m');
    await h.slack.clickButton({ user: MARCO, message: marcos, actionId: 'offer_claim' });
    await h.double.waitForUpdate(marcos, 'Claimed by you');
    await h.server.sweeper.runOnce();
    await h.settle();
    expect(homeOf(MARCO)).toContain('Offered 1 · claimed 1 · median time to claim: 2 min');
    for (const user of [DANA, PRIYA]) expect(homeOf(user)).toContain('Offered 1 · claimed 0');
    // Ivy is not in the pool (an ISA).
    expect(homeOf(IVY)).toContain('Offered 0 · claimed 0');
    h.double.markAllSeen();
  });

  it('a broadcast nobody claimed falls into the pond', async () => {
    const id = await postLead(h, { tags: ['open_house'] });
    const copies = await Promise.all([DANA, MARCO, PRIYA].map((user) => h.double.waitForPost({ to: user })));
    h.clock.advance('10m');
    await h.server.sweeper.runOnce();
    const post = await h.double.waitForPost({ to: POND });
    expect(h.double.allText(post)).toContain('Nobody in rule *open-house*');
    for (const copy of copies)
      await h.double.waitForUpdate(
        copy,
        "Nobody claimed it by 10:50 AM CST; it moved on. It went into the rule's pond",
      );
    await h.slack.clickButton({ user: MARCO, message: post, actionId: 'offer_claim' });
    await h.double.waitForUpdate(post, 'Claimed by Marco Silva');
    await h.double.waitForPost({ to: MARCO, textIncludes: 'claimed' });
    // Every copy of the broadcast now says who has it.
    for (const copy of copies) await h.double.waitForUpdate(copy, 'Marco Silva owns it');
    await h.settle();
    expect(rows(h, 'select status, owner_id from tasks where id = ?', id)).toEqual([
      { status: 'claimed', owner_id: MARCO },
    ]);
  });
});
