import { describe, expect, it } from 'vitest';
import { query } from '../support/db.js';
import { LEADERS, useHarness, zillowLead } from '../support/harness.js';
import { ALMA, DANA, IVY, LEE, MARCO, PRIYA, TOM } from '../support/team.js';

/** The values a modal submits: a users_select, the pool checkbox, the reason. */
const picked = (user: string | null, reason?: string, pool = false) => ({
  move_to: { value: { type: 'users_select', selected_user: user } },
  move_pool: {
    value: {
      type: 'checkboxes',
      selected_options: pool ? [{ value: 'pool', text: { type: 'plain_text', text: 'pool' } }] : [],
    },
  },
  move_reason: { value: { type: 'plain_text_input', value: reason ?? null } },
});

describe('a leader reassigns a lead that is still open', () => {
  const h = useHarness();

  async function post(body: Record<string, unknown> = zillowLead()): Promise<number> {
    const res = await h.postLead(body);
    expect(res.status).toBe(202);
    return ((await res.json()) as { id: number }).id;
  }

  async function danaClaims() {
    const id = await post();
    const dana = await h.double.waitForPost({ to: DANA });
    h.clock.advance('1m');
    await h.slack.clickButton({ user: DANA, message: dana, actionId: 'offer_claim' });
    await h.double.waitForUpdate(dana, 'Claimed by you');
    return { id, dana };
  }

  it('/dispatch reassign moves a claimed lead: both DMs change, the new agent claims, reports count it', async () => {
    const { id, dana } = await danaClaims();
    expect(h.double.buttons(dana).map((b) => b.text)).toEqual(['Mark contacted', 'Hand off…', 'Timeline']);
    const danasBefore = structuredClone(dana);
    h.clock.advance('4m');
    await h.slack.slashCommand({
      user: LEE,
      command: '/dispatch',
      text: `reassign #${id} <@${IVY}|ivy> Dana is out sick today`,
    });
    expect((await h.double.waitForEphemeral({ user: LEE })).text).toBe(
      `↪️ #${id} is offered to <@${IVY}> now; they confirm with Claim.`,
    );

    const ivy = await h.double.waitForPost({ to: IVY });
    const offered = h.double.allText(ivy);
    expect(offered).toContain('Reassigned by Lee Walker: Dana is out sick today.');
    expect(offered).toContain('Claim by *10:50 AM CST* (5 min)');
    expect(h.double.buttons(ivy).map((b) => b.text)).toEqual(['Claim', 'Pass', 'Timeline']);

    const moved = await h.double.waitForUpdate(
      dana,
      'Lee Walker reassigned it to Ivy Chen* at 10:45 AM CST: “Dana is out sick today”',
    );
    expect(h.double.allText(moved)).toContain('You claimed it at 10:41 AM CST.');
    expect(h.double.buttons(dana).map((b) => b.text)).toEqual(['Timeline']);
    // Dana can no longer act on it: her old Mark contacted (on a device not yet refreshed) is refused.
    await h.slack.clickButton({ user: DANA, message: danasBefore, actionId: 'task_contacted', stale: true });
    expect((await h.double.waitForEphemeral({ user: DANA })).text).toBe(
      'Only the agent who owns this lead can mark it contacted.',
    );
    expect(query(h.dbPath, 'select status, owner_id, contact_due_at from tasks where id = ?', id)).toEqual([
      { status: 'offered', owner_id: null, contact_due_at: null },
    ]);

    h.clock.advance('1m');
    await h.slack.clickButton({ user: IVY, message: ivy, actionId: 'offer_claim' });
    await h.double.waitForUpdate(ivy, 'Claimed by you at 10:46 AM CST');
    expect(h.double.buttons(ivy).map((b) => b.text)).toEqual(['Mark contacted', 'Hand off…', 'Timeline']);
    await h.settle();
    expect(query(h.dbPath, 'select status, owner_id from tasks where id = ?', id)).toEqual([
      { status: 'claimed', owner_id: IVY },
    ]);

    await h.slack.clickButton({ user: LEE, message: ivy, actionId: 'task_timeline' });
    const timeline = (await h.double.waitForEphemeral({ user: LEE })).text ?? '';
    expect(timeline).toContain(
      '10:45 AM CST — Lee Walker reassigned it from Dana Reyes to Ivy Chen: “Dana is out sick today”',
    );
    expect(timeline).toContain('10:46 AM CST — claimed by Ivy Chen');

    await h.slack.slashCommand({ user: LEE, command: '/dispatch', text: 'stats' });
    const stats = h.double.allText(await h.double.waitForEphemeral({ user: LEE }));
    expect(stats).toMatch(/Misassignment rate +100% \(1\/1\)/);
    // Ivy's offer was the leader's pick, not the rules' next try.
    expect(stats).toMatch(/Re-dispatches per lead +0\.00/);
  });

  it('Reassign… on a resolved escalation opens a modal; the submit moves a live offer', async () => {
    const id = await post(zillowLead({ source: 'relocation_partner', type: 'relocation' }));
    const escalation = await h.double.waitForPost({ to: LEADERS });
    await h.slack.selectUser({
      user: LEE,
      message: escalation,
      actionId: 'escalation_assign',
      selectedUser: MARCO,
    });
    const marco = await h.double.waitForPost({ to: MARCO });
    const marcosBefore = structuredClone(marco);
    await h.double.waitForUpdate(escalation, 'Lee Walker assigned it to Marco Silva');
    expect(h.double.buttons(escalation).map((b) => b.text)).toEqual(['Reassign…', 'Timeline']);

    await h.slack.clickButton({ user: LEE, message: escalation, actionId: 'task_reassign' });
    const modal = await h.double.waitFor(() =>
      h.double.views.find((v) => v.view.callback_id === 'reassign_modal'),
    );
    expect(modal.userId).toBe(LEE);
    const res = await h.slack.submitView({ user: LEE, callbackId: 'reassign_modal', values: picked(PRIYA) });
    expect(res.status).toBe(200);

    const priya = await h.double.waitForPost({ to: PRIYA });
    expect(h.double.allText(priya)).toContain('Reassigned by Lee Walker.');
    const update = await h.double.waitForUpdate(
      marco,
      'Lee Walker reassigned it to Priya Nair* at 10:40 AM CST.',
    );
    expect(h.double.allText(update)).not.toContain('You claimed it');
    expect(h.double.buttons(marco).map((b) => b.text)).toEqual(['Timeline']);
    await h.settle();
    expect(query(h.dbPath, 'select agent_id, status from offers where task_id = ? order by id', id)).toEqual([
      { agent_id: MARCO, status: 'reassigned' },
      { agent_id: PRIYA, status: 'live' },
    ]);
    // Marco's Claim from before is refused and changes nothing.
    await h.slack.clickButton({ user: MARCO, message: marcosBefore, actionId: 'offer_claim', stale: true });
    expect((await h.double.waitForEphemeral({ user: MARCO })).text).toContain('Nothing was changed.');
  });

  it("a leader's copy of a lead carries Reassign… while the lead is open", async () => {
    await post({
      source: 'dotloop',
      externalId: 'dl-1',
      firstName: 'Jane',
      email: 'jane.milestone@example.com',
      message: 'Offer accepted; option period ends Friday',
    });
    const tom = await h.double.waitForPost({ to: TOM });
    const cc = await h.double.waitForPost({ to: LEE });
    expect(h.double.buttons(cc).map((b) => b.text)).toEqual(['Reassign…', 'Timeline']);
    await h.slack.clickButton({ user: LEE, message: cc, actionId: 'task_reassign' });
    await h.double.waitFor(() => h.double.views.find((v) => v.view.callback_id === 'reassign_modal'));
    await h.slack.submitView({
      user: LEE,
      callbackId: 'reassign_modal',
      values: picked(ALMA, 'Tom is at a closing'),
    });
    const alma = await h.double.waitForPost({ to: ALMA });
    expect(h.double.allText(alma)).toContain('Reassigned by Lee Walker: Tom is at a closing.');
    await h.double.waitForUpdate(tom, 'Lee Walker reassigned it to Alma Ortiz');
    await h.double.waitForUpdate(cc, 'Offered to Alma Ortiz.');
    h.clock.advance('1m');
    await h.slack.clickButton({ user: ALMA, message: alma, actionId: 'offer_claim' });
    await h.double.waitForUpdate(alma, 'Claimed by you');
    await h.double.waitForUpdate(cc, 'Alma Ortiz* owns it');
    expect(h.double.buttons(cc).map((b) => b.text)).toEqual(['Reassign…', 'Timeline']);
  });

  it('a leader picking someone who is away is told so, and nothing changes', async () => {
    const { id } = await danaClaims();
    await h.slack.slashCommand({ user: MARCO, command: '/away', text: '2h' });
    await h.double.waitForEphemeral({ user: MARCO });
    await h.slack.slashCommand({ user: LEE, command: '/dispatch', text: `reassign ${id} <@${MARCO}>` });
    expect((await h.double.waitForEphemeral({ user: LEE })).text).toBe(
      'Marco Silva is not available right now (inactive or away). Pick someone else.',
    );
    expect(query(h.dbPath, 'select status, owner_id from tasks where id = ?', id)).toEqual([
      { status: 'claimed', owner_id: DANA },
    ]);
  });

  it('a non-leader can neither open Reassign… nor use the command', async () => {
    const { id } = await danaClaims();
    await h.slack.slashCommand({ user: PRIYA, command: '/dispatch', text: `reassign #${id} <@${PRIYA}>` });
    expect((await h.double.waitForEphemeral({ user: PRIYA })).text).toBe(
      'Only team leaders can reassign a lead. Nothing was changed.',
    );

    await post(zillowLead({ source: 'relocation_partner', type: 'relocation' }));
    const escalation = await h.double.waitForPost({ to: LEADERS });
    await h.slack.selectUser({
      user: LEE,
      message: escalation,
      actionId: 'escalation_assign',
      selectedUser: MARCO,
    });
    await h.double.waitForPost({ to: MARCO });
    await h.double.waitForUpdate(escalation, 'assigned it to Marco Silva');
    await h.slack.clickButton({ user: PRIYA, message: escalation, actionId: 'task_reassign' });
    expect((await h.double.waitForEphemeral({ user: PRIYA })).text).toBe(
      'Only team leaders can reassign a lead. Nothing was changed.',
    );
    expect(h.double.views.filter((v) => v.view.callback_id === 'reassign_modal')).toHaveLength(0);
    // A forged submission is refused too, in the modal.
    const res = await h.slack.submitView({
      user: PRIYA,
      callbackId: 'reassign_modal',
      privateMetadata: String(id),
      values: picked(PRIYA),
    });
    expect(await res.json()).toEqual({
      response_action: 'errors',
      errors: { move_to: 'Only team leaders can reassign a lead. Nothing was changed.' },
    });
    await h.settle();
    expect(query(h.dbPath, "select count(*) as n from events where kind = 'reassigned'")).toEqual([{ n: 0 }]);
  });

  it('/dispatch reassign with bad text answers with the usage and an example', async () => {
    for (const text of ['reassign', 'reassign ivy', 'reassign #12', 'reassign #12 ivy']) {
      await h.slack.slashCommand({ user: LEE, command: '/dispatch', text });
      const note = (await h.double.waitForEphemeral({ user: LEE })).text ?? '';
      expect(note).toContain('Usage: `/dispatch reassign #<lead> @<agent> [reason]`');
      expect(note).toContain('Example: `/dispatch reassign #123 @ivy Dana is out sick today`');
    }
    await h.slack.slashCommand({ user: LEE, command: '/dispatch', text: `reassign #999 <@${IVY}>` });
    expect((await h.double.waitForEphemeral({ user: LEE })).text).toBe(
      'There is no such lead. Nothing was changed.',
    );
  });
});

describe('an agent hands off their own lead', () => {
  const h = useHarness();

  async function claimedByDana() {
    const res = await h.postLead(zillowLead());
    const { id } = (await res.json()) as { id: number };
    const dana = await h.double.waitForPost({ to: DANA });
    await h.slack.clickButton({ user: DANA, message: dana, actionId: 'offer_claim' });
    await h.double.waitForUpdate(dana, 'Claimed by you');
    await h.slack.clickButton({ user: DANA, message: dana, actionId: 'offer_hand_off' });
    const modal = await h.double.waitFor(() =>
      h.double.views.find((v) => v.view.callback_id === 'hand_off_modal'),
    );
    expect(modal.userId).toBe(DANA);
    return { id, dana };
  }

  it('to a teammate who lets it lapse: it goes on down the chain', async () => {
    const { id, dana } = await claimedByDana();
    h.clock.advance('2m');
    const both = await h.slack.submitView({
      user: DANA,
      callbackId: 'hand_off_modal',
      values: picked(MARCO, 'sick', true),
    });
    expect(await both.json()).toEqual({
      response_action: 'errors',
      errors: { move_to: "Pick a teammate or the rule's pool, not both." },
    });
    await h.slack.submitView({
      user: DANA,
      callbackId: 'hand_off_modal',
      values: picked(MARCO, 'Sick today'),
    });

    const marco = await h.double.waitForPost({ to: MARCO });
    expect(h.double.allText(marco)).toContain('Handed off by Dana Reyes: Sick today.');
    expect(h.double.buttons(marco).map((b) => b.text)).toEqual(['Claim', 'Pass', 'Timeline']);
    await h.double.waitForUpdate(dana, 'You handed it off* to *Marco Silva* at 10:42 AM CST: “Sick today”');
    expect(h.double.buttons(dana).map((b) => b.text)).toEqual(['Timeline']);

    await h.settle();
    h.clock.advance('5m');
    await h.server.sweeper.runOnce();
    const ivy = await h.double.waitForPost({ to: IVY });
    expect(h.double.allText(ivy)).toContain('Rule *portal-buyer-lead* chose you: backup');
    await h.double.waitForUpdate(marco, 'Offer expired at 10:47 AM CST. Offered to Ivy Chen.');
    await h.settle();
    expect(query(h.dbPath, 'select agent_id, status from offers where task_id = ? order by id', id)).toEqual([
      { agent_id: DANA, status: 'claimed' },
      { agent_id: MARCO, status: 'expired' },
      { agent_id: IVY, status: 'live' },
    ]);
    // Dana's old Hand off… no longer opens anything: it is not hers now.
    await h.slack.clickButton({ user: DANA, message: structuredClone(dana), actionId: 'task_timeline' });
    expect((await h.double.waitForEphemeral({ user: DANA })).text).toContain(
      'Dana Reyes handed it off to Marco Silva: “Sick today”',
    );
  });

  it("back to the rule's pool: routed again without the one who handed it back", async () => {
    const { id, dana } = await claimedByDana();
    await h.slack.submitView({
      user: DANA,
      callbackId: 'hand_off_modal',
      values: picked(null, 'Conflict', true),
    });
    const priya = await h.double.waitForPost({ to: PRIYA });
    expect(h.double.allText(priya)).toContain('Rule *portal-buyer-lead* chose you: round robin');
    await h.double.waitForUpdate(
      dana,
      "You handed it off* back to the rule's pool at 10:40 AM CST: “Conflict”",
    );
    await h.settle();
    expect(query(h.dbPath, 'select status, owner_id from tasks where id = ?', id)).toEqual([
      { status: 'offered', owner_id: null },
    ]);
  });

  it('someone who does not own the lead cannot hand it off', async () => {
    const { dana } = await claimedByDana();
    await h.slack.clickButton({ user: PRIYA, message: dana, actionId: 'offer_hand_off' });
    expect((await h.double.waitForEphemeral({ user: PRIYA })).text).toBe(
      'Only the agent who owns this lead now can hand it off. Nothing was changed.',
    );
  });
});
