import { describe, expect, it } from 'vitest';
import { query } from '../support/db.js';
import { type Harness, useHarness, zillowLead } from '../support/harness.js';
import type { PostedMessage } from '../support/slack-double.js';
import { DANA, IVY } from '../support/team.js';

/**
 * Slack refuses a message whose buttons share an action_id within one block (`invalid_blocks`).
 * The passed state once carried four reason buttons with one action_id: the DM kept showing
 * Claim/Pass and no reason could ever be given. The double now refuses what Slack refuses.
 */
describe('after a Pass, the DM asks why and records the answer', () => {
  const h = useHarness();

  async function passedByDana(): Promise<{ taskId: number; offerId: number; dm: PostedMessage }> {
    const { id } = (await (await h.postLead(zillowLead())).json()) as { id: number };
    const dm = await h.double.waitForPost({ to: DANA });
    h.clock.advance('1m');
    await h.slack.clickButton({ user: DANA, message: dm, actionId: 'offer_pass' });
    await h.double.waitForPost({ to: IVY });
    await h.double.waitForUpdate(dm, 'You passed at 10:41 AM CST. Offered to Ivy Chen.');
    const [offer] = query(h.dbPath, 'select id from offers where task_id = ? and agent_id = ?', id, DANA);
    return { taskId: id, offerId: Number(offer?.id), dm };
  }

  function passReasons(h: Harness, taskId: number) {
    return {
      offers: query(
        h.dbPath,
        'select pass_reason from offers where task_id = ? and agent_id = ?',
        taskId,
        DANA,
      ),
      events: query(
        h.dbPath,
        "select actor, detail from events where task_id = ? and kind = 'pass_reason'",
        taskId,
      ),
    };
  }

  it('Pass updates the DM to the passed state with one button per reason, each its own action_id', async () => {
    const { offerId, dm } = await passedByDana();
    expect(h.double.refusals).toEqual([]);
    expect(h.double.allText(dm)).toContain('Why? It helps the team route better (optional).');
    expect(h.double.buttons(dm).map((b) => [b.text, b.action_id, b.value])).toEqual([
      ['Wrong area', 'offer_pass_reason_wrong_area', `${offerId}:wrong_area`],
      ['Price point', 'offer_pass_reason_price_point', `${offerId}:price_point`],
      ['Conflict', 'offer_pass_reason_conflict', `${offerId}:conflict`],
      ['Other', 'offer_pass_reason_other', `${offerId}:other`],
      ['Timeline', 'task_timeline', expect.any(String)],
    ]);
  });

  it('clicking a reason records it on the offer and in the events, and updates the DM again', async () => {
    const { taskId, dm } = await passedByDana();
    await h.slack.clickButton({ user: DANA, message: dm, actionId: 'offer_pass_reason_price_point' });
    await h.double.waitForUpdate(dm, 'You passed at 10:41 AM CST (Price point). Offered to Ivy Chen.');
    expect(h.double.buttons(dm).map((b) => b.text)).toEqual(['Timeline']);
    await h.settle();
    expect(passReasons(h, taskId)).toEqual({
      offers: [{ pass_reason: 'price_point' }],
      events: [{ actor: DANA, detail: JSON.stringify({ reason: 'price_point' }) }],
    });
    expect(h.double.refusals).toEqual([]);
  });

  it('a click from a DM rendered with the old shared action_id still records its reason', async () => {
    const { taskId, offerId, dm } = await passedByDana();
    const old: PostedMessage = {
      ...structuredClone(dm),
      blocks: [
        {
          type: 'actions',
          block_id: `offer_${offerId}`,
          elements: [
            {
              type: 'button',
              action_id: 'offer_pass_reason',
              value: `${offerId}:conflict`,
              text: { type: 'plain_text', text: 'Conflict' },
            },
          ],
        },
      ],
    };
    await h.slack.clickButton({ user: DANA, message: old, actionId: 'offer_pass_reason', stale: true });
    await h.double.waitForUpdate(dm, '(Conflict)');
    await h.settle();
    expect(passReasons(h, taskId).offers).toEqual([{ pass_reason: 'conflict' }]);
  });
});
