import { describe, expect, it } from 'vitest';
import { loadDispatchConfig } from '../../src/config/load-dispatch.js';
import { query } from '../support/db.js';
import { EXAMPLE_CONFIG, type Harness, LEADERS, useHarness } from '../support/harness.js';
import { HEADLINE, playScenario, SCENARIO_START } from '../support/report-scenario.js';

/** Monday 30 Nov 2026, 8:00 AM in Austin: the digest for the week of the scenario is due. */
const MONDAY_8AM = '2026-11-30T14:00:00Z';

function withDigest() {
  const config = loadDispatchConfig(EXAMPLE_CONFIG);
  config.team.digest = { day: 'mon', time: '08:00' };
  return config;
}

const digestPosts = (h: Harness) =>
  h.double.messages.filter((m) => m.channel === LEADERS && m.text?.startsWith('Weekly digest'));

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('the weekly digest', () => {
  const h = useHarness({ now: SCENARIO_START, config: withDigest() });

  it('goes out once, late rather than never, across a Slack outage and a restart, with its chart in the thread', async () => {
    await playScenario(h);
    h.double.fail('chat.postMessage', { status: 503, times: 1000 });
    h.clock.set(MONDAY_8AM);
    await h.server.sweeper.runOnce();
    await h.settle();
    expect(digestPosts(h)).toHaveLength(0);
    expect(query(h.dbPath, 'select ts, period_start, since, until from digests where not skipped')).toEqual([
      {
        ts: null,
        period_start: Date.parse(MONDAY_8AM),
        since: Date.parse('2026-11-23T14:00:00Z'),
        until: Date.parse(MONDAY_8AM),
      },
    ]);
    expect(query(h.dbPath, "select status from outbox where topic = 'slack:digest'")).toEqual([
      { status: 'pending' },
    ]);

    await h.restart();
    h.clock.advance('30m');
    await h.server.sweeper.runOnce();
    await h.settle();
    expect(digestPosts(h)).toHaveLength(0);

    h.double.clearFailures();
    h.clock.advance('2h');
    await h.server.sweeper.runOnce();
    await h.settle();
    await h.restart();
    h.clock.advance('1h');
    await h.server.sweeper.runOnce();
    await h.settle();

    const posts = digestPosts(h);
    expect(posts).toHaveLength(1);
    const [digest] = posts;
    if (!digest) throw new Error('no digest');
    expect(digest.text).toBe('Weekly digest: 4 leads, median time to claim 13 min, SLA hit 50%');
    const text = h.double.allText(digest);
    expect(text).toContain('Lakeside Realty Group: 2026-11-23 to 2026-11-30 (7 days, America/Chicago)');
    for (const line of HEADLINE) expect(text).toContain(line);
    expect(text).toContain("*Best source:* idx_form: 100% claimed within the first offer's window");
    expect(text).toContain("*Worst source:* zillow: 33% claimed within the first offer's window");
    // The rules' pools are the buyer agents (Dana weight 2, Marco and Priya 1): Marco, never offered, is under.
    expect(text).toContain(
      '*Over their share:* Dana Reyes (portal-buyer-lead: 67% of first offers, weight 50%); Dana Reyes (web-buyer-lead: 100% of first offers, weight 50%)',
    );
    expect(text).toContain(
      '*Under their share:* Marco Silva (portal-buyer-lead: 0% of first offers, weight 25%); Marco Silva (web-buyer-lead: 0% of first offers, weight 25%); Priya Nair (web-buyer-lead: 0% of first offers, weight 25%)',
    );
    expect(text).toContain('*Needs a decision:* nothing this week');

    const [chart, ...more] = h.double.sharedFiles(LEADERS, digest.ts);
    expect(more).toEqual([]);
    expect(chart?.filename).toBe('digest-2026-11-30.png');
    expect(chart?.shared?.title).toBe('Lakeside Realty Group: week to 2026-11-30');
    expect(chart?.bytes?.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(query(h.dbPath, 'select ts, file_id from digests where not skipped')).toEqual([
      { ts: digest.ts, file_id: chart?.id },
    ]);
    expect(query(h.dbPath, "select status from outbox where topic = 'slack:digest'")).toEqual([
      { status: 'delivered' },
    ]);
    h.double.markAllSeen();
  });

  it('the next week gets its own digest, and a chart upload Slack refused is retried without a second post', async () => {
    h.clock.set(MONDAY_8AM);
    h.double.fail('files.completeUploadExternal', { error: 'internal_error' });
    await h.server.sweeper.runOnce();
    await h.settle();
    expect(digestPosts(h)).toHaveLength(1);
    expect(h.double.sharedFiles(LEADERS)).toHaveLength(0);
    h.clock.advance('10m');
    await h.server.sweeper.runOnce();
    await h.settle();
    expect(digestPosts(h)).toHaveLength(1);
    expect(h.double.sharedFiles(LEADERS)).toHaveLength(1);

    h.clock.set('2026-12-07T14:00:00Z');
    await h.server.sweeper.runOnce();
    await h.settle();
    expect(digestPosts(h)).toHaveLength(2);
    // The week that ended before the app first ran (Mon 23 Nov) is recorded, never sent.
    expect(query(h.dbPath, 'select skipped, ts is not null as posted from digests order by id')).toEqual([
      { skipped: 1, posted: 0 },
      { skipped: 0, posted: 1 },
      { skipped: 0, posted: 1 },
    ]);
    h.double.markAllSeen();
  });
});

describe('a digest whose answer was lost', () => {
  const h = useHarness({ now: SCENARIO_START, config: withDigest(), slackTimeoutMs: 300 });

  it('is found in the channel, not posted again', async () => {
    h.clock.set(MONDAY_8AM);
    h.double.answerSlowly('chat.postMessage', 800);
    await h.server.sweeper.runOnce();
    await h.settle();
    await h.double.waitFor(() => digestPosts(h).length === 1);
    h.clock.advance('5m');
    await h.server.sweeper.runOnce();
    await h.settle();
    expect(digestPosts(h)).toHaveLength(1);
    const [digest] = digestPosts(h);
    expect(h.double.sharedFiles(LEADERS, digest?.ts)).toHaveLength(1);
    expect(query(h.dbPath, 'select ts from digests where not skipped')).toEqual([{ ts: digest?.ts }]);
    h.double.markAllSeen();
  });
});
