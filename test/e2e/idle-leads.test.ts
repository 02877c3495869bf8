import { describe, expect, it } from 'vitest';
import { parseDispatchConfig } from '../../src/config/load-dispatch.js';
import { query } from '../support/db.js';
import { type Harness, LEADERS, useHarness, zillowLead } from '../support/harness.js';
import { DANA, LEE, MARCO } from '../support/team.js';

/**
 * Idle lead reassignment: Dana's leads go to Marco next, and a claim not marked contacted in time
 * (a reminder, then a second window) moves on to him instead of to the leaders. Office leads
 * count their window in business hours (the default Mon–Fri 9–5, Austin time).
 */
const config = parseDispatchConfig(`
team: { name: Idle, timezone: America/Chicago, leaders_channel: ${LEADERS} }
sources: { zillow: buyer_lead }
agents:
  - { id: ${DANA}, name: Dana Reyes, roles: [buyer_agent] }
  - { id: ${MARCO}, name: Marco Silva, roles: [buyer_agent] }
  - { id: ${LEE}, name: Lee Walker, roles: [team_leader] }
rules:
  - name: office
    match: { tags: [office] }
    assign: { strategy: agent, agent: ${DANA} }
    contact_sla: { within: 30m, clock: business_hours, then: next }
    fallback: [{ agent: ${MARCO} }]
  - name: buyers
    assign: { strategy: agent, agent: ${DANA} }
    contact_sla: { within: 30m, then: next }
    fallback: [{ agent: ${MARCO} }]
`);

const rows = (h: Harness, sql: string, ...params: unknown[]) => query(h.dbPath, sql, ...params);

async function claim(h: Harness, user: string, textIncludes?: string) {
  const dm = await h.double.waitForPost({ to: user, ...(textIncludes ? { textIncludes } : {}) });
  await h.slack.clickButton({ user, message: dm, actionId: 'offer_claim' });
  await h.double.waitForUpdate(dm, 'Claimed by you');
  return dm;
}

async function sweepAfter(h: Harness, duration: string) {
  h.clock.advance(duration);
  await h.server.sweeper.runOnce();
  await h.settle();
}

describe('an idle lead', () => {
  const h = useHarness({ config });

  it('moves on to the next agent after its contact window and reminder; when the chain is spent, the leaders', async () => {
    const { id } = (await (await h.postLead(zillowLead())).json()) as { id: number };
    const danas = await claim(h, DANA);
    expect(h.double.allText(danas)).toContain(
      'Mark it contacted by *11:10 AM CST*, or it moves on to the next agent.',
    );
    await sweepAfter(h, '30m');
    const reminder = await h.double.waitForPost({ to: DANA, textIncludes: 'Reminder' });
    expect(reminder.text).toContain('Reach them by *11:40 AM CST*, or it moves on to the next agent.');

    await sweepAfter(h, '29m');
    expect(h.double.messages.filter((m) => m.user === MARCO)).toEqual([]);
    await sweepAfter(h, '1m');
    // Marco gets a normal offer; Dana's DM says why it left her.
    const offer = await h.double.waitForPost({ to: MARCO });
    expect(h.double.buttons(offer).map((b) => b.text)).toEqual(['Claim', 'Pass', 'Timeline']);
    await h.double.waitForUpdate(
      danas,
      'It was not marked contacted in time (30 min, then a reminder), so it moved on at 11:40 AM CST. Offered to Marco Silva.',
    );
    expect(h.double.buttons(danas).map((b) => b.text)).toEqual(['Timeline']);
    expect(h.double.messages.filter((m) => m.channel === LEADERS)).toEqual([]);
    expect(rows(h, 'select status, owner_id from tasks where id = ?', id)).toEqual([
      { status: 'offered', owner_id: null },
    ]);
    // The timeline records why it moved.
    expect(
      rows(
        h,
        "select kind, actor from events where task_id = ? and kind in ('idle_moved', 'offered') order by id",
        id,
      ),
    ).toEqual([
      { kind: 'offered', actor: 'system' },
      { kind: 'idle_moved', actor: 'system' },
      { kind: 'offered', actor: 'system' },
    ]);

    // Marco claims and lets it idle too: nobody is left in the chain, so the leaders have it.
    await h.slack.clickButton({ user: MARCO, message: offer, actionId: 'offer_claim' });
    await h.double.waitForUpdate(offer, 'Claimed by you');
    await sweepAfter(h, '30m');
    await h.double.waitForPost({ to: MARCO, textIncludes: 'Reminder' });
    await sweepAfter(h, '30m');
    const post = await h.double.waitForPost({ to: LEADERS });
    expect(h.double.allText(post)).toContain(
      'Rule buyers: Marco Silva did not mark it contacted in time and nobody after them in its chain is available',
    );
    await h.double.waitForUpdate(offer, 'It went to the team leaders.');
    expect(rows(h, 'select status from tasks where id = ?', id)).toEqual([{ status: 'escalated' }]);
  });

  it('marked contacted in time, it stays', async () => {
    await h.postLead(zillowLead());
    const dm = await claim(h, DANA);
    await sweepAfter(h, '20m');
    await h.slack.clickButton({ user: DANA, message: dm, actionId: 'task_contacted' });
    await h.double.waitForUpdate(dm, 'Marked contacted');
    await sweepAfter(h, '2h');
    expect(h.double.messages.filter((m) => m.user === MARCO)).toEqual([]);
  });
});

describe('an idle lead on a business-hours clock', () => {
  // Wednesday 4:50 PM in Austin: ten minutes of business left today.
  const h = useHarness({ config, now: '2026-11-25T22:50:00Z' });

  it('does not count the night: claimed at 4:50 PM, it is due at 9:20 the next morning', async () => {
    await h.postLead(zillowLead({ tags: ['office'] }));
    const danas = await claim(h, DANA);
    expect(h.double.allText(danas)).toContain('Mark it contacted by *Thu, Nov 26 at 9:20 AM CST*');
    // Evening and night pass with nothing due.
    await sweepAfter(h, '40m');
    await sweepAfter(h, '15h49m'); // Thursday 9:19 AM
    expect(h.double.messages.filter((m) => m.user === DANA)).toHaveLength(1);
    await sweepAfter(h, '1m');
    const reminder = await h.double.waitForPost({ to: DANA, textIncludes: 'Reminder' });
    expect(reminder.text).toContain('Reach them by *9:50 AM CST*');
    await sweepAfter(h, '30m');
    await h.double.waitForPost({ to: MARCO });
    await h.double.waitForUpdate(danas, 'so it moved on at 9:50 AM CST. Offered to Marco Silva.');
  });
});
