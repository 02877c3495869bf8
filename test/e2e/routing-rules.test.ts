import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDispatchConfig } from '../../src/config/load-dispatch.js';
import { pickWeightedRoundRobin } from '../../src/core/weighted-round-robin.js';
import { query } from '../support/db.js';
import {
  EXAMPLE_CONFIG,
  type Harness,
  JANE,
  LEADERS,
  startHarness,
  useHarness,
  zillowLead,
} from '../support/harness.js';
import { ALMA, DANA, IVY, LEE, MARCO, PRIYA, TOM } from '../support/team.js';

function rows(h: Harness, sql: string, ...params: unknown[]) {
  return query(h.dbPath, sql, ...params);
}

const exampleText = readFileSync(EXAMPLE_CONFIG, 'utf8');

/** The example config with one agent's line patched (e.g. to cap or deactivate them). */
function exampleWith(replace: [string, string][]) {
  let text = exampleText;
  for (const [from, to] of replace) {
    if (!text.includes(from)) throw new Error(`example config has no ${from}`);
    text = text.replace(from, to);
  }
  return parseDispatchConfig(text);
}

async function claim(h: Harness, user: string) {
  const dm = await h.double.waitForPost({ to: user });
  await h.slack.clickButton({ user, message: dm, actionId: 'offer_claim' });
  await h.double.waitForUpdate(dm, 'Claimed by you');
  await h.settle();
  return dm;
}

async function janeClaimedByDana(h: Harness): Promise<number> {
  const { id } = (await (await h.postLead(zillowLead({ ...JANE, externalId: 'z-jane' }))).json()) as {
    id: number;
  };
  await claim(h, DANA);
  return id;
}

describe('the original agent, watchers and duplicates', () => {
  const h = useHarness();

  it('a contract milestone goes to the TC; the original agent is notified by DM and the leader cc’d, and both follow it', async () => {
    await janeClaimedByDana(h);
    await h.postLead({
      source: 'dotloop',
      externalId: 'dl-77',
      firstName: 'Jane',
      lastName: 'Buyer',
      email: 'JANE.BUYER@example.com',
      address: { street: '12 Elm St', city: 'Austin', state: 'TX', zip: '78701' },
      message: 'Offer accepted; option period ends Friday',
    });
    const tc = await h.double.waitForPost({ to: TOM });
    expect(h.double.buttons(tc).map((b) => b.text)).toEqual(['Claim', 'Pass', 'Timeline']);
    expect(h.double.allText(tc)).toContain(
      'Rule *contract-milestone* chose you: the transaction coordinator.',
    );

    const fyi = await h.double.waitForPost({ to: DANA });
    expect(fyi.text).toMatch(/^For your information: Contract milestone from dotloop/);
    expect(h.double.allText(fyi)).toContain('You are notified by rule *contract-milestone*');
    expect(h.double.allText(fyi)).toContain('Offered to Tom Becker.');
    expect(h.double.allText(fyi)).toContain('jane.buyer@example.com');
    expect(h.double.buttons(fyi).map((b) => b.text)).toEqual(['Timeline']);

    const cc = await h.double.waitForPost({ to: LEE });
    expect(cc.text).toMatch(/^cc: Contract milestone from dotloop · #2/);
    expect(h.double.allText(cc)).toContain("You are cc'd by rule *contract-milestone*.");
    expect(h.double.allText(cc)).not.toContain('jane.buyer@example.com');

    h.clock.advance('3m');
    await h.slack.clickButton({ user: TOM, message: tc, actionId: 'offer_claim' });
    await h.double.waitForUpdate(tc, 'Claimed by you');
    expect(h.double.allText(await h.double.waitForUpdate(fyi, 'Tom Becker* owns it'))).toContain(
      'claimed at 10:43 AM',
    );
    await h.double.waitForUpdate(cc, 'Tom Becker* owns it');
    await h.settle();
  });

  it('a post-close follow-up finds the agent of the contact’s earlier lead by phone, and the backup is told why when they are away', async () => {
    const first = await janeClaimedByDana(h);
    await h.postLead({
      source: 'closing_followup',
      externalId: 'cf-1',
      firstName: 'Jane',
      phone: '512.555.0142',
    });
    const dm = await h.double.waitForPost({ to: DANA });
    expect(h.double.allText(dm)).toContain(
      `Rule *post-close* chose you: the original agent (owned #${first}, same phone).`,
    );

    await h.slack.slashCommand({ user: DANA, command: '/away', text: 'until tomorrow 9am' });
    await h.double.waitForEphemeral({ user: DANA });
    await h.settle();
    h.double.markAllSeen();
    await h.postLead({ source: 'closing_followup', externalId: 'cf-2', email: JANE.email });
    const backup = await h.double.waitForPost({ to: ALMA });
    expect(h.double.allText(backup)).toContain(
      'Rule *post-close* chose you: backup: admin (the original agent Dana Reyes is not available).',
    );
    await h.settle();
  });

  it('the same person again from another source, formatted differently, is a note to the owner, not a new lead', async () => {
    const first = await janeClaimedByDana(h);
    const res = await h.postLead({
      source: 'realtor.com',
      externalId: 'rdc-9',
      firstName: 'Jane',
      lastName: 'Buyer',
      phone: '+1 512.555.0142',
      email: 'Jane.Buyer@EXAMPLE.com',
      message: 'Is the Elm St house still available?',
    });
    const { id: second } = (await res.json()) as { id: number };
    const note = await h.double.waitForPost({ to: DANA, thread: true });
    expect(note.text).toBe('Again from Realtor.com: Is the Elm St house still available?');
    expect(h.double.allText(note)).toContain('🔁 *Again from Realtor.com*: new message “Is the Elm St house');
    expect(h.double.allText(note)).toContain(`Kept on #${first}, not dispatched again.`);
    await h.settle();
    expect(rows(h, 'select status, duplicate_of from tasks where id = ?', second)).toEqual([
      { status: 'merged', duplicate_of: first },
    ]);
    expect(rows(h, 'select count(*) as n from offers where task_id = ?', second)).toEqual([{ n: 0 }]);
    expect(
      rows(h, "select detail from events where task_id = ? and kind = 'duplicate_contact'", first).map((r) =>
        JSON.parse(String(r.detail)),
      ),
    ).toEqual([{ taskId: second, source: 'realtor.com', matchedOn: 'phone' }]);
  });

  it('when the owner has been made inactive, the repeat is routed as new and the offer shows the history', async () => {
    const first = await janeClaimedByDana(h);
    await h.restart(
      exampleWith([
        [
          'roles: [buyer_agent],\n      zips: ["78701", "78702", "78703"],',
          'roles: [buyer_agent],\n      active: false,\n      zips: ["78701", "78702", "78703"],',
        ],
      ]),
    );
    await h.postLead({ source: 'realtor.com', externalId: 'rdc-10', firstName: 'Jane', email: JANE.email });
    const dm = await h.double.waitForPost({ to: PRIYA });
    expect(h.double.allText(dm)).toContain(
      `🔁 *Seen before:* #${first} buyer lead from zillow, 10:40 AM CST, owned by Dana Reyes (inactive)`,
    );
    await h.settle();
  });
});

describe('a repeat while the first lead is held overnight', () => {
  const h = useHarness({ now: '2026-11-25T03:00:00Z' }); // 9 PM in Chicago

  it('is kept on the held lead, and the morning offer shows what they said', async () => {
    await h.postLead(zillowLead({ source: 'idx_form', ...JANE }));
    await h.settle();
    h.clock.advance('30m');
    await h.postLead({
      source: 'realtor.com',
      externalId: 'rdc-night',
      email: JANE.email,
      message: 'Call me after 5pm please; also interested in 12 Oak',
    });
    await h.settle();
    expect(rows(h, 'select status from tasks order by id')).toEqual([
      { status: 'held' },
      { status: 'merged' },
    ]);
    h.clock.set('2026-11-25T13:00:00Z'); // 7 AM: the ISA starts
    await h.server.sweeper.runOnce();
    const dm = await h.double.waitForPost({ to: IVY });
    expect(h.double.allText(dm)).toContain(
      '🔁 *Again from Realtor.com*, Tue, Nov 24 at 9:30 PM CST: “Call me after 5pm please; also interested in 12 Oak”',
    );
    await h.settle();
  });
});

describe('skills', () => {
  const h = useHarness();

  it('a Spanish-speaking buyer in 78746 goes to the agent who speaks Spanish, and the DM says why', async () => {
    await h.postLead(zillowLead({ language: 'es', address: { city: 'Austin', zip: '78746' } }));
    const dm = await h.double.waitForPost({ to: DANA });
    const text = h.double.allText(dm);
    expect(text).toContain('*Language*\nSpanish');
    expect(text).toContain(
      'Rule *portal-buyer-lead* chose you: round robin, speaks Spanish, works in Austin.',
    );
    await h.settle();
  });

  it('a $950K lead skips the agent whose price band stops at $600K even in his own zip', async () => {
    await h.postLead(zillowLead({ price: 950000, address: { zip: '78745' } }));
    const dm = await h.double.waitForPost({ to: PRIYA });
    expect(h.double.allText(dm)).toContain('takes any price ($950K)');
    await h.settle();
  });
});

describe('caps', () => {
  const h = useHarness({ config: exampleWith([['caps: { open: 5, per_day: 8 }', 'caps: { open: 1 }']]) });

  it('a capped agent is skipped, keeping her place in the rotation, and is back once under the cap', async () => {
    const lead = () => h.postLead(zillowLead({ address: { zip: '78701' } }));
    await lead();
    const first = await h.double.waitForPost({ to: DANA });
    await lead();
    await h.double.waitForPost({ to: PRIYA });
    await lead(); // Dana's turn (weight 2), but her one open offer is her cap
    await h.double.waitForPost({ to: PRIYA });
    expect(rows(h, 'select count(*) as n from offers where agent_id = ?', DANA)).toEqual([{ n: 1 }]);
    await h.slack.slashCommand({ user: LEE, command: '/dispatch', text: 'who' });
    const who = await h.double.waitForEphemeral({ user: LEE });
    expect(who.text).toContain('⚖️ *Dana Reyes* — at their cap (1 open, the cap is 1), skipped for new leads');

    await h.slack.clickButton({ user: DANA, message: first, actionId: 'offer_claim' });
    const claimed = await h.double.waitForUpdate(first, 'Claimed by you');
    await lead(); // claimed but not yet contacted still counts as open
    await h.double.waitForPost({ to: PRIYA });
    await h.slack.clickButton({
      user: DANA,
      message: { ...first, blocks: claimed.blocks },
      actionId: 'task_contacted',
    });
    await h.double.waitForUpdate(first, 'Marked contacted');
    // Under the cap again she is first: she kept her turn while she was capped.
    await lead();
    await h.double.waitForPost({ to: DANA });
    await h.settle();
  });
});

describe('caps guide routing, not leaders', () => {
  const h = useHarness({ config: exampleWith([['caps: { open: 5, per_day: 8 }', 'caps: { open: 1 }']]) });

  it('a leader may assign a lead to an agent at her cap', async () => {
    await h.postLead(zillowLead({ address: { zip: '78701' } }));
    await h.double.waitForPost({ to: DANA }); // her one open offer: she is at her cap
    await h.postLead(zillowLead({ type: 'relocation', externalId: 'reloc-1' }));
    const post = await h.double.waitForPost({ to: LEADERS });
    await h.settle();
    await h.slack.selectUser({ user: LEE, message: post, actionId: 'escalation_assign', selectedUser: DANA });
    const dm = await h.double.waitForPost({ to: DANA });
    expect(h.double.allText(dm)).toContain('Assigned by Lee Walker.');
    await h.double.waitForUpdate(post, 'assigned it to Dana Reyes');
    await h.settle();
  });
});

describe('caps count only leads still to be worked', () => {
  const h = useHarness({ config: exampleWith([['caps: { open: 5, per_day: 8 }', 'caps: { open: 1 }']]) });

  it('a claim on a rule without a contact timer is worked, so it does not hold a cap', async () => {
    const idx = () => h.postLead(zillowLead({ source: 'idx_form', address: { zip: '78701' } }));
    await idx();
    await claim(h, DANA);
    await idx();
    await h.double.waitForPost({ to: PRIYA });
    await idx(); // Dana's turn; her claimed IDX lead needs no Mark contacted, so she is under her cap
    await h.double.waitForPost({ to: DANA });
    await h.settle();
  });
});

describe('first to claim and caps', () => {
  const h = useHarness({ config: exampleWith([['caps: { open: 5, per_day: 8 }', 'caps: { per_day: 1 }']]) });

  it('a member who reached their cap since the broadcast went out cannot take another; the others still can', async () => {
    await h.postLead(zillowLead({ tags: ['open_house'] }));
    const first = await h.double.waitForPost({ to: DANA });
    for (const user of [MARCO, PRIYA]) await h.double.waitForPost({ to: user });
    await h.postLead(zillowLead({ tags: ['open_house'] }));
    const second = await h.double.waitForPost({ to: DANA });
    const others = await Promise.all([MARCO, PRIYA].map((user) => h.double.waitForPost({ to: user })));
    await h.slack.clickButton({ user: DANA, message: first, actionId: 'offer_claim' });
    await h.double.waitForUpdate(first, 'Claimed by you');
    await h.settle();
    h.double.markAllSeen(); // the other copies of the first lead now say Dana has it

    await h.slack.clickButton({ user: DANA, message: second, actionId: 'offer_claim' });
    const refusal = await h.double.waitForEphemeral({ user: DANA });
    expect(refusal.text).toBe(
      'You are at your cap (1 today, the cap is 1 a day), so this one is left for the others. Mark your claimed leads contacted to take more.',
    );
    const marcos = others[0];
    if (!marcos) throw new Error('no copy for Marco');
    await h.slack.clickButton({ user: MARCO, message: marcos, actionId: 'offer_claim' });
    await h.double.waitForUpdate(marcos, 'Claimed by you');
    await h.double.waitForUpdate(second, 'Claimed by Marco Silva');
    await h.settle();
    h.double.markAllSeen();
  });
});

const POOL = Array.from({ length: 10 }, (_, i) => `U0POOL${String(i).padStart(3, '0')}`);

const broadcastConfig = (channel?: string) =>
  parseDispatchConfig(`
team: { name: Pool, timezone: America/Chicago, leaders_channel: ${LEADERS} }
sources: { zillow: buyer_lead }
agents:
${POOL.map((id, i) => `  - { id: ${id}, name: Agent ${i}, roles: [buyer_agent] }`).join('\n')}
  - { id: ${IVY}, name: Ivy Chen, roles: [isa] }
rules:
  - name: open-house
    match: { tags: [open_house] }
    assign: { strategy: broadcast, pool: { roles: [buyer_agent] }${channel ? `, channel: ${channel}` : ''} }
    sla: 10m
    fallback: [{ role: isa }]
`);

describe('first to claim', () => {
  const h = useHarness({ config: broadcastConfig() });

  it('10 members click Claim at once: exactly one wins and every copy says who', async () => {
    const { id } = (await (await h.postLead(zillowLead({ tags: ['open_house'] }))).json()) as { id: number };
    const copies = await Promise.all(POOL.map((user) => h.double.waitForPost({ to: user })));
    for (const copy of copies) {
      expect(h.double.buttons(copy).map((b) => b.text)).toEqual(['Claim', 'Timeline']);
      expect(h.double.allText(copy)).toContain('First to claim wins.* Offered to 10 agents at once');
    }
    const clicks = await Promise.all(
      copies.map((copy, i) =>
        h.slack.clickButton({
          user: POOL[i] ?? '',
          message: structuredClone(copy),
          actionId: 'offer_claim',
          stale: true,
        }),
      ),
    );
    expect(clicks.every((r) => r.status === 200)).toBe(true);
    await h.double.waitFor(() => h.double.ephemerals.length === 9);
    await h.settle();

    const [task] = rows(h, 'select status, owner_id from tasks where id = ?', id);
    const winner = String(task?.owner_id);
    expect(task?.status).toBe('claimed');
    expect(POOL).toContain(winner);
    expect(rows(h, "select count(*) as n from events where task_id = ? and kind = 'claimed'", id)).toEqual([
      { n: 1 },
    ]);
    expect(rows(h, 'select agent_id, status from offers where task_id = ?', id)).toEqual([
      { agent_id: winner, status: 'claimed' },
    ]);
    const winnerName = `Agent ${POOL.indexOf(winner)}`;
    copies.forEach((copy, i) => {
      if (POOL[i] === winner) h.double.takeUpdate(copy, 'Claimed by you');
      else h.double.takeUpdate(copy, `Claimed by ${winnerName}`);
    });
    for (const user of POOL.filter((u) => u !== winner))
      h.double.takeEphemeral({ user, textIncludes: `Already claimed by ${winnerName}` });
  });

  it('nobody claims in time: every copy says it moved on and the backup gets it', async () => {
    await h.postLead(zillowLead({ tags: ['open_house'] }));
    const copies = await Promise.all(POOL.map((user) => h.double.waitForPost({ to: user })));
    h.clock.advance('10m');
    await h.server.sweeper.runOnce();
    const backup = await h.double.waitForPost({ to: IVY });
    expect(h.double.allText(backup)).toContain('backup: ISA');
    for (const copy of copies) {
      const update = await h.double.waitForUpdate(copy, 'Nobody claimed it by 10:50 AM CST');
      expect(h.double.allText({ ...copy, blocks: update.blocks })).toContain('Offered to Ivy Chen.');
    }
    await h.settle();
  });
});

describe('first to claim on App Home', () => {
  const h = useHarness();

  it('a live broadcast shows on each member’s Home with its clock', async () => {
    const home = () => {
      const views = h.double.views.filter((v) => v.method === 'views.publish' && v.userId === MARCO);
      return JSON.stringify(views[views.length - 1]?.view.blocks ?? []);
    };
    await h.slack.sendEvent({ type: 'app_home_opened', user: MARCO, tab: 'home', channel: 'D0HOME' });
    await h.double.waitFor(() => home() !== '[]');
    await h.postLead(zillowLead({ tags: ['open_house'] }));
    for (const user of [DANA, MARCO, PRIYA]) await h.double.waitForPost({ to: user });
    await h.server.sweeper.runOnce();
    await h.settle();
    expect(home()).toContain('10 min left to claim');
  });
});

describe('first to claim in a pool channel', () => {
  const h = useHarness({ config: broadcastConfig('C0BUYERS1'), channels: ['C0BUYERS1'] });

  it('one post in the channel; the winner gets a DM to work it and the post says who has it', async () => {
    await h.postLead(zillowLead({ tags: ['open_house'] }));
    const post = await h.double.waitForPost({ to: 'C0BUYERS1' });
    const winner = POOL[3] ?? '';
    await h.slack.clickButton({ user: winner, message: post, actionId: 'offer_claim' });
    await h.double.waitForUpdate(post, 'Claimed by Agent 3');
    const dm = await h.double.waitForPost({ to: winner });
    expect(h.double.allText(dm)).toContain('Claimed by you');
    await h.settle();
  });
});

describe('weighted round robin under a burst', () => {
  it('100 leads in one second are shared exactly as 100 one by one', async () => {
    const config = parseDispatchConfig(`
team: { name: Burst, timezone: America/Chicago, leaders_channel: ${LEADERS} }
sources: { zillow: buyer_lead }
agents:
  - { id: ${DANA}, name: Dana, roles: [buyer_agent], weight: 2 }
  - { id: ${MARCO}, name: Marco, roles: [buyer_agent] }
  - { id: ${PRIYA}, name: Priya, roles: [buyer_agent] }
rules:
  - name: buyers
    assign: { strategy: round_robin, pool: { roles: [buyer_agent] } }
`);
    const h = await startHarness({ config });
    try {
      const responses = await Promise.all(Array.from({ length: 100 }, () => h.postLead(zillowLead())));
      expect(responses.every((r) => r.status === 202)).toBe(true);
      await h.double.waitFor(() => h.double.callsTo('chat.postMessage').length === 100, 10_000);
      await h.settle();
      const offered = rows(h, 'select agent_id from offers order by id').map((r) => String(r.agent_id));
      let state = new Map<string, number>();
      const oneByOne: string[] = [];
      for (let i = 0; i < 100; i++) {
        const pick = pickWeightedRoundRobin(
          [
            { id: DANA, weight: 2 },
            { id: MARCO, weight: 1 },
            { id: PRIYA, weight: 1 },
          ],
          state,
        );
        if (!pick) throw new Error('no pick');
        oneByOne.push(pick.pick);
        state = pick.state;
      }
      expect(offered).toEqual(oneByOne);
      expect([DANA, MARCO, PRIYA].map((a) => offered.filter((o) => o === a).length)).toEqual([50, 25, 25]);
      h.double.markAllSeen();
    } finally {
      await h.close();
    }
  });
});

describe('the exception path', () => {
  const h = useHarness();

  it('a referral whose original agent has left, with no backup, goes to the leaders flagged for review with the reason', async () => {
    const { id } = (await (
      await h.postLead({
        source: 'agent_referral',
        externalId: 'ref-1',
        firstName: 'Sam',
        referringAgent: 'gone@elsewhere.example',
      })
    ).json()) as { id: number };
    const post = await h.double.waitForPost({ to: LEADERS });
    expect(h.double.allText(post)).toContain(
      'Rule referral: the referring agent gone@elsewhere.example is not on the team, and nobody here has handled this contact before',
    );
    await h.settle();
    expect(rows(h, 'select status, manual_review from tasks where id = ?', id)).toEqual([
      { status: 'escalated', manual_review: 1 },
    ]);
  });
});
