import { afterEach, describe, expect, it } from 'vitest';
import { readEnv } from '../../src/config/env.js';
import { loadDispatchConfig } from '../../src/config/load-dispatch.js';
import { LEASE_TIMING } from '../../src/core/lease.js';
import { walSyncOf } from '../../src/db/wal-sync.js';
import { silentLogger } from '../../src/log.js';
import { type RunningServer, startServer } from '../../src/main.js';
import type { RecordedCall } from '../../src/slack-emulator/types.js';
import { query } from '../support/db.js';
import {
  EXAMPLE_CONFIG,
  type Harness,
  INTAKE_TOKEN,
  SIGNING_SECRET,
  startHarness,
  zillowLead,
} from '../support/harness.js';
import { SlackSender } from '../support/slack-requests.js';

/** The harness's app posts with this token (the holder); the second process with its own. */
const HOLDER_TOKEN = 'xoxb-test-token';
const STANDBY_TOKEN = 'xoxb-standby-process';

/**
 * Two app processes on one database file (here two app instances in this process, each with its own
 * connection, HTTP server and Slack client, and one test clock), each with its own bot token so the
 * Slack double tells their calls apart.
 */
describe('one engine at a time', () => {
  let h: Harness | undefined;
  let standby: RunningServer | undefined;

  afterEach(async () => {
    await standby?.stop();
    await h?.close();
    standby = undefined;
    h = undefined;
  });

  async function twoProcesses(): Promise<{ h: Harness; standby: RunningServer }> {
    h = await startHarness();
    const harness = h;
    standby = await startServer({
      env: readEnv({
        SLACK_BOT_TOKEN: STANDBY_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: harness.double.apiUrl,
        PORT: '0',
        DATABASE_PATH: harness.dbPath,
        INTAKE_TOKEN,
      }),
      config: loadDispatchConfig(EXAMPLE_CONFIG),
      clock: harness.clock,
      log: silentLogger,
      schedule: false,
      host: '127.0.0.1',
    });
    return { h: harness, standby };
  }

  /** A process's calls to Slack; Bolt's own auth.test as each app starts is not the engine's. */
  const callsWith = (h: Harness, token: string, method?: string): RecordedCall[] =>
    h.double.calls.filter(
      (c) => c.token === token && c.method !== 'auth.test' && (method === undefined || c.method === method),
    );

  async function postLeadTo(server: RunningServer): Promise<number> {
    const res = await fetch(`http://127.0.0.1:${server.port}/leads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${INTAKE_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(zillowLead()),
    });
    expect(res.status).toBe(202);
    return ((await res.json()) as { id: number }).id;
  }

  /** Each offer's DMs in the double, by the offer id its metadata names. */
  function dmsPerOffer(h: Harness): Map<number, string[]> {
    const perOffer = new Map<number, string[]>();
    for (const message of h.double.messages) {
      const payload = (message.metadata as { event_payload?: { kind?: string; id?: number } } | undefined)
        ?.event_payload;
      if (payload?.kind !== 'offer' || typeof payload.id !== 'number') continue;
      perOffer.set(payload.id, [...(perOffer.get(payload.id) ?? []), message.ts]);
    }
    return perOffer;
  }

  it('a process without the lease takes leads and clicks but never calls Slack; the holder does, once', async () => {
    const { h, standby } = await twoProcesses();
    const health = async (port: number) =>
      (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as {
        engine: { thisProcess: string; id: string; holder: string };
      };
    const holderHealth = await health(h.server.port);
    expect(holderHealth.engine).toMatchObject({ thisProcess: 'running' });
    expect(holderHealth.engine.holder).toBe(holderHealth.engine.id);
    expect((await health(standby.port)).engine).toMatchObject({
      thisProcess: 'standby',
      holder: holderHealth.engine.id,
    });

    const ids = [await postLeadTo(standby), await postLeadTo(standby), await postLeadTo(standby)];
    await standby.engine.idle();
    await standby.sweeper.runOnce();
    await standby.engine.idle();
    // Stored and routed by the standby process, so nothing waits on the holder to be accepted …
    expect(query(h.dbPath, "select count(*) as n from offers where status = 'live'")).toEqual([{ n: 3 }]);
    // … and not a single Slack call from it.
    expect(callsWith(h, STANDBY_TOKEN)).toEqual([]);
    expect(h.double.messages).toEqual([]);

    // The holder's next sweep (every second in production) posts them, each once.
    await h.server.sweeper.runOnce();
    await h.server.engine.idle();
    expect(callsWith(h, HOLDER_TOKEN, 'chat.postMessage')).toHaveLength(3);
    const perOffer = dmsPerOffer(h);
    expect([...perOffer.values()].map((dms) => dms.length)).toEqual([1, 1, 1]);
    const tasksOffered = query(
      h.dbPath,
      'select task_id from offers where dm_ts is not null order by task_id',
    );
    expect(tasksOffered.map((r) => Number(r.task_id))).toEqual(ids);

    // A Claim clicked through the standby process is recorded there; the DM's update comes from the holder.
    const dm = h.double.messages[0];
    if (!dm) throw new Error('no DM');
    const user = h.double.calls.find((c) => c.method === 'chat.postMessage')?.args.channel;
    const clicker = new SlackSender(`http://127.0.0.1:${standby.port}`, SIGNING_SECRET, h.double);
    const click = await clicker.clickButton({ user: String(user), message: dm, actionId: 'offer_claim' });
    expect(click.status).toBe(200);
    await standby.engine.idle();
    expect(query(h.dbPath, "select count(*) as n from tasks where status = 'claimed'")).toEqual([{ n: 1 }]);
    expect(callsWith(h, STANDBY_TOKEN, 'chat.update')).toEqual([]);
    await h.server.sweeper.runOnce();
    await h.server.engine.idle();
    expect(callsWith(h, HOLDER_TOKEN, 'chat.update')).toHaveLength(1);
    expect(callsWith(h, STANDBY_TOKEN)).toEqual([]);
  });

  it('a lead taken by a process without the lease is routed there only after its sender has the 202', async () => {
    const { h, standby } = await twoProcesses();
    // The standby's first fsync (the WAL's) is held: its answer cannot go yet. The folder's follows.
    let release = () => {};
    let asked = false;
    walSyncOf(standby.ctx.db).fsyncFile = () =>
      asked
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            asked = true;
            release = resolve;
          });
    let answered = false;
    const answer = fetch(`http://127.0.0.1:${standby.port}/leads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${INTAKE_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(zillowLead()),
    }).then((res) => {
      answered = true;
      return res;
    });
    while (!asked) await new Promise((resolve) => setImmediate(resolve));
    for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
    // Stored, not answered, not routed: the holder, which cannot see this wait, must not post for it.
    expect(answered).toBe(false);
    expect(query(h.dbPath, 'select status from tasks')).toEqual([{ status: 'received' }]);
    expect(query(h.dbPath, 'select count(*) as n from offers')).toEqual([{ n: 0 }]);

    release();
    expect((await answer).status).toBe(202);
    await standby.engine.idle();
    expect(query(h.dbPath, "select count(*) as n from offers where status = 'live'")).toEqual([{ n: 1 }]);
    await h.server.sweeper.runOnce();
    await h.server.engine.idle();
    expect(callsWith(h, HOLDER_TOKEN, 'chat.postMessage')).toHaveLength(1);
    expect(callsWith(h, STANDBY_TOKEN)).toEqual([]);
  });

  /** The holder starts its posts; Slack stores the first DM but answers only after a while. */
  async function holderPostsSlowly(h: Harness): Promise<{ pass: Promise<void> }> {
    h.double.answerSlowly('chat.postMessage', 1_500);
    const pass = h.server.engine.slack.runOnce();
    for (let waited = 0; h.double.messages.length === 0; waited += 10) {
      if (waited > 10_000) throw new Error('the holder did not post within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // Wrapped: an async function returning the pass itself would wait for it.
    return { pass };
  }

  it('a holder frozen past its lease, which another process took, stops before its next call', async () => {
    const { h, standby } = await twoProcesses();
    for (let i = 0; i < 3; i++) await postLeadTo(standby);
    await standby.engine.idle();
    const { pass: holderPass } = await holderPostsSlowly(h);

    // While the first DM's answer is on its way, the holder is frozen past its lease (no renewals)
    // and the other process's heartbeat takes it over.
    h.clock.advance(LEASE_TIMING.ttlMs + 1_000);
    standby.engine.lease.renew();
    await holderPass;
    await h.server.engine.idle();

    // Posts go out a few at once, one per agent: the first two leads' DMs (Dana's and Priya's) were
    // in flight before the freeze and their answers were recorded; the third, Dana's again, waited
    // behind her first and was not tried after the lease was gone: no attempt, no call.
    expect(callsWith(h, HOLDER_TOKEN, 'chat.postMessage')).toHaveLength(2);
    expect(
      query(
        h.dbPath,
        'select dm_ts is not null as posted, post_attempt_at is not null as tried from offers order by id',
      ),
    ).toEqual([
      { posted: 1, tried: 0 },
      { posted: 1, tried: 0 },
      { posted: 0, tried: 0 },
    ]);
    // Its kicks are harmless now.
    h.server.engine.kick();
    await h.server.engine.idle();
    expect(callsWith(h, HOLDER_TOKEN, 'chat.postMessage')).toHaveLength(2);

    // The new holder posts the third, once.
    await standby.sweeper.runOnce();
    await standby.engine.idle();
    expect(callsWith(h, STANDBY_TOKEN, 'chat.postMessage')).toHaveLength(1);
    const perOffer = dmsPerOffer(h);
    expect([...perOffer.values()].map((dms) => dms.length)).toEqual([1, 1, 1]);
    const status = (await (await fetch(`http://127.0.0.1:${h.server.port}/healthz`)).json()) as {
      engine: { thisProcess: string; holder: string };
    };
    expect(status.engine).toMatchObject({ thisProcess: 'standby', holder: standby.engine.lease.id });
  });

  it('a takeover while a DM is in flight adopts that DM instead of posting it again', async () => {
    const { h, standby } = await twoProcesses();
    await postLeadTo(standby);
    await standby.engine.idle();
    const { pass: holderPass } = await holderPostsSlowly(h);

    // The new holder sweeps before the old one has its answer: the attempt is recorded, the ts not.
    h.clock.advance(LEASE_TIMING.ttlMs + 1_000);
    await standby.sweeper.runOnce();
    await standby.engine.idle();
    await holderPass;
    await h.server.engine.idle();

    expect(callsWith(h, STANDBY_TOKEN, 'conversations.history').length).toBeGreaterThan(0);
    expect(callsWith(h, STANDBY_TOKEN, 'chat.postMessage')).toEqual([]);
    const perOffer = dmsPerOffer(h);
    const [offer] = query(h.dbPath, 'select id, dm_ts from offers');
    expect(perOffer.get(Number(offer?.id))).toEqual([offer?.dm_ts]);
    expect(h.double.messages).toHaveLength(1);
  });
});
