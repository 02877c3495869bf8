import { describe, expect, it } from 'vitest';
import { query } from '../support/db.js';
import { type Harness, JANE, useHarness, zillowLead } from '../support/harness.js';
import { DANA, IVY, PRIYA } from '../support/team.js';

function rows(h: Harness, sql: string, ...params: unknown[]) {
  return query(h.dbPath, sql, ...params);
}

describe('a lead in over HTTP, offered by DM, claimed exactly once', () => {
  const h = useHarness();

  it('DMs the zip expert with the lead, the rule, the deadline and Claim/Pass buttons', async () => {
    const res = await h.postLead(zillowLead({ externalId: 'z-1001', ...JANE }));
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: number };

    const dm = await h.double.waitForPost({ to: DANA });
    expect(dm.channel).toMatch(/^D/);
    const text = h.double.allText(dm);
    expect(text).toContain(`Buyer lead from Zillow · #${id}`);
    expect(dm.text).toMatch(/^New buyer lead from Zillow: Jane Buyer — claim by 10:45 AM CST/);
    expect(text).toContain('Jane Buyer');
    expect(text).toContain('<tel:+15125550142|(512) 555-0142>');
    expect(text).toContain('<mailto:jane.buyer@example.com|jane.buyer@example.com>');
    expect(text).toContain('12 Elm St, Austin, TX 78701');
    expect(text).toContain('$450,000');
    expect(text).toContain('&lt;3 bedrooms &amp; a yard&gt;');
    expect(text).toContain('Rule *portal-buyer-lead* chose you: round robin, covers 78701');
    expect(text).toContain('Claim by *10:45 AM CST* (5 min)');
    expect(h.double.buttons(dm).map((b) => b.text)).toEqual(['Claim', 'Pass', 'Timeline']);

    await h.settle(); // the double has the DM; let the app record its channel and ts
    const [task] = rows(h, 'select status, type, rule_name, owner_id from tasks where id = ?', id);
    expect(task).toEqual({
      status: 'offered',
      type: 'buyer_lead',
      rule_name: 'portal-buyer-lead',
      owner_id: null,
    });
    const [offer] = rows(h, 'select agent_id, status, dm_channel, dm_ts from offers where task_id = ?', id);
    expect(offer).toMatchObject({ agent_id: DANA, status: 'live', dm_channel: dm.channel, dm_ts: dm.ts });
    const kinds = rows(h, 'select kind from events where task_id = ? order by id', id).map((e) => e.kind);
    expect(kinds).toEqual(['received', 'classified', 'routed', 'offered']);
  });

  it('Claim updates the DM in place, removes the buttons and records the owner', async () => {
    const { id } = (await (await h.postLead(zillowLead())).json()) as { id: number };
    const dm = await h.double.waitForPost({ to: DANA });
    h.clock.advance('38s');
    const click = await h.slack.clickButton({ user: DANA, message: dm, actionId: 'offer_claim' });
    expect(click.status).toBe(200);

    const update = await h.double.waitForUpdate(dm);
    const text = h.double.allText({ ...dm, blocks: update.blocks });
    expect(text).toContain('Claimed by you at 10:40 AM CST*, 38 s after it arrived.');
    expect(h.double.buttons(dm).map((b) => b.text)).toEqual(['Mark contacted', 'Hand off…', 'Timeline']);
    const [task] = rows(h, 'select status, owner_id, claimed_at from tasks where id = ?', id);
    expect(task).toMatchObject({ status: 'claimed', owner_id: DANA, claimed_at: h.clock.now().getTime() });
    const claims = rows(h, "select actor from events where task_id = ? and kind = 'claimed'", id);
    expect(claims).toEqual([{ actor: DANA }]);
  });

  it('a second click on a claimed offer gets an ephemeral and changes nothing', async () => {
    await h.postLead(zillowLead());
    const dm = await h.double.waitForPost({ to: DANA });
    const snapshot = structuredClone(dm);
    await h.slack.clickButton({ user: DANA, message: dm, actionId: 'offer_claim' });
    await h.double.waitForUpdate(dm);
    h.clock.advance('2m');

    await h.slack.clickButton({ user: DANA, message: snapshot, actionId: 'offer_claim', stale: true });
    const note = await h.double.waitForEphemeral({ user: DANA });
    expect(note.text).toBe("You already claimed this lead at 10:40 AM CST. It's yours.");
    await h.slack.clickButton({ user: DANA, message: snapshot, actionId: 'offer_pass', stale: true });
    expect((await h.double.waitForEphemeral({ user: DANA })).text).toContain('already claimed');
    await h.settle();
    expect(rows(h, "select count(*) as n from events where kind in ('claimed', 'passed')")).toEqual([
      { n: 1 },
    ]);
  });

  it('someone other than the offered agent cannot claim it, and is not told whose lead it is', async () => {
    await h.postLead(zillowLead());
    const dm = await h.double.waitForPost({ to: DANA });
    await h.slack.clickButton({ user: PRIYA, message: dm, actionId: 'offer_claim' });
    const note = await h.double.waitForEphemeral({ user: PRIYA });
    expect(note.text).toBe('This lead was offered to someone else, not to you. Nothing was changed.');
    expect(note.text).not.toContain('Dana');
    await h.slack.clickButton({ user: PRIYA, message: dm, actionId: 'offer_pass' });
    expect((await h.double.waitForEphemeral({ user: PRIYA })).text).not.toContain('Dana');
    expect(rows(h, 'select status from offers')).toEqual([{ status: 'live' }]);
  });

  it('20 concurrent Claim clicks give exactly one claim, one event and one update', async () => {
    const { id } = (await (await h.postLead(zillowLead())).json()) as { id: number };
    const dm = await h.double.waitForPost({ to: DANA });
    const snapshot = structuredClone(dm);
    const clicks = await Promise.all(
      Array.from({ length: 20 }, () =>
        h.slack.clickButton({ user: DANA, message: snapshot, actionId: 'offer_claim', stale: true }),
      ),
    );
    expect(clicks.every((r) => r.status === 200)).toBe(true);
    await h.double.waitFor(() => h.double.ephemerals.length === 19);
    await h.settle();

    expect(rows(h, "select count(*) as n from events where task_id = ? and kind = 'claimed'", id)).toEqual([
      { n: 1 },
    ]);
    expect(rows(h, 'select status, owner_id from tasks where id = ?', id)).toEqual([
      { status: 'claimed', owner_id: DANA },
    ]);
    expect(h.double.callsTo('chat.update')).toHaveLength(1);
    h.double.takeUpdate(dm, 'Claimed by you');
    for (let i = 0; i < 19; i++)
      h.double.takeEphemeral({ user: DANA, textIncludes: 'You already claimed this lead' });
  });

  it('Pass offers the lead to the next in the chain (the ISA backup) at once and says so in the first DM', async () => {
    const { id } = (await (await h.postLead(zillowLead())).json()) as { id: number };
    const first = await h.double.waitForPost({ to: DANA });
    h.clock.advance('1m');
    await h.slack.clickButton({ user: DANA, message: first, actionId: 'offer_pass' });

    const second = await h.double.waitForPost({ to: IVY });
    expect(h.double.allText(second)).toContain('Rule *portal-buyer-lead* chose you: backup: ISA.');
    expect(h.double.buttons(second).map((b) => b.text)).toEqual(['Claim', 'Pass', 'Timeline']);
    const update = await h.double.waitForUpdate(first);
    expect(h.double.allText({ ...first, blocks: update.blocks })).toContain(
      'You passed at 10:41 AM CST. Offered to Ivy Chen.',
    );
    expect(h.double.buttons(first).map((b) => b.text)).toEqual([
      'Wrong area',
      'Price point',
      'Conflict',
      'Other',
      'Timeline',
    ]);
    const offers = rows(h, 'select agent_id, status, position from offers where task_id = ? order by id', id);
    expect(offers).toEqual([
      { agent_id: DANA, status: 'passed', position: 0 },
      { agent_id: IVY, status: 'live', position: 1 },
    ]);
  });
});
