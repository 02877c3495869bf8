import { describe, expect, it } from 'vitest';
import { loadDispatchConfig } from '../../src/config/load-dispatch.js';
import { EXAMPLE_CONFIG, LEADERS, useHarness, zillowLead } from '../support/harness.js';
import { isRecord, type PostedMessage } from '../support/slack-double.js';
import { DANA, IVY, LEE, MARCO, PRIYA } from '../support/team.js';

describe('/away and /back', () => {
  const h = useHarness();

  async function command(user: string, name: string, text: string) {
    const res = await h.slack.slashCommand({ user, command: name, text });
    expect(res.status).toBe(200);
    return h.double.waitForEphemeral({ user });
  }

  it('/away skips the agent for the next lead, /back brings them back at their place in the rotation', async () => {
    const away = await command(DANA, '/away', '2h showing 12 Elm St');
    expect(away.text).toMatch(
      /^You're away until .*12:40 PM.* \(showing 12 Elm St\)\. Leads go to the rest of the team\. \/back to return early\.$/,
    );

    await h.postLead(zillowLead());
    await h.double.waitForPost({ to: PRIYA });
    const back = await command(DANA, '/back', '');
    expect(back.text).toBe("Welcome back! You're getting leads again.");
    await h.postLead(zillowLead());
    await h.double.waitForPost({ to: DANA });
  });

  it('an agent who goes away while holding a live offer loses it to the next candidate at once', async () => {
    await h.postLead(zillowLead());
    const dana = await h.double.waitForPost({ to: DANA });
    await h.settle();
    const away = await command(DANA, '/away', '1h');
    expect(away.text).toContain('The lead offered to you moved on to the next agent.');
    await h.double.waitForPost({ to: IVY });
    await h.double.waitForUpdate(dana, 'You went away at 10:40 AM CST, so it moved on. Offered to Ivy Chen.');
  });

  it('a team leader can set someone else away; anyone else is refused', async () => {
    const refused = await command(MARCO, '/away', `<@${DANA}|dana> 2h`);
    expect(refused.text).toBe('Only team leaders can set someone else away or back. Nothing was changed.');
    const set = await command(LEE, '/away', `<@${DANA}|dana> until 3pm`);
    expect(set.text).toMatch(/^Dana Reyes is away until .*3:00 PM.*\. Leads go to the rest of the team\.$/);
    await h.postLead(zillowLead());
    await h.double.waitForPost({ to: PRIYA });
    const back = await command(LEE, '/back', `<@${DANA}|dana>`);
    expect(back.text).toBe('Dana Reyes is back and getting leads again.');
  });

  it('the latest /away counts: a shorter one replaces an open-ended one', async () => {
    await command(DANA, '/away', '- at a closing');
    const shorter = await command(DANA, '/away', '1h');
    expect(shorter.text).toContain("You're away until");
    h.clock.advance('61m');
    await h.postLead(zillowLead());
    await h.double.waitForPost({ to: DANA });
  });

  it('text it cannot read gets usage with examples, and nothing changes', async () => {
    const reply = await command(DANA, '/away', 'until someday');
    expect(reply.text).toContain('/away');
    expect(reply.text).toContain('2h');
    await h.postLead(zillowLead());
    await h.double.waitForPost({ to: DANA });
  });

  it('when nobody in the chain is available the lead escalates at once, not after an SLA', async () => {
    for (const agent of [DANA, PRIYA, MARCO, IVY]) await command(LEE, '/away', `<@${agent}> 2h`);
    await h.postLead(zillowLead());
    const post = await h.double.waitForPost({ to: LEADERS });
    expect(h.double.allText(post)).toContain('Rule portal-buyer-lead: nobody in the pool is available');
  });

  it('/dispatch who shows who is available, away until when, or inactive, with open leads', async () => {
    await h.postLead(zillowLead());
    await h.double.waitForPost({ to: DANA });
    await command(MARCO, '/away', 'until 3pm dentist');
    const who = await command(LEE, '/dispatch', 'who');
    expect(who.text).toContain('🟢 *Dana Reyes* — available · 1 open lead');
    expect(who.text).toMatch(/🌴 \*Marco Silva\* — away until .*3:00 PM.* \(dentist\)/);
    expect(who.text).toContain('⚪ *Rob Former* — inactive');
    const help = await command(LEE, '/dispatch', 'bogus');
    expect(help.text).toContain("I don't know `/dispatch bogus`.");
  });

  it('/away with no text opens a modal; a bad submit shows field errors, a good one sets the window', async () => {
    const res = await h.slack.slashCommand({ user: DANA, command: '/away', text: '' });
    expect(res.status).toBe(200);
    const opened = await h.double.waitFor(() =>
      h.double.views.find((v) => v.view.callback_id === 'away_modal'),
    );
    expect(opened.method).toBe('views.open');

    const pick = (date: string | null, time: string | null, reason: string | null) => ({
      back_date: { value: { type: 'datepicker', selected_date: date } },
      back_time: { value: { type: 'timepicker', selected_time: time } },
      reason: { value: { type: 'plain_text_input', value: reason } },
    });
    const past = await h.slack.submitView({
      user: DANA,
      callbackId: 'away_modal',
      values: pick('2026-11-25', '09:00', null),
    });
    expect(await past.json()).toEqual({
      response_action: 'errors',
      errors: { back_time: 'That time has already passed. Pick a later one.' },
    });
    await h.postLead(zillowLead());
    const offer = await h.double.waitForPost({ to: DANA }); // still available: the bad submit changed nothing

    const good = await h.slack.submitView({
      user: DANA,
      callbackId: 'away_modal',
      values: pick('2026-11-27', '14:00', 'inspection'),
    });
    expect(good.status).toBe(200);
    const dm = await h.double.waitForPost({ to: DANA, textIncludes: "You're away" });
    expect(dm.text).toContain("You're away until Fri, Nov 27 at 2:00 PM (CST) (inspection).");
    expect(dm.text).toContain('The lead offered to you moved on to the next agent.');
    await h.double.waitForPost({ to: IVY });
    await h.double.waitForUpdate(offer, 'You went away');
  });
});

describe('App Home', () => {
  const h = useHarness();

  function lastHome(user: string) {
    const views = h.double.views.filter((v) => v.method === 'views.publish' && v.userId === user);
    return views[views.length - 1];
  }

  function homeText(user: string): string {
    const view = lastHome(user)?.view;
    return JSON.stringify(view?.blocks ?? []);
  }

  it('shows my status, my open leads with their clocks and my week, and is republished when they change', async () => {
    await h.slack.sendEvent({ type: 'app_home_opened', user: DANA, tab: 'home', channel: 'D0HOME' });
    await h.double.waitFor(() => lastHome(DANA));
    expect(homeText(DANA)).toContain("You're available");
    expect(homeText(DANA)).toContain('None right now.');
    expect(homeText(DANA)).toContain('Offered 0 · claimed 0 · median time to claim: no claims yet');

    await h.postLead(zillowLead());
    const dm = await h.double.waitForPost({ to: DANA });
    await h.server.sweeper.runOnce();
    await h.settle();
    expect(homeText(DANA)).toContain('5 min left to claim');
    h.clock.advance('4m30s');
    await h.server.sweeper.runOnce();
    await h.settle();
    expect(homeText(DANA)).toContain('1 min left to claim'); // whole minutes: no republish every second
    h.clock.set('2026-11-25T16:40:00Z');

    h.clock.advance('90s');
    await h.slack.clickButton({ user: DANA, message: dm, actionId: 'offer_claim' });
    await h.double.waitForUpdate(dm, 'Claimed by you');
    await h.server.sweeper.runOnce();
    await h.settle();
    expect(homeText(DANA)).toContain('contact by');
    // 90 s, to the nearest minute as every measured time is shown.
    expect(homeText(DANA)).toContain('Offered 1 · claimed 1 · median time to claim: 2 min');

    const publishes = h.double.views.filter((v) => v.method === 'views.publish').length;
    await h.server.sweeper.runOnce();
    await h.settle();
    expect(h.double.views.filter((v) => v.method === 'views.publish')).toHaveLength(publishes); // nothing changed
  });

  it('a change made while the Homes are being published is shown right after, not a sweep later', async () => {
    await h.slack.sendEvent({ type: 'app_home_opened', user: DANA, tab: 'home', channel: 'D0HOME' });
    await h.double.waitFor(() => lastHome(DANA));
    await h.settle();
    const publishes = () => h.double.views.filter((v) => v.method === 'views.publish').length;
    const before = publishes();

    // A refresh under way: it read the rows (a new lead for Dana, who is available) and its
    // views.publish awaits Slack.
    await h.postLead(zillowLead());
    await h.double.waitForPost({ to: DANA });
    await h.settle();
    h.double.answerSlowly('views.publish', 400);
    const first = h.server.engine.homes.refreshAll();
    await h.double.waitFor(() => publishes() > before || undefined);

    // Dana goes away meanwhile; the next refresh is asked for while the first still runs.
    await h.slack.slashCommand({ user: DANA, command: '/away', text: '2h' });
    await h.double.waitForEphemeral({ user: DANA });
    const second = h.server.engine.homes.refreshAll();
    await Promise.all([first, second]);
    expect(homeText(DANA)).toContain("You're away until");
    await h.settle();
    h.double.markAllSeen(); // her lead moved on to the next agent: tested elsewhere
  });

  it('Back on the Home tab ends an away window, and the Home says so', async () => {
    await h.slack.slashCommand({ user: DANA, command: '/away', text: '2h' });
    await h.double.waitForEphemeral({ user: DANA });
    await h.slack.sendEvent({ type: 'app_home_opened', user: DANA, tab: 'home', channel: 'D0HOME' });
    await h.double.waitFor(() => lastHome(DANA));
    expect(homeText(DANA)).toContain("You're away until");
    // The Home tab is a view, not a message; click its button the way Slack sends it, from its blocks.
    const blocks = lastHome(DANA)?.view.blocks;
    const home: PostedMessage = {
      channel: 'D0HOME',
      ts: '0',
      blocks: Array.isArray(blocks) ? blocks.filter(isRecord) : [],
      postedAt: 0,
      updates: [],
    };
    await h.slack.clickButton({ user: DANA, message: home, actionId: 'home_back', stale: true });
    await h.double.waitFor(() => homeText(DANA).includes("You're available") || undefined);
  });
});

describe('a leader sets someone away in that person’s time zone', () => {
  const config = loadDispatchConfig(EXAMPLE_CONFIG);
  const h = useHarness({
    config: {
      ...config,
      agents: config.agents.map((a) => (a.id === DANA ? { ...a, timezone: 'America/Los_Angeles' } : a)),
    },
  });

  it('"/away @dana until 3pm" is 3 pm where Dana is', async () => {
    await h.slack.slashCommand({ user: LEE, command: '/away', text: `<@${DANA}|dana> until 3pm` });
    const reply = await h.double.waitForEphemeral({ user: LEE });
    expect(reply.text).toContain('Dana Reyes is away until Wed, Nov 25 at 3:00 PM (PST).');
    h.clock.set('2026-11-25T22:59:00Z'); // 2:59 PM in Los Angeles: still away
    await h.postLead(zillowLead());
    await h.double.waitForPost({ to: PRIYA });
    h.clock.set('2026-11-25T23:01:00Z');
    await h.postLead(zillowLead());
    await h.double.waitForPost({ to: DANA });
  });
});
