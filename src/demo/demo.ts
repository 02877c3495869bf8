import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DispatchConfig } from '../config/dispatch-schema.js';
import { readEnv } from '../config/env.js';
import { loadDispatchConfig } from '../config/load-dispatch.js';
import { createLogger, type Logger } from '../log.js';
import { type RunningServer, startServer } from '../main.js';
import { SlackEmulator } from '../slack-emulator/emulator.js';
import { SlackSender } from '../slack-emulator/requests.js';
import { DEMO_SPEEDS, DemoClock, type DemoSpeed, demoStart, nextEvening } from './clock.js';
import { nextDeadline } from './deadlines.js';
import { EXAMPLES, exampleLead, type Person, person } from './examples.js';
import { latestView, PageRequestError, readPageRequest, sendPageRequest } from './interactions.js';
import { leadOutcome } from './lead-outcome.js';
import { startPageServer } from './page-server.js';
import { pageSnapshot } from './snapshot.js';

export const EXAMPLE_CONFIG = join(import.meta.dirname, '../../dispatch.example.yml');

export interface DemoOptions {
  /** The page's port on 127.0.0.1 (0: any free one). */
  port: number;
  /** Where the demo's clock starts; default: now if it is a weekday's working time, else the next morning. */
  at?: Date;
  config?: DispatchConfig;
  log?: Logger;
}

export interface RunningDemo {
  url: string;
  clock: DemoClock;
  emulator: SlackEmulator;
  server: RunningServer;
  stop(): Promise<void>;
}

type Answer = { status: number; body: unknown };

/**
 * `lead-dispatch demo`: the real app, started as `start` starts it, with the example team, a fresh
 * SQLite file in a temporary folder and the Slack emulator in place of Slack, every part on
 * 127.0.0.1. The only things the app does not have in production are the emulator behind
 * SLACK_API_URL and the demo clock; both exist only here.
 */
export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const config = options.config ?? loadDispatchConfig(EXAMPLE_CONFIG);
  const zone = config.team.timezone;
  const clock = new DemoClock(options.at ?? demoStart(new Date(), zone));
  const emulator = await SlackEmulator.start({
    now: () => clock.now().getTime(),
    teamId: 'T0DEMO',
    channels: [config.team.leaders_channel],
    users: Object.fromEntries(
      config.agents.map((a) => [
        a.id,
        { name: a.name.split(' ')[0]?.toLowerCase(), realName: a.name, tz: a.timezone ?? zone },
      ]),
    ),
  });
  const dir = mkdtempSync(join(tmpdir(), 'lead-dispatch-demo-'));
  const signingSecret = randomBytes(16).toString('hex');
  const intakeToken = randomBytes(24).toString('hex');
  const env = readEnv({
    SLACK_BOT_TOKEN: 'xoxb-demo-emulator',
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: emulator.apiUrl,
    PORT: '0',
    DATABASE_PATH: join(dir, 'dispatch.db'),
    INTAKE_TOKEN: intakeToken,
    LOG_LEVEL: 'warn',
  });
  const server = await startServer({
    env,
    config,
    clock,
    log: options.log ?? createLogger('warn'),
    host: '127.0.0.1',
  });
  const appUrl = `http://127.0.0.1:${server.port}`;
  const slack = new SlackSender(appUrl, signingSecret, emulator);

  // Everyone has the app's Home tab open, so the page can show it from the start.
  for (const agent of config.agents.filter((a) => a.active)) {
    await slack.sendEvent({ type: 'app_home_opened', user: agent.id, tab: 'home', channel: 'D0HOME' });
  }

  let version = 0;
  const listeners = new Set<() => void>();
  const changed = () => {
    version += 1;
    for (const listener of listeners) listener();
  };
  emulator.onChange(changed);
  const closedViews = new Set<string>();
  let sent = 0;
  let lastZillow: Person = person(0);
  let zillowSent = false;
  const names = Object.fromEntries(config.agents.map((a) => [a.id, a.name]));

  /** The sweeper acts on what the new time made due, as its next tick would. */
  async function sweepNow(): Promise<void> {
    // A sweep already under way may have read the old time: wait for it, then sweep at the new one.
    await server.sweeper.runOnce();
    await server.sweeper.runOnce();
    server.engine.kick();
    changed();
  }

  async function sendLead(body: unknown): Promise<Answer> {
    const response = await fetch(`${appUrl}/leads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${intakeToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer: unknown = await response.json().catch(() => null);
    return { status: 200, body: { status: response.status, answer, sent: body, said: await said(answer) } };
  }

  /** The answer in people's words: who got the lead (the engine routes it just after the 202). */
  async function said(answer: unknown): Promise<string | undefined> {
    if (!answer || typeof answer !== 'object' || !('id' in answer) || typeof answer.id !== 'number') return;
    if ('duplicate' in answer && answer.duplicate)
      return `Lead #${answer.id} was already received: nothing new`;
    for (let wait = 0; wait < 20; wait += 1) {
      const outcome = leadOutcome(server.ctx.db, answer.id, names);
      if (outcome) return outcome;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return `Lead #${answer.id} received`;
  }

  async function lead(body: Record<string, unknown>): Promise<Answer> {
    if (typeof body.example !== 'string') return sendLead(body.lead);
    const example = EXAMPLES.find((e) => e.id === body.example);
    if (!example) return { status: 400, body: { error: `no example "${body.example}"` } };
    if (example.afterHours) {
      clock.jumpTo(nextEvening(clock.now(), zone));
      await sweepNow();
    }
    // "The same person again" needs a first time: with no Zillow lead yet, that lead goes first.
    if (example.id === 'same-person' && !zillowSent) await sendExample('zillow');
    return sendExample(example.id);
  }

  async function sendExample(id: string): Promise<Answer> {
    sent += 1;
    const made = exampleLead(id, sent, lastZillow);
    if (id === 'zillow' || id === 'after-hours') {
      lastZillow = person(sent);
      zillowSent = true;
    }
    return sendLead(made);
  }

  async function clockRequest(body: Record<string, unknown>): Promise<Answer> {
    const speed = DEMO_SPEEDS.find((s) => s === body.speed);
    if (speed) clock.setSpeed(speed as DemoSpeed);
    else if (body.jump === 'next') {
      const next = nextDeadline(server.ctx.db, clock.now(), config.team.escalation_reminder);
      if (!next) return { status: 200, body: { jumped: false } };
      clock.jumpTo(new Date(next.at.getTime() + 1000));
    } else return { status: 400, body: { error: 'send { speed: 1 | 10 | 60 } or { jump: "next" }' } };
    await sweepNow();
    return { status: 200, body: { now: clock.now().toISOString(), speed: clock.speed } };
  }

  async function act(body: unknown): Promise<Answer> {
    const request = readPageRequest(body);
    if (request.kind === 'close') {
      const view = latestView(emulator, request.viewId);
      if (view) closedViews.add(view.hash);
      changed();
      return { status: 200, body: { ok: true } };
    }
    const response = await sendPageRequest(emulator, slack, request);
    const answer = readJson(await response.text());
    const errors = answer && typeof answer === 'object' && 'errors' in answer ? answer.errors : undefined;
    if (request.kind === 'submit' && response.ok && !errors) {
      const view = latestView(emulator, request.viewId);
      if (view) closedViews.add(view.hash);
      changed();
    }
    return { status: response.ok ? 200 : 502, body: { status: response.status, errors } };
  }

  const stopApp = async () => {
    await server.stop();
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  const page = await startPageServer(options.port, {
    state: () =>
      pageSnapshot({
        emulator,
        config,
        version,
        now: clock.now(),
        speed: clock.speed,
        nextDeadline: nextDeadline(server.ctx.db, clock.now(), config.team.escalation_reminder),
        closedViews,
      }),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async post(path, body) {
      const record = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
      try {
        if (path === '/lead') return await lead(record);
        if (path === '/clock') return await clockRequest(record);
        if (path === '/act') return await act(body);
      } catch (error) {
        if (error instanceof PageRequestError) return { status: 400, body: { error: error.message } };
        throw error;
      }
      return { status: 404, body: { error: 'not found' } };
    },
  }).catch(async (error: unknown) => {
    // A busy --port: nothing of the demo may stay behind (a running app, a temporary folder).
    await stopApp();
    throw error;
  });

  return {
    url: page.url,
    clock,
    emulator,
    server,
    async stop() {
      await page.close();
      await stopApp();
    },
  };
}

/** Bolt answers an ack with an empty body, or with JSON (a modal's field errors). */
function readJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}
