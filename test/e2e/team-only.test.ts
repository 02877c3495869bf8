import { describe, expect, it } from 'vitest';
import { useHarness, zillowLead } from '../support/harness.js';
import { DANA, LEE } from '../support/team.js';

/** Someone in the workspace who is not an agent in dispatch.yml. */
const STRANGER = 'U0STRANGR';
const TEAM_ONLY =
  "Sorry, that is only for the team in lead-dispatch's dispatch.yml. Ask a team leader if you should be on it.";

describe("only the team sees the team's views", () => {
  const h = useHarness();

  it('someone outside the team is refused /dispatch who, stats, cover list and pause list; an agent is not', async () => {
    for (const text of ['who', 'status', 'stats', 'stats 30d', 'cover list', 'pause list']) {
      await h.slack.slashCommand({ user: STRANGER, command: '/dispatch', text });
      const note = await h.double.waitForEphemeral({ user: STRANGER });
      expect(note.text).toBe(TEAM_ONLY);
    }
    await h.slack.slashCommand({ user: DANA, command: '/dispatch', text: 'who' });
    expect((await h.double.waitForEphemeral({ user: DANA })).text).toContain('Dana Reyes');
  });

  it("someone outside the team cannot open a task's Timeline, even with its button", async () => {
    await h.postLead(zillowLead());
    const dm = await h.double.waitForPost({ to: DANA });
    await h.slack.clickButton({ user: STRANGER, message: dm, actionId: 'task_timeline' });
    const note = await h.double.waitForEphemeral({ user: STRANGER });
    expect(note.text).toBe(TEAM_ONLY);
    expect(note.text).not.toContain('Jane');
    await h.slack.clickButton({ user: DANA, message: dm, actionId: 'task_timeline' });
    expect((await h.double.waitForEphemeral({ user: DANA })).text).toContain('*Timeline of #1*');
  });

  it("someone outside the team opening the app's Home gets a polite word, not the team's figures", async () => {
    await h.postLead(zillowLead());
    await h.double.waitForPost({ to: DANA });
    await h.slack.sendEvent({ type: 'app_home_opened', user: STRANGER, tab: 'home', channel: 'D0HOME' });
    const home = await h.double.waitFor(() =>
      h.double.views.find((v) => v.method === 'views.publish' && v.userId === STRANGER),
    );
    const text = JSON.stringify(home.view.blocks);
    expect(text).toContain('You are not on the team in its dispatch.yml');
    expect(text).not.toContain('Team this week');
    expect(text).not.toContain('Jane');
    // A leader's Home still has the team's week.
    await h.slack.sendEvent({ type: 'app_home_opened', user: LEE, tab: 'home', channel: 'D0HOME' });
    const leaders = await h.double.waitFor(() =>
      h.double.views.find((v) => v.method === 'views.publish' && v.userId === LEE),
    );
    expect(JSON.stringify(leaders.view.blocks)).toContain('Team this week');
  });
});
