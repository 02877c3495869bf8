import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { retryDeadOutbox } from '../../src/engine/outbox/retry.js';
import { query } from '../support/db.js';
import { freePort } from '../support/free-port.js';
import { type Harness, JANE, LEADERS, useHarness, zillowLead } from '../support/harness.js';
import { replyConfig, replyEnv, ruleIn, TEAM_NUMBER } from '../support/reply-config.js';
import { startSmtpServer } from '../support/smtp-server.js';
import { LEE } from '../support/team.js';
import { TwilioDouble } from '../support/twilio-double.js';

let clockOf: () => Date = () => new Date();
const twilio = await TwilioDouble.start({ numbers: [TEAM_NUMBER], now: () => clockOf() });
const smtp = await startSmtpServer();
const port = await freePort();
/** Every log line of the app, to show what it never logs. */
const logLines: string[] = [];
afterAll(async () => {
  await twilio.close();
  await smtp.close();
});

const JANE_E164 = '+15125550142';
/** An IDX form lead: rule web-buyer-lead, which replies by text and email on arrival. */
const webLead = (overrides: Record<string, unknown> = {}) =>
  zillowLead({ source: 'idx_form', ...JANE, ...overrides });

/** Everything due is done: routing, replies handed to Twilio and SMTP, DMs re-rendered. */
async function deliver(h: Harness): Promise<void> {
  await h.settle();
  await h.server.engine.outbox.runOnce();
  await h.settle();
}

const repliesOf = (h: Harness, taskId: number) =>
  query(
    h.dbPath,
    'select channel, status, reason from lead_replies where task_id = ? order by channel',
    taskId,
  );
const eventsOf = (h: Harness, taskId: number) =>
  query(
    h.dbPath,
    "select kind from events where task_id = ? and (kind like '%repl%' or kind like 'opted%' or kind = 'lead_texted') order by id",
    taskId,
  ).map((r) => r.kind);

async function post(h: Harness, lead: Record<string, unknown>): Promise<number> {
  const res = await h.postLead(lead);
  expect(res.status).toBeLessThan(300);
  return ((await res.json()) as { id: number }).id;
}

function useReplyHarness(
  edit?: (doc: Record<string, unknown>) => void,
  extra: { twilioTimeoutMs?: number } = {},
) {
  const { config } = replyConfig(edit);
  const h = useHarness({
    config,
    logLines,
    env: replyEnv(
      () => twilio.url,
      () => smtp.url,
      port,
    ),
    ...extra,
  });
  beforeEach(() => {
    clockOf = () => h.clock.now();
    twilio.reset();
    smtp.reset();
  });
  return h;
}

describe('a reply to the lead on arrival, by text and email', () => {
  const h = useReplyHarness();

  it('a web lead at 10:40 is texted and emailed at once, and the DM shows it', async () => {
    const taskId = await post(h, webLead());
    const dm = await h.double.waitForPost({ textIncludes: 'Jane' });
    await deliver(h);

    expect(twilio.messages.map((m) => ({ to: m.to, from: m.from, body: m.body }))).toEqual([
      {
        to: JANE_E164,
        from: TEAM_NUMBER,
        body: 'Hi Jane, thanks for reaching out to Lakeside Realty Group! An agent will call you within 1 hour.',
      },
    ]);
    expect(twilio.messages[0]?.statusCallback).toBe(`http://127.0.0.1:${port}/twilio/status`);
    expect(smtp.messages.map((m) => ({ to: m.to, subject: m.subject, text: m.text?.trim() }))).toEqual([
      {
        to: [JANE.email.toLowerCase()],
        subject: 'Lakeside Realty Group: we got your message',
        text: 'Hi Jane, thanks for reaching out to Lakeside Realty Group! An agent will call you within 1 hour.',
      },
    ]);
    await h.double.waitForUpdate(dm, '✓ Texted Jane at 10:40 AM CST');
    h.double.markAllSeen();
    expect(repliesOf(h, taskId)).toEqual([
      { channel: 'email', status: 'sent', reason: null },
      { channel: 'sms', status: 'queued', reason: null },
    ]);

    // Twilio's signed status callback: delivered, shown on the DM and in the timeline.
    const sid = twilio.messages[0]?.sid ?? '';
    expect((await twilio.advance(sid, 'sent'))?.status).toBe(204);
    expect((await twilio.advance(sid, 'delivered'))?.status).toBe(204);
    await h.settle();
    await h.double.waitForUpdate(dm, '✓ Texted Jane at 10:40 AM CST · delivered');
    h.double.markAllSeen();
    expect(eventsOf(h, taskId)).toEqual(['replied', 'replied', 'reply_status', 'reply_status']);
  });

  it('a repeat of the same person gets nothing more', async () => {
    await post(h, webLead());
    await h.double.waitForPost({ textIncludes: 'Jane' });
    await deliver(h);
    await post(h, webLead({ source: 'realtor.com', externalId: 'again-1' }));
    await deliver(h);
    h.double.markAllSeen();
    expect(twilio.messages).toHaveLength(1);
    expect(smtp.messages).toHaveLength(1);
  });

  it('the leaders’ escalation shows what the lead was told', async () => {
    await post(h, webLead());
    await h.double.waitForPost({ textIncludes: 'Jane' });
    await deliver(h);
    // Nobody claims: the backups lapse too, and the leaders get it.
    for (let i = 0; i < 4; i++) {
      h.clock.advance('61m');
      await h.server.sweeper.runOnce();
      await deliver(h);
    }
    const escalation = await h.double.waitFor(() => h.double.messages.find((m) => m.channel === LEADERS));
    h.double.markAllSeen();
    expect(h.double.allText(escalation)).toContain('✓ Texted Jane at 10:40 AM CST');
    expect(h.double.allText(escalation)).toContain('✓ Emailed Jane at 10:40 AM CST');
  });

  it('a number that cannot take texts is shown on the DM, and nothing is parked', async () => {
    twilio.failNext(1, 400, 21614);
    const taskId = await post(h, webLead());
    const dm = await h.double.waitForPost({ textIncludes: 'Jane' });
    await deliver(h);
    await h.double.waitForUpdate(dm, '⚠️ Could not text Jane: the number cannot take texts (21614)');
    h.double.markAllSeen();
    expect(repliesOf(h, taskId)[1]).toEqual({ channel: 'sms', status: 'undeliverable', reason: '21614' });
    expect(query(h.dbPath, "select count(*) as n from outbox where status = 'dead'")[0]?.n).toBe(0);
  });

  it('when Twilio keeps failing the text is given up on: the DM and /healthz say so, and a retry sends it', async () => {
    twilio.failNext(10, 500, 20500);
    const taskId = await post(h, webLead());
    const dm = await h.double.waitForPost({ textIncludes: 'Jane' });
    // Ten tries, each after its backoff (1, 2, 4 … 512 s, ±20 %): 17 minutes, inside the 1 h SLA.
    for (let i = 0; i < 10; i++) {
      await deliver(h);
      h.clock.advance(`${Math.ceil(1.2 * 2 ** i) + 1}s`);
    }
    // Parked after the last try; the next tick of the sweeper (every second) renders the DM.
    await h.server.sweeper.runOnce();
    await deliver(h);
    await h.double.waitForUpdate(dm, '⚠️ The text to Jane could not be sent: Twilio kept failing');
    h.double.markAllSeen();
    expect(repliesOf(h, taskId)[1]).toEqual({ channel: 'sms', status: 'failed', reason: 'gave_up' });
    const health = (await (await fetch(`${h.baseUrl}/healthz`)).json()) as {
      replies: Record<string, string>;
    };
    expect(health.replies.sms).toBe('failing: 1 given up (lead-dispatch outbox list, then retry)');

    const dead = query(h.dbPath, "select id from outbox where status = 'dead' and topic = 'reply:sms'");
    expect(retryDeadOutbox(h.server.ctx, Number(dead[0]?.id), 'cli')).toHaveLength(1);
    await deliver(h);
    h.double.markAllSeen();
    expect(twilio.messages).toHaveLength(1);
    expect(repliesOf(h, taskId)[1]).toEqual({ channel: 'sms', status: 'queued', reason: null });
  });

  it('a mail server that refuses our sender parks the email for the leaders; it is not the lead’s address', async () => {
    smtp.failNext(1, 550);
    const taskId = await post(h, webLead());
    await h.double.waitForPost({ textIncludes: 'Jane' });
    await deliver(h);
    h.double.markAllSeen();
    expect(repliesOf(h, taskId)[0]).toEqual({ channel: 'email', status: 'failed', reason: '550' });
    expect(query(h.dbPath, "select topic from outbox where status = 'dead'")).toEqual([
      { topic: 'reply:email' },
    ]);
  });

  it('while Twilio fails, /healthz names it; the text goes once it recovers', async () => {
    twilio.failNext(1, 500, 20500);
    const taskId = await post(h, webLead());
    await h.double.waitForPost({ textIncludes: 'Jane' });
    await deliver(h);
    const health = (await (await fetch(`${h.baseUrl}/healthz`)).json()) as {
      replies: Record<string, string>;
    };
    expect(health.replies.sms).toMatch(/^failing: Twilio answered 500 20500 .* \(1 waiting\)$/);
    expect(health.replies.email).toBe('ok');
    h.clock.advance('1m');
    await deliver(h);
    h.double.markAllSeen();
    expect(twilio.messages).toHaveLength(1);
    expect(repliesOf(h, taskId)[1]?.status).toBe('queued');
    const after = (await (await fetch(`${h.baseUrl}/healthz`)).json()) as { replies: Record<string, string> };
    expect(after.replies.sms).toBe('ok');
  });
});

describe('a reply on claim names the agent who claimed', () => {
  const h = useReplyHarness();

  it("a Zillow lead is texted only when Dana claims it, in Dana's name", async () => {
    const taskId = await post(h, zillowLead(JANE));
    const dm = await h.double.waitForPost({ textIncludes: 'Jane' });
    await deliver(h);
    expect(twilio.messages).toHaveLength(0);
    await h.slack.clickButton({ user: dm.user ?? '', message: dm, actionId: 'offer_claim' });
    await deliver(h);
    h.double.markAllSeen();
    const owner = query(
      h.dbPath,
      'select a.name from tasks t join agents a on a.id = t.owner_id where t.id = ?',
      taskId,
    )[0];
    const first = String(owner?.name).split(' ')[0];
    expect(twilio.messages.map((m) => m.body)).toEqual([
      `Hi Jane, this is ${first} with Lakeside Realty Group. I'll call you within 5 minutes.`,
    ]);
  });
});

describe('quiet hours in the lead’s own time zone', () => {
  const h = useReplyHarness((doc) => {
    (doc.replies as Record<string, unknown>).quiet_hours = { start: '22:00', end: '08:00' };
  });

  it('a lead at 21:30 (everyone off, not yet quiet hours) is told someone calls first thing tomorrow', async () => {
    // Wed 21:30 in Austin: Ivy, who works latest, stopped at 21:00 and starts at 7:00.
    h.clock.set('2026-11-26T03:30:00Z');
    const taskId = await post(h, webLead());
    await deliver(h);
    h.double.markAllSeen();
    expect(twilio.messages.map((m) => m.body)).toEqual([
      "Hi Jane, thanks for reaching out to Lakeside Realty Group! We're closed for the night: an agent will call you first thing tomorrow at 7 AM.",
    ]);
    expect(query(h.dbPath, 'select status from tasks where id = ?', taskId)[0]?.status).toBe('held');
  });

  it('a lead at 23:00 is emailed at once and texted at 8:00, when the lead’s quiet hours end', async () => {
    h.clock.set('2026-11-26T05:00:00Z'); // Wed 23:00 in Austin
    const taskId = await post(h, webLead());
    await deliver(h);
    expect(twilio.messages).toHaveLength(0);
    expect(smtp.messages.map((m) => m.text?.trim())).toEqual([
      "Hi Jane, thanks for reaching out to Lakeside Realty Group! We're closed for the night: an agent will call you first thing tomorrow at 7 AM.",
    ]);
    expect(repliesOf(h, taskId)[1]?.status).toBe('waiting');

    h.clock.set('2026-11-26T13:59:00Z'); // 7:59: still quiet
    await deliver(h);
    expect(twilio.messages).toHaveLength(0);
    h.clock.set('2026-11-26T14:00:00Z'); // 8:00
    await h.server.sweeper.runOnce();
    await deliver(h);
    h.double.markAllSeen();
    expect(twilio.messages.map((m) => m.body)).toEqual([
      'Hi Jane, thanks for reaching out to Lakeside Realty Group! An agent will call you within 1 hour.',
    ]);
    expect(eventsOf(h, taskId)).toContain('reply_waiting');
  });
});

describe('a text held for the morning goes as things stand then', () => {
  const h = useReplyHarness();

  /** A Zillow lead at 23:00, claimed at once by the agent on duty: its claim-time text waits. */
  async function claimedAtNight(): Promise<{
    id: number;
    dm: Awaited<ReturnType<Harness['double']['waitForPost']>>;
  }> {
    h.clock.set('2026-11-26T05:00:00Z'); // Wed 23:00 in Austin
    const id = await post(h, zillowLead(JANE));
    const dm = await h.double.waitForPost({ textIncludes: 'Jane' });
    await h.slack.clickButton({ user: dm.user ?? '', message: dm, actionId: 'offer_claim' });
    await deliver(h);
    expect(repliesOf(h, id)).toEqual([{ channel: 'sms', status: 'waiting', reason: null }]);
    return { id, dm };
  }

  it('a lead marked contacted overnight is not promised a call in the morning', async () => {
    const { id, dm } = await claimedAtNight();
    h.clock.advance('5m');
    await h.slack.clickButton({ user: dm.user ?? '', message: dm, actionId: 'task_contacted' });
    await deliver(h);
    h.clock.set('2026-11-26T14:00:00Z');
    await h.server.sweeper.runOnce();
    await deliver(h);
    h.double.markAllSeen();
    expect(twilio.messages).toHaveLength(0);
    expect(repliesOf(h, id)).toEqual([{ channel: 'sms', status: 'skipped', reason: 'already_contacted' }]);
  });

  it('a lead a leader took over overnight is texted in the leader’s name', async () => {
    const { id } = await claimedAtNight();
    // Not marked contacted: a reminder, then the leaders, where Lee takes it.
    for (let i = 0; i < 3; i++) {
      h.clock.advance('16m');
      await h.server.sweeper.runOnce();
      await deliver(h);
    }
    const escalation = await h.double.waitFor(() =>
      h.double.messages.find(
        (m) => m.channel === LEADERS && h.double.buttons(m).some((b) => b.action_id === 'escalation_take'),
      ),
    );
    await h.slack.clickButton({ user: LEE, message: escalation, actionId: 'escalation_take' });
    await deliver(h);
    h.clock.set('2026-11-26T14:00:00Z');
    await h.server.sweeper.runOnce();
    await deliver(h);
    h.double.markAllSeen();
    expect(twilio.messages.map((m) => m.body)).toEqual([
      "Hi Jane, this is Lee with Lakeside Realty Group. I'll call you within 5 minutes.",
    ]);
    expect(query(h.dbPath, 'select agent_id from lead_replies where task_id = ?', id)).toEqual([
      { agent_id: LEE },
    ]);
  });

  it('a lead whose area code and zip lie in two zones waits for day in both', async () => {
    h.clock.set('2026-11-26T14:05:00Z'); // 8:05 in Austin, 6:05 in Los Angeles
    const id = await post(
      h,
      webLead({ address: { street: '1 Main St', city: 'Beverly Hills', state: 'CA', zip: '90210' } }),
    );
    await deliver(h);
    h.double.markAllSeen();
    expect(twilio.messages).toHaveLength(0);
    expect(
      query(
        h.dbPath,
        'select status, send_at from lead_replies where task_id = ? and channel = ?',
        id,
        'sms',
      ),
    ).toEqual([{ status: 'waiting', send_at: Date.parse('2026-11-26T16:00:00Z') }]);
  });
});

describe('STOP and START', () => {
  const h = useReplyHarness();
  const inbound = (body: string) =>
    twilio.inbound({ from: JANE_E164, to: TEAM_NUMBER, body }, `http://127.0.0.1:${port}/twilio/inbound`);

  it('after STOP a new lead from that number is not texted (the email still goes); after START it is', async () => {
    const first = await post(h, webLead());
    await deliver(h);
    const stop = await inbound('Stop');
    expect(stop.status).toBe(200);
    expect(stop.contentType).toContain('text/xml');
    expect(query(h.dbPath, 'select phone, keyword from sms_opt_outs')).toEqual([
      { phone: JANE_E164, keyword: 'STOP' },
    ]);
    expect(eventsOf(h, first)).toContain('opted_out');

    h.clock.advance('31d'); // past the duplicate window: a new lead, not a repeat
    const second = await post(h, webLead({ externalId: 'second' }));
    await deliver(h);
    expect(twilio.messages).toHaveLength(1);
    expect(smtp.messages).toHaveLength(2);
    expect(repliesOf(h, second)[1]).toEqual({ channel: 'sms', status: 'skipped', reason: 'opted_out' });

    expect((await inbound('START')).status).toBe(200);
    h.clock.advance('31d');
    await post(h, webLead({ externalId: 'third' }));
    await deliver(h);
    h.double.markAllSeen();
    expect(twilio.messages).toHaveLength(2);
  });

  it('a STOP only Twilio heard (its 21610 refusal) counts as an opt-out here too', async () => {
    twilio.failNext(1, 400, 21610);
    const taskId = await post(h, webLead());
    const dm = await h.double.waitForPost({ textIncludes: 'Jane' });
    await deliver(h);
    await h.double.waitForUpdate(dm, '— No text to Jane: they opted out of texts (STOP)');
    h.double.markAllSeen();
    expect(repliesOf(h, taskId)[1]).toEqual({ channel: 'sms', status: 'skipped', reason: 'opted_out' });
    expect(query(h.dbPath, 'select phone from sms_opt_outs')).toEqual([{ phone: JANE_E164 }]);
    expect(smtp.messages).toHaveLength(1);
  });

  it('a lead who texts back is shown to the agent who has them, in their DM’s thread, and never logged', async () => {
    logLines.length = 0;
    const taskId = await post(h, webLead());
    const dm = await h.double.waitForPost({ textIncludes: 'Jane' });
    await h.slack.clickButton({ user: dm.user ?? '', message: dm, actionId: 'offer_claim' });
    await deliver(h);
    h.double.markAllSeen();
    const answer = await inbound('Yes please call me at 3pm, my cell is best');
    expect(answer.status).toBe(200);
    await deliver(h);
    const note = await h.double.waitForPost({ to: dm.user ?? '', thread: true });
    expect(note.thread_ts).toBe(dm.ts);
    expect(h.double.allText(note)).toContain('Jane Buyer texted back');
    expect(h.double.allText(note)).toContain('> Yes please call me at 3pm, my cell is best');
    expect(eventsOf(h, taskId)).toContain('lead_texted');
    const logged = logLines.join('\n');
    expect(logged).toContain('a lead texted back');
    expect(logged).not.toContain('3pm');
    expect(logged).not.toContain('555-0142');
    expect(logged).not.toContain('5550142');
  });

  it('an inbound text without a valid signature is refused and changes nothing', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/twilio/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'forged' },
      body: new URLSearchParams({ From: JANE_E164, To: TEAM_NUMBER, Body: 'STOP' }),
    });
    expect(res.status).toBe(403);
    expect(query(h.dbPath, 'select count(*) as n from sms_opt_outs')[0]?.n).toBe(0);
  });
});

describe('a text Twilio kept although its answer came too late', () => {
  const h = useReplyHarness(undefined, { twilioTimeoutMs: 150 });

  it('is adopted on the retry, not sent twice', async () => {
    twilio.delayMs = 400;
    const taskId = await post(h, webLead());
    await deliver(h);
    expect(twilio.messages).toHaveLength(1);
    expect(repliesOf(h, taskId)[1]?.status).toBe('sending');
    twilio.delayMs = 0;
    h.clock.advance('1m');
    await deliver(h);
    h.double.markAllSeen();
    expect(twilio.messages).toHaveLength(1);
    expect(repliesOf(h, taskId)[1]?.status).toBe('queued');
    expect(
      query(h.dbPath, 'select provider_id from lead_replies where channel = ?', 'sms')[0]?.provider_id,
    ).toBe(twilio.messages[0]?.sid);
  });
});

describe('a portal rule that answers on arrival', () => {
  const h = useReplyHarness((doc) => {
    const reply = ruleIn(doc, 'portal-buyer-lead').reply as Record<string, unknown>;
    reply.when = 'arrival';
    reply.text = 'Hi {{first_name}}, {{team_name}} here. An agent will call you within {{sla}}.';
  });

  it('a Zillow lead at 10:45 is texted on arrival, and the DM shows it', async () => {
    h.clock.set('2026-11-25T16:45:00Z');
    await post(h, zillowLead(JANE));
    const dm = await h.double.waitForPost({ textIncludes: 'Jane' });
    await deliver(h);
    expect(twilio.messages.map((m) => m.body)).toEqual([
      'Hi Jane, Lakeside Realty Group here. An agent will call you within 5 minutes.',
    ]);
    await h.double.waitForUpdate(dm, '✓ Texted Jane at 10:45 AM CST');
    h.double.markAllSeen();
  });
});

describe('keys Twilio refuses', () => {
  const { config } = replyConfig();
  const h = useHarness({
    config,
    env: () => ({
      ...replyEnv(
        () => twilio.url,
        () => smtp.url,
        port,
      )(),
      TWILIO_AUTH_TOKEN: 'not-the-auth-token-of-this-account',
    }),
  });

  it('show on /healthz from the start, before any lead needs them', async () => {
    // The check runs in the background after start: poll /healthz as a monitor would.
    let replies: Record<string, string> = {};
    for (let i = 0; i < 100 && (replies.sms ?? 'ok') === 'ok'; i++) {
      replies = ((await (await fetch(`${h.baseUrl}/healthz`)).json()) as { replies: Record<string, string> })
        .replies;
      if (replies.sms === 'ok') await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(replies).toEqual({
      sms: expect.stringMatching(/^failing: Twilio refused the account with 401 20003/),
      email: 'ok',
    });
  });
});

describe('no reply rule, no reply', () => {
  const h = useReplyHarness((doc) => {
    delete ruleIn(doc, 'web-buyer-lead').reply;
  });

  it('a web lead whose rule has no reply: gets nothing', async () => {
    await post(h, webLead());
    await deliver(h);
    h.double.markAllSeen();
    expect(twilio.messages).toHaveLength(0);
    expect(smtp.messages).toHaveLength(0);
  });
});
