import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDispatchConfig } from '../../src/config/load-dispatch.js';
import { query } from '../support/db.js';
import { EXAMPLE_CONFIG, useHarness, zillowLead } from '../support/harness.js';
import { DANA, LEE, PRIYA } from '../support/team.js';

const NOW_S = Date.parse('2026-11-25T16:40:00Z') / 1000; // Wed 10:40 AM in Austin

/** A calendar server on 127.0.0.1: Dana's feed has a meeting now; Priya's feed is down. */
function icsWithMeeting(startIso: string, endIso: string): string {
  const stamp = (iso: string) => iso.replace(/[-:]/g, '').replace(/\.\d+/, '');
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Google Inc//Google Calendar 70.9054//EN',
    'BEGIN:VEVENT',
    `DTSTART:${stamp(startIso)}`,
    `DTEND:${stamp(endIso)}`,
    'UID:listing-appt@example.com',
    'SUMMARY:Listing appointment with the Garcias',
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

describe('optional availability signals: Slack status, Do Not Disturb, time zone, calendar feeds', () => {
  let feeds: Server;
  let feedBase = '';
  const feedHits: string[] = [];
  let danaFeed = '';
  const config = loadDispatchConfig(EXAMPLE_CONFIG);
  const logLines: string[] = [];

  beforeAll(async () => {
    feeds = createServer((req, res) => {
      feedHits.push(req.url ?? '');
      if (req.url === '/dana-secret-4f2a.ics') {
        res.writeHead(200, { 'content-type': 'text/calendar' }).end(danaFeed);
      } else res.writeHead(503).end('down for maintenance');
    });
    await new Promise<void>((resolve) => feeds.listen(0, '127.0.0.1', resolve));
    feedBase = `http://127.0.0.1:${(feeds.address() as AddressInfo).port}`;
    for (const agent of config.agents) {
      if (agent.id === DANA) agent.calendar = `${feedBase}/dana-secret-4f2a.ics`;
      if (agent.id === PRIYA) agent.calendar = `${feedBase}/priya-secret-9c1d.ics`;
    }
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => feeds.close(() => resolve()));
  });

  const h = useHarness({ config, logLines });

  async function nextLeadGoesTo(agent: string): Promise<void> {
    await h.postLead(zillowLead());
    await h.double.waitForPost({ to: agent });
    await h.settle();
  }

  it('a calendar meeting counts as away; a feed that is down is logged once, never blocks, never leaks its address', async () => {
    danaFeed = icsWithMeeting('2026-11-25T16:30:00Z', '2026-11-25T17:30:00Z');
    logLines.length = 0;
    await h.server.signals.runOnce();
    // Dana (the zip expert) is in a listing appointment until 11:30; Priya's feed is down, so she is free.
    await nextLeadGoesTo(PRIYA);
    expect(
      query(
        h.dbPath,
        "select agent_id, source, error from signal_checks where source = 'calendar' order by agent_id",
      ),
    ).toEqual([
      { agent_id: DANA, source: 'calendar', error: null },
      { agent_id: PRIYA, source: 'calendar', error: 'the feed answered HTTP 503' },
    ]);
    const who = await h.slack.slashCommand({ user: LEE, command: '/dispatch', text: 'who' });
    expect(who.status).toBe(200);
    const status = await h.double.waitForEphemeral({ user: LEE });
    expect(status.text).toContain(
      '⛔ *Dana Reyes* — busy in their calendar until Wed, Nov 25 at 11:30 AM (CST)',
    );
    expect(status.text).not.toContain('Garcias');

    // Asked again on its schedule: the failure is not logged a second time, and the meeting is gone.
    danaFeed = icsWithMeeting('2026-11-26T16:30:00Z', '2026-11-26T17:30:00Z');
    h.clock.advance('10m');
    await h.server.signals.runOnce();
    expect(feedHits.filter((u) => u.startsWith('/priya'))).toHaveLength(2);
    await h.server.signals.runOnce(); // not due yet: the cached copy serves
    expect(feedHits.filter((u) => u.startsWith('/priya'))).toHaveLength(2);
    await nextLeadGoesTo(DANA);
    const warnings = logLines.filter((l) => l.includes('calendar feed'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0] ?? '{}')).toMatchObject({
      level: 'warn',
      agentId: PRIYA,
      error: 'the feed answered HTTP 503',
    });
    expect(logLines.join('\n')).not.toContain('secret');
  });

  it('a calendar server that refuses connections is ignored the same way', async () => {
    danaFeed = icsWithMeeting('2026-11-25T16:30:00Z', '2026-11-25T17:30:00Z');
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    for (const agent of config.agents) {
      if (agent.id === PRIYA) agent.calendar = `http://127.0.0.1:${port}/closed.ics`;
    }
    try {
      await h.restart();
      await h.server.signals.runOnce();
      await nextLeadGoesTo(PRIYA);
      expect(
        query(h.dbPath, "select error from signal_checks where agent_id = ? and source = 'calendar'", PRIYA),
      ).toEqual([{ error: 'could not connect (ECONNREFUSED)' }]);
    } finally {
      for (const agent of config.agents)
        if (agent.id === PRIYA) agent.calendar = `${feedBase}/priya-secret-9c1d.ics`;
    }
  });

  it('a Slack status that means away (emoji or words) skips the agent until it is cleared', async () => {
    danaFeed = icsWithMeeting('2026-11-26T16:30:00Z', '2026-11-26T17:30:00Z');
    h.double.setUser(DANA, {
      status: { emoji: ':car:', text: 'Driving to a showing', expiration: NOW_S + 3600 },
    });
    await h.server.signals.runOnce();
    await nextLeadGoesTo(PRIYA);
    const who = await h.slack.slashCommand({ user: LEE, command: '/dispatch', text: 'who' });
    expect(who.status).toBe(200);
    const status = await h.double.waitForEphemeral({ user: LEE });
    expect(status.text).toContain(
      '⛔ *Dana Reyes* — busy by Slack status until Wed, Nov 25 at 11:40 AM (CST) (:car: Driving to a showing)',
    );

    h.double.setUser(DANA, { status: { emoji: '', text: '' } });
    h.clock.advance('2m');
    await h.server.signals.runOnce();
    await nextLeadGoesTo(DANA);
  });

  it('a Do Not Disturb schedule counts as away while it runs; a missing scope is named in the log', async () => {
    danaFeed = icsWithMeeting('2026-11-26T16:30:00Z', '2026-11-26T17:30:00Z');
    h.double.setUser(DANA, {
      dnd: { dnd_enabled: true, next_dnd_start_ts: NOW_S - 600, next_dnd_end_ts: NOW_S + 1800 },
    });
    await h.server.signals.runOnce();
    await nextLeadGoesTo(PRIYA);

    h.double.setUser(DANA, {
      dnd: {
        dnd_enabled: true,
        next_dnd_start_ts: NOW_S + 3600,
        next_dnd_end_ts: NOW_S + 7200,
      },
    });
    h.clock.advance('2m');
    await h.server.signals.runOnce();
    await nextLeadGoesTo(DANA); // the schedule starts in an hour, so she is free now

    logLines.length = 0;
    h.double.fail('dnd.info', { error: 'missing_scope', times: 20 });
    h.clock.advance('2m');
    await h.server.signals.runOnce();
    expect(logLines.some((l) => l.includes('add the dnd:read scope and reinstall the app'))).toBe(true);
  });

  it('each agent’s time zone comes from their Slack profile: /away is read in it', async () => {
    h.double.setUser(DANA, { tz: 'America/Los_Angeles' });
    await h.server.signals.runOnce();
    await h.slack.slashCommand({ user: DANA, command: '/away', text: 'until 3pm' });
    const reply = await h.double.waitForEphemeral({ user: DANA });
    expect(reply.text).toContain("You're away until Wed, Nov 25 at 3:00 PM (PST).");
    expect(query(h.dbPath, 'select ends_at from away_windows where agent_id = ?', DANA)).toEqual([
      { ends_at: Date.parse('2026-11-25T23:00:00Z') },
    ]);
  });
});
