import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDemo, startDemo } from '../../src/demo/demo.js';
import { escapeCommandText } from '../../src/slack-emulator/command-text.js';

/** Wednesday 10:40 AM in Austin: every agent at work. */
const MORNING = new Date('2026-11-25T16:40:00Z');

describe('slash command text as Slack sends it (should_escape: true)', () => {
  const users = new Map([
    ['U0DANA001', { name: 'dana' }],
    ['U0OLD0001', { name: 'rob', deleted: true }],
  ]);

  it('escapes & < > and turns @name into a mention, but not an email, a stranger or a deleted user', () => {
    expect(escapeCommandText('@dana until monday', users)).toBe('<@U0DANA001|dana> until monday');
    expect(escapeCommandText('ask @Dana. <b>1 & 2</b>', users)).toBe(
      'ask <@U0DANA001|dana>. &lt;b&gt;1 &amp; 2&lt;/b&gt;',
    );
    expect(escapeCommandText('dana@example.com @zed @rob @here', users)).toBe(
      'dana@example.com @zed @rob <!here>',
    );
  });
});

/** The page's requests, sent as the page sends them, to a running demo. */
describe('the demo page requests', () => {
  let demo: RunningDemo;
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${demo.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: demo.url.slice(0, -1) },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const ephemeralsFor = (user: string) => demo.emulator.ephemerals.filter((e) => e.user === user);

  beforeAll(async () => {
    demo = await startDemo({ port: 0, at: MORNING });
  }, 30_000);
  afterAll(async () => {
    await demo?.stop();
  });

  it('takes "/away @dana until monday" typed by a leader, as Slack would send it', async () => {
    const answer = await post('act', {
      kind: 'command',
      user: 'U0LEE0001',
      command: '/away',
      text: '@dana until monday',
    });
    expect(answer.status).toBe(200);
    await expect
      .poll(() => ephemeralsFor('U0LEE0001').map((e) => e.text ?? ''))
      .toEqual([expect.stringMatching(/Dana Reyes is away until Mon/)]);
    await post('act', { kind: 'command', user: 'U0LEE0001', command: '/back', text: '@dana' });
  });

  it('jumps to an open escalation`s reminder to the leaders, the next thing the sweeper does', async () => {
    const state = async () => (await (await fetch(`${demo.url}state`)).json()) as Record<string, unknown>;
    await post('lead', { example: 'web-form' });
    const sam = demo.emulator.dmChannelFor('U0SAM0001');
    await expect.poll(() => demo.emulator.messages.filter((m) => m.channel === sam).length).toBe(1);
    // Sam's SLA lapses to Lee, Lee's to the leaders.
    await post('clock', { jump: 'next' });
    await post('clock', { jump: 'next' });
    await expect.poll(() => demo.emulator.messages.filter((m) => m.channel === 'C0LEADERS1').length).toBe(1);
    const escalatedAt = demo.clock.now().getTime();
    const next = (await state()).nextDeadline as { at: string; what: string };
    expect(next.what).toBe('the leaders are reminded');
    expect(new Date(next.at).getTime() - escalatedAt).toBeLessThanOrEqual(15 * 60_000);
    expect(new Date(next.at).getTime() - escalatedAt).toBeGreaterThan(14 * 60_000);
    await post('clock', { jump: 'next' });
    await expect
      .poll(() => demo.emulator.messages.filter((m) => m.channel === 'C0LEADERS1' && m.thread_ts).length)
      .toBe(1);
  });

  it('sends the Zillow lead first when "the same person again" comes before any, so it is a note, not a new lead', async () => {
    const sql = demo.server.ctx.db.$client;
    const count = (query: string) => (sql.prepare(query).get() as { n: number }).n;
    const leads = count('select count(*) as n from tasks');
    await post('lead', { example: 'same-person' });
    await expect
      .poll(() => count(`select count(*) as n from notifications where kind = 'duplicate_note'`))
      .toBe(1);
    expect(count('select count(*) as n from tasks') - leads).toBeLessThanOrEqual(2);
    expect(count(`select count(*) as n from tasks where status != 'merged'`)).toBe(leads + 1);
  });

  it('answers a command typed in the leaders` channel in that channel, as Slack does', async () => {
    const before = ephemeralsFor('U0LEE0001').length;
    await post('act', {
      kind: 'command',
      user: 'U0LEE0001',
      command: '/dispatch',
      text: 'who',
      channel: 'C0LEADERS1',
    });
    await expect.poll(() => ephemeralsFor('U0LEE0001').length).toBe(before + 1);
    expect(ephemeralsFor('U0LEE0001').at(-1)?.channel).toBe('C0LEADERS1');
  });

  it('says who got a lead sent from the page, keeping the raw answer', async () => {
    const answer = await post('lead', { example: 'referral' });
    expect(answer.body).toMatchObject({
      status: 202,
      answer: { id: expect.any(Number) },
      said: expect.stringMatching(/^Lead #\d+ sent — watch Marco Silva's column$/),
    });
  });
});
