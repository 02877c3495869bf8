import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { DispatchConfig } from '../../src/config/dispatch-schema.js';
import { readEnv } from '../../src/config/env.js';
import { loadDispatchConfig } from '../../src/config/load-dispatch.js';
import { parseEvent } from '../../src/core/events.js';
import type { OutboxTopic } from '../../src/engine/outbox/outbox.js';
import type { BodyGateLimits } from '../../src/http/body-gate.js';
import { createLogger, type Logger, silentLogger } from '../../src/log.js';
import { type RunningServer, startServer } from '../../src/main.js';
import { TestClock } from './clock.js';
import { query } from './db.js';
import { SlackDouble } from './slack-double.js';
import { SlackSender } from './slack-requests.js';
import { TEAM } from './team.js';

export const SIGNING_SECRET = '8f742231b10e8888abcd99aaaaaa85a5';
export const INTAKE_TOKEN = 'intake-test-token-0123456789';
export const EXAMPLE_CONFIG = join(import.meta.dirname, '../../dispatch.example.yml');
export const LEADERS = 'C0LEADERS1';
/** Wednesday 10:40 AM in Austin (America/Chicago, CST). */
export const MORNING = '2026-11-25T16:40:00Z';

export interface Harness {
  double: SlackDouble;
  server: RunningServer;
  clock: TestClock;
  slack: SlackSender;
  baseUrl: string;
  dbPath: string;
  /** POSTs a lead with the intake token (override headers to test auth). */
  postLead(body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** Waits until every Slack call the app has started is finished. */
  settle(): Promise<void>;
  /** Stops and starts the app on the same database, with a new dispatch.yml if given. */
  restart(config?: DispatchConfig): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  config?: DispatchConfig;
  now?: string;
  /** Receives every log line as JSON (default: none). */
  logLines?: string[];
  /** Channels the bot is in besides the leaders' channel (e.g. a pool channel). */
  channels?: string[];
  /** Scopes the double grants (default: all). */
  scopes?: string[];
  /** The app's Slack call timeout, short for tests of lost answers. */
  slackTimeoutMs?: number;
  outboxTopics?: OutboxTopic[];
  /** The app's Twilio timeout, short for tests of lost answers. */
  twilioTimeoutMs?: number;
  /** The environment variables a source's `secret_env` names (the process's own are not read). */
  secrets?: Record<string, string>;
  /** More environment, read when each harness starts (e.g. a FUB double's URL and keys). */
  env?: () => Record<string, string>;
  /**
   * A dispatch.yml the app starts from and reloads (SIGHUP, `lead-dispatch reload`, a saved file);
   * read when each harness starts. Without it the app runs on `config` and has nothing to reload.
   */
  configFile?: () => string;
  /** Listen where env.HOST says instead of 127.0.0.1 (set HOST through `env`). */
  hostFromEnv?: boolean;
  /** Bounds on request bodies read at once, small for tests of a flood. */
  bodyLimits?: BodyGateLimits;
  slackBodyLimits?: BodyGateLimits;
}

/** The real app over real HTTP, a real SQLite file in WAL mode, and the Slack double. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const clock = new TestClock(options.now ?? MORNING);
  const double = await SlackDouble.start({
    now: () => clock.now().getTime(),
    channels: [LEADERS, ...(options.channels ?? [])],
    scopes: options.scopes,
    users: Object.fromEntries(TEAM.map((id) => [id, { tz: 'America/Chicago' }])),
  });
  const dir = mkdtempSync(join(tmpdir(), 'lead-dispatch-test-'));
  const dbPath = join(dir, 'dispatch.db');
  const configFile = options.configFile?.();
  let config = options.config ?? loadDispatchConfig(configFile ?? EXAMPLE_CONFIG);
  const env = readEnv({
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: double.apiUrl,
    PORT: '0',
    DATABASE_PATH: dbPath,
    INTAKE_TOKEN,
    ...(configFile ? { DISPATCH_CONFIG: configFile } : {}),
    ...options.env?.(),
  });
  const boot = () =>
    startServer({
      env,
      config,
      clock,
      log: logTo(options.logLines),
      schedule: false,
      host: options.hostFromEnv ? undefined : '127.0.0.1',
      bodyLimits: options.bodyLimits,
      slackBodyLimits: options.slackBodyLimits,
      slackTimeoutMs: options.slackTimeoutMs,
      twilioTimeoutMs: options.twilioTimeoutMs,
      outboxTopics: options.outboxTopics,
      secrets: (name) => options.secrets?.[name],
      configFile,
    });
  let server = await boot();
  const harness: Harness = {
    double,
    server,
    clock,
    dbPath,
    get baseUrl() {
      return `http://127.0.0.1:${server.port}`;
    },
    get slack() {
      return new SlackSender(`http://127.0.0.1:${server.port}`, SIGNING_SECRET, double);
    },
    postLead(body, headers = {}) {
      return fetch(`http://127.0.0.1:${server.port}/leads`, {
        method: 'POST',
        headers: { authorization: `Bearer ${INTAKE_TOKEN}`, 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    },
    async settle() {
      await server.engine.idle();
    },
    async restart(next?: DispatchConfig) {
      if (next) config = next;
      await server.stop();
      server = await boot();
      harness.server = server;
    },
    async close() {
      await server.stop();
      await double.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** Jane's fixed contact details, for tests that read them back. */
export const JANE = { email: 'Jane.Buyer@Example.com', phone: '(512) 555-0142' } as const;

function logTo(lines: string[] | undefined): Logger {
  return lines ? createLogger('debug', (line) => lines.push(line)) : silentLogger;
}

let leadsMade = 0;

/**
 * A Zillow buyer lead in Dana's and Priya's zip, from a new person each time (the same phone or
 * email twice would be one person arriving again, which is merged); pass `JANE` for a fixed one.
 */
export function zillowLead(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const n = leadsMade++;
  return {
    source: 'zillow',
    externalId: `z-${Math.random().toString(36).slice(2, 10)}`,
    firstName: 'Jane',
    lastName: 'Buyer',
    email: `jane.buyer.${n}@example.com`,
    // Distinct for the first 900,000 leads of a run (the bench sends thousands).
    phone: `(737) ${510 + (Math.floor(n / 10_000) % 90)}-${String(n % 10_000).padStart(4, '0')}`,
    address: { street: '12 Elm St', city: 'Austin', state: 'TX', zip: '78701' },
    price: 450000,
    message: 'Can I see it Saturday? <3 bedrooms & a yard>',
    ...overrides,
  };
}

/**
 * A fresh harness per test, closed afterwards; each test also fails on any Slack output it did
 * not take. Returns a stand-in that always points at the current test's harness.
 */
export function useHarness(options: HarnessOptions = {}): Harness {
  let current: Harness | undefined;
  beforeEach(async () => {
    current = await startHarness(options);
  });
  afterEach(async () => {
    const h = current;
    current = undefined;
    if (!h) return;
    try {
      h.double.assertNothingUnexpected();
      assertEventsReadable(h.dbPath);
    } finally {
      await h.close();
    }
  });
  return new Proxy({} as Harness, {
    get(_target, key) {
      if (!current) throw new Error('the harness is only available inside a test');
      return Reflect.get(current, key);
    },
  });
}

/** The actor of event rows a test writes by hand to stand for an old or damaged row. */
export const HAND_EDITED = 'hand-edited';

/**
 * Every event the app recorded reads back as its kind's shape. The compiler checks what writers
 * pass; this also checks what the schemas demand beyond types (ISO times, ids, non-empty pools),
 * so a report never meets a row the app itself wrote and cannot read.
 */
function assertEventsReadable(dbPath: string): void {
  const rows = query(
    dbPath,
    'select id, task_id, offer_id, kind, actor, at, detail from events where actor != ?',
    HAND_EDITED,
  );
  const unreadable = rows.flatMap((row) => {
    const read = parseEvent({
      id: Number(row.id),
      taskId: Number(row.task_id),
      offerId: row.offer_id === null ? null : Number(row.offer_id),
      kind: String(row.kind),
      actor: String(row.actor),
      at: new Date(Number(row.at)),
      detail: JSON.parse(String(row.detail)),
    });
    return read.ok ? [] : [`${read.unreadable.kind} #${read.unreadable.id}: ${read.unreadable.problem}`];
  });
  if (unreadable.length > 0)
    throw new Error(`the app recorded events it cannot read:\n${unreadable.join('\n')}`);
}
