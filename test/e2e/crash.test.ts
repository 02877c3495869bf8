import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alwaysAtWorkConfig, expectEachLeadHandledOnce, sendLead } from '../support/child-app-config.js';
import { query } from '../support/db.js';
import { freePort } from '../support/free-port.js';
import { INTAKE_TOKEN, LEADERS, SIGNING_SECRET, zillowLead } from '../support/harness.js';
import { SlackDouble } from '../support/slack-double.js';
import { TEAM } from '../support/team.js';

const ROOT = resolve(import.meta.dirname, '../..');
const LEADS = 300;
/** Accepted-lead counts after which the app is killed with SIGKILL (plus a random few ms). */
const KILL_AFTER = [45, 95, 150, 200, 245, 280];

/**
 * The real app in a child process (`lead-dispatch start`, real cron sweeper, system clock), killed
 * with SIGKILL at random moments during a burst while a sender retries refused requests as a CRM
 * would. Slack answers every post a little late, so kills land between an attempt and its answer.
 */
describe('crashes during a burst', () => {
  let double: SlackDouble;
  let dir: string;
  let port: number;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    double = await SlackDouble.start({
      channels: [LEADERS],
      users: Object.fromEntries(TEAM.map((id) => [id, { tz: 'America/Chicago' }])),
    });
    double.answerSlowly('chat.postMessage', 15, Number.POSITIVE_INFINITY);
    dir = mkdtempSync(join(tmpdir(), 'lead-dispatch-crash-'));
    port = await freePort();
  });

  afterAll(async () => {
    child?.kill('SIGKILL');
    await double.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function startApp(): Promise<void> {
    const app = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        PATH: process.env.PATH,
        SLACK_BOT_TOKEN: 'xoxb-crash-test',
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: double.apiUrl,
        PORT: String(port),
        DATABASE_PATH: join(dir, 'dispatch.db'),
        DISPATCH_CONFIG: alwaysAtWorkConfig(dir),
        INTAKE_TOKEN,
        LOG_LEVEL: 'error',
      },
    });
    child = app;
    for (let waited = 0; waited < 30_000; waited += 50) {
      const up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (up) return;
      if (app.exitCode !== null) throw new Error(`the app exited with ${app.exitCode}`);
      await delay(50);
    }
    throw new Error('the app did not start within 30 s');
  }

  async function kill(): Promise<void> {
    const app = child;
    if (!app || app.exitCode !== null) return;
    const exited = new Promise((resolve) => app.once('exit', resolve));
    app.kill('SIGKILL');
    await exited;
  }

  it('every accepted lead is offered exactly once, and no agent has two DMs for one offer', async () => {
    await startApp();
    const accepted = new Map<string, number>();
    const leads = Array.from({ length: LEADS }, () => zillowLead());
    let next = 0;
    let restarting: Promise<void> | undefined;

    // Four senders, each retrying a lead until the app says 202 or 200 (a repeat, as after a lost answer).
    const sender = async () => {
      for (let lead = leads[next++]; lead; lead = leads[next++]) {
        for (;;) {
          await restarting;
          const id = await sendLead(port, lead);
          if (id !== undefined) {
            accepted.set(String(lead.externalId), id);
            break;
          }
          await delay(20);
        }
      }
    };
    const killer = async () => {
      for (const after of KILL_AFTER) {
        while (accepted.size < after) await delay(2);
        await delay(Math.random() * 15);
        restarting = kill().then(startApp);
        await restarting;
        restarting = undefined;
      }
    };
    await Promise.all([killer(), sender(), sender(), sender(), sender()]);
    expect(accepted.size).toBe(LEADS);

    const db = join(dir, 'dispatch.db');
    // The restarted app finishes what the kills interrupted by itself (its sweeper runs every second).
    for (let waited = 0; ; waited += 100) {
      const [row] = query(
        db,
        `select (select count(*) from offers where rendered_version < version)
              + (select count(*) from escalations where rendered_version < version)
              + (select count(*) from tasks where status = 'received') as behind`,
      );
      if (row?.behind === 0) break;
      if (waited > 30_000) throw new Error(`the app is still ${row?.behind} rows behind after 30 s`);
      await delay(100);
    }
    await kill();

    expectEachLeadHandledOnce(db, double, accepted, LEADS);
    // The kills did land between an attempt and its answer: the restarted app looked before posting.
    expect(double.callsTo('conversations.history').length).toBeGreaterThan(0);
  }, 180_000);
});
