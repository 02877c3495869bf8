/**
 * Dispatch latency benchmark: the real app (real HTTP, a real SQLite file, the real Bolt app)
 * against a bare Bolt relay, both talking to the local Slack Web API double.
 *
 *   npx tsx bench/dispatch-latency.ts [--leads 1000] [--rate 50] [--click-rate <rate>] [--warmup 50]
 *
 * For each system it sends `warmup + leads` leads at a steady, open-loop rate (the send schedule
 * never waits for answers), then clicks Claim on every DM at a steady rate. It measures, with
 * performance.now() in this one process:
 *   - lead accepted (the 202 reaches the client) → the double records chat.postMessage for that lead;
 *   - click sent (just before the signed request is built) → the double records chat.update of the DM.
 * The first `warmup` leads and clicks are sent and checked but left out of the percentiles.
 *
 * Exits 1 if any lead was rejected, lost (no DM) or doubled (two DMs, or more chat.postMessage
 * calls than leads), or if any click was not answered by exactly one update. Only 127.0.0.1 is used.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { App, type BlockAction, type ButtonAction, LogLevel } from '@slack/bolt';
import { count } from 'drizzle-orm';
import { readEnv } from '../src/config/env.js';
import { loadDispatchConfig } from '../src/config/load-dispatch.js';
import { offers, tasks } from '../src/db/schema.js';
import { silentLogger } from '../src/log.js';
import { type RunningServer, startServer } from '../src/main.js';
import { CLAIM_ACTION } from '../src/slack/blocks/offer-message.js';
import {
  EXAMPLE_CONFIG,
  INTAKE_TOKEN,
  LEADERS,
  SIGNING_SECRET,
  zillowLead,
} from '../test/support/harness.js';
import { allText, type PostedMessage, SlackDouble } from '../test/support/slack-double.js';
import { SlackSender } from '../test/support/slack-requests.js';

// ---- options -----------------------------------------------------------------------------------

const USAGE =
  'npx tsx bench/dispatch-latency.ts [--leads 1000] [--rate 50] [--click-rate <rate>] [--warmup 50]';

interface Options {
  leads: number;
  rate: number;
  clickRate: number;
  warmup: number;
  /** How long to wait, after the last request of a phase, for the double to see everything. */
  graceMs: number;
}

function readOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      leads: { type: 'string', default: '1000' },
      rate: { type: 'string', default: '50' },
      'click-rate': { type: 'string' },
      warmup: { type: 'string', default: '50' },
      grace: { type: 'string', default: '30' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(`usage: ${USAGE}`);
    process.exit(0);
  }
  const num = (name: string, raw: string | undefined, min: number, integer: boolean): number => {
    const value = Number(raw);
    if (
      raw === undefined ||
      !Number.isFinite(value) ||
      value < min ||
      (integer && !Number.isInteger(value))
    ) {
      console.error(`--${name} must be ${integer ? 'a whole number' : 'a number'} >= ${min} (got ${raw})`);
      console.error(`usage: ${USAGE}`);
      process.exit(2);
    }
    return value;
  };
  const rate = num('rate', values.rate, 0.1, false);
  return {
    leads: num('leads', values.leads, 1, true),
    rate,
    clickRate:
      values['click-rate'] === undefined ? rate : num('click-rate', values['click-rate'], 0.1, false),
    warmup: num('warmup', values.warmup, 0, true),
    graceMs: num('grace', values.grace, 1, false) * 1000,
  };
}

// ---- observing the double ----------------------------------------------------------------------

interface Seen {
  message: PostedMessage;
  at: number;
  updates: number[];
}

/**
 * Timestamps, with performance.now(), the moment the double records a chat.postMessage or a
 * chat.update, by wrapping the push onto its recording arrays. The double records synchronously
 * while it handles the request, so this is its receive time, not a polling artefact.
 */
class Observer {
  /** Task (or relay) id → every post the double recorded for it. */
  readonly byId = new Map<number, Seen[]>();
  /** Posts with no `#<id>` or not in a DM (escalations, stray messages). */
  readonly stray: PostedMessage[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(readonly double: SlackDouble) {
    const messages = double.messages;
    const pushMessages = messages.push.bind(messages);
    messages.push = (...items: PostedMessage[]): number => {
      const at = performance.now();
      for (const message of items) this.onPost(message, at);
      const length = pushMessages(...items);
      this.notify();
      return length;
    };
  }

  private onPost(message: PostedMessage, at: number): void {
    const id = taskIdOf(message);
    if (id === undefined || !message.channel.startsWith('D')) {
      this.stray.push(message);
      return;
    }
    const seen: Seen = { message, at, updates: [] };
    const updates = message.updates;
    const pushUpdates = updates.push.bind(updates);
    updates.push = (...items) => {
      const when = performance.now();
      for (const _ of items) seen.updates.push(when);
      const length = pushUpdates(...items);
      this.notify();
      return length;
    };
    const list = this.byId.get(id) ?? [];
    list.push(seen);
    this.byId.set(id, list);
  }

  /** Resolves true once `done()` holds, false after `timeoutMs`; woken by the double, never by polling. */
  until(done: () => boolean, timeoutMs: number): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = () => {
        if (!done()) return;
        finish(true);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      const finish = (ok: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(ok);
      };
      this.waiters.add(check);
    });
  }

  private notify(): void {
    for (const check of [...this.waiters]) check();
  }
}

/** The `#<id>` both systems put in the DM (ours in the header, "Buyer lead · #12"). */
function taskIdOf(message: PostedMessage): number | undefined {
  const header = message.blocks.find((b) => b.type === 'header');
  const text = header ? allText({ blocks: [header] }) : allText(message);
  const match = /#(\d+)\b/.exec(text);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

// ---- the two systems ---------------------------------------------------------------------------

interface System {
  name: string;
  double: SlackDouble;
  observer: Observer;
  slack: SlackSender;
  leadUrl: string;
  claimActionId: string;
  /** Text the updated DM must contain after a Claim. */
  claimedText: string;
  /** Extra end-of-run checks on the system's own records (e.g. database rows). */
  audit(expected: number): string[];
  stop(): Promise<void>;
}

async function startOurs(): Promise<System> {
  const double = await SlackDouble.start({ channels: [LEADERS] });
  const observer = new Observer(double);
  const dir = mkdtempSync(join(tmpdir(), 'lead-dispatch-bench-'));
  let server: RunningServer | undefined;
  try {
    const env = readEnv({
      SLACK_BOT_TOKEN: 'xoxb-bench-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: double.apiUrl,
      PORT: '0',
      DATABASE_PATH: join(dir, 'dispatch.db'),
      INTAKE_TOKEN,
    });
    server = await startServer({
      env,
      config: loadDispatchConfig(EXAMPLE_CONFIG),
      log: silentLogger,
      schedule: true,
      host: '127.0.0.1',
    });
  } catch (error) {
    await double.stop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const running = server;
  const baseUrl = `http://127.0.0.1:${running.port}`;
  return {
    name: 'lead-dispatch',
    double,
    observer,
    slack: new SlackSender(baseUrl, SIGNING_SECRET, double),
    leadUrl: `${baseUrl}/leads`,
    claimActionId: CLAIM_ACTION,
    claimedText: 'Claimed by you',
    audit(expected) {
      const { db } = running.ctx;
      const problems: string[] = [];
      const taskRows = db
        .select({ status: tasks.status, n: count() })
        .from(tasks)
        .groupBy(tasks.status)
        .all();
      const offerRows = db
        .select({ status: offers.status, n: count() })
        .from(offers)
        .groupBy(offers.status)
        .all();
      const show = (rows: Array<{ status: string; n: number }>) =>
        rows.map((r) => `${r.status}=${r.n}`).join(' ') || 'none';
      const claimedTasks = taskRows.find((r) => r.status === 'claimed')?.n ?? 0;
      const totalOffers = offerRows.reduce((sum, r) => sum + r.n, 0);
      if (claimedTasks !== expected || taskRows.length !== 1)
        problems.push(`tasks by status: ${show(taskRows)} (expected claimed=${expected})`);
      if (totalOffers !== expected || offerRows.length !== 1)
        problems.push(`offers by status: ${show(offerRows)} (expected claimed=${expected})`);
      return problems;
    },
    async stop() {
      await running.stop();
      await double.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const RELAY_USERS = ['U0DANA001', 'U0MARCO01', 'U0PRIYA01'];

/** A minimal Bolt app: POST /relay answers 202 then relays to chat.postMessage; Claim acks then updates. */
async function startBaseline(): Promise<System> {
  const double = await SlackDouble.start({ channels: [LEADERS] });
  const observer = new Observer(double);
  let seq = 0;
  const expectedAuth = `Bearer ${INTAKE_TOKEN}`;
  const app: App = new App({
    signingSecret: SIGNING_SECRET,
    token: 'xoxb-bench-token',
    deferInitialization: true,
    logLevel: LogLevel.WARN,
    clientOptions: { slackApiUrl: double.apiUrl },
    customRoutes: [
      {
        path: '/relay',
        method: ['POST'],
        handler: (req, res) => void relay(req, res),
      },
    ],
  });
  const relay = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      if (req.headers.authorization !== expectedAuth) {
        res.writeHead(401).end();
        return;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
      const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (typeof body !== 'object' || body === null) {
        res.writeHead(400).end();
        return;
      }
      seq += 1;
      const id = seq;
      res.writeHead(202, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ id }));
      await app.client.chat.postMessage({
        channel: RELAY_USERS[id % RELAY_USERS.length] ?? 'U0DANA001',
        text: `New lead #${id}`,
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: `Lead · #${id}` } },
          {
            type: 'actions',
            elements: [
              {
                type: 'button',
                action_id: 'claim',
                value: String(id),
                text: { type: 'plain_text', text: 'Claim' },
              },
            ],
          },
        ],
      });
    } catch (error) {
      console.error('baseline relay failed:', String(error));
      if (!res.headersSent) res.writeHead(500).end();
    }
  };
  app.action<BlockAction<ButtonAction>>('claim', async ({ ack, body, client }) => {
    await ack();
    const channel = body.channel?.id;
    const ts = body.message?.ts;
    if (!channel || !ts) return;
    await client.chat.update({
      channel,
      ts,
      text: 'Claimed',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '✅ Claimed by you' } }],
    });
  });
  app.error(async (error) => {
    console.error('baseline listener failed:', error.message);
  });
  try {
    await app.init();
  } catch (error) {
    await double.stop();
    throw error;
  }
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    name: 'baseline (bare Bolt)',
    double,
    observer,
    slack: new SlackSender(baseUrl, SIGNING_SECRET, double),
    leadUrl: `${baseUrl}/relay`,
    claimActionId: 'claim',
    claimedText: 'Claimed by you',
    audit: () => [],
    async stop() {
      await app.stop();
      await double.stop();
    },
  };
}

// ---- driving a system --------------------------------------------------------------------------

interface LeadSent {
  status: number;
  id?: number;
  sentAt: number;
  acceptedAt?: number;
  error?: string;
}

interface ClickSent {
  id: number;
  status: number;
  sentAt: number;
  ackedAt?: number;
  error?: string;
}

interface Phase<T> {
  results: T[];
  firstSend: number;
  lastSend: number;
}

/** Open loop: request i is fired at start + i/rate whether or not earlier ones have been answered. */
async function atSteadyRate<T>(n: number, rate: number, fire: (i: number) => Promise<T>): Promise<Phase<T>> {
  const pending: Promise<T>[] = [];
  const start = performance.now() + 5;
  let firstSend = 0;
  let lastSend = 0;
  for (let i = 0; i < n; i += 1) {
    const wait = start + (i * 1000) / rate - performance.now();
    if (wait >= 1) await sleep(wait);
    lastSend = performance.now();
    if (i === 0) firstSend = lastSend;
    pending.push(fire(i));
  }
  return { results: await Promise.all(pending), firstSend, lastSend };
}

const ZIPS = ['78701', '78704', '78746', '78745', '78703'];
const REQUEST_TIMEOUT_MS = 15_000;

async function sendLead(url: string, runTag: string, i: number): Promise<LeadSent> {
  const zip = ZIPS[i % ZIPS.length] ?? '78701';
  const body = JSON.stringify(
    zillowLead({
      externalId: `bench-${runTag}-${i}`,
      address: { street: `${100 + i} Elm St`, city: 'Austin', state: 'TX', zip },
    }),
  );
  const sentAt = performance.now();
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${INTAKE_TOKEN}`, 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const acceptedAt = performance.now();
    const json: unknown = await res.json().catch(() => undefined);
    const id =
      typeof json === 'object' && json !== null && 'id' in json && typeof json.id === 'number'
        ? json.id
        : undefined;
    return { status: res.status, id, sentAt, acceptedAt };
  } catch (error) {
    return { status: 0, sentAt, error: String(error) };
  }
}

async function sendClick(system: System, id: number, seen: Seen): Promise<ClickSent> {
  const user = seen.message.user ?? '';
  const sentAt = performance.now();
  try {
    const res = await system.slack.clickButton({
      user,
      message: seen.message,
      actionId: system.claimActionId,
    });
    const ackedAt = performance.now();
    await res.arrayBuffer();
    return { id, status: res.status, sentAt, ackedAt };
  } catch (error) {
    return { id, status: 0, sentAt, error: String(error) };
  }
}

interface Stats {
  count: number;
  min: number;
  p50: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles. */
function stats(values: number[]): Stats | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
  return {
    count: sorted.length,
    min: sorted[0] ?? 0,
    p50: rank(0.5),
    p99: rank(0.99),
    max: sorted.at(-1) ?? 0,
  };
}

interface RunResult {
  name: string;
  leadToDm?: Stats;
  clickToUpdate?: Stats;
  intakeRoundTrip?: Stats;
  clickAck?: Stats;
  sentRate: number;
  dmRate: number;
  clickRate: number;
  updateRate: number;
  total: number;
  rejected: number;
  lost: number;
  doubled: number;
  stray: number;
  postMessageCalls: number;
  updateCalls: number;
  clicksFailed: number;
  clicksWithoutUpdate: number;
  clicksDoubledUpdate: number;
  updatedBeforeClick: number;
  ephemerals: number;
  problems: string[];
}

async function runSystem(system: System, options: Options, runTag: string): Promise<RunResult> {
  const { observer, double } = system;
  const total = options.warmup + options.leads;
  const problems: string[] = [];
  const measured = (i: number) => i >= options.warmup;

  // Phase 1: leads in, DMs out.
  const leads = await atSteadyRate(total, options.rate, (i) => sendLead(system.leadUrl, runTag, i));
  const accepted = leads.results.filter((r) => r.status === 202 && r.id !== undefined);
  const rejected = leads.results.filter((r) => r.status !== 202 || r.id === undefined);
  for (const r of rejected.slice(0, 5))
    problems.push(`lead rejected: status ${r.status}${r.error ? ` (${r.error})` : ''}`);
  const ids = accepted.map((r) => r.id ?? -1);
  const allDmsIn = await observer.until(() => ids.every((id) => observer.byId.has(id)), options.graceMs);
  // Let any late duplicate show up before counting: the sweeper ticks every second.
  await sleep(1500);

  const leadToDm: number[] = [];
  const intakeRoundTrip: number[] = [];
  let lost = 0;
  let doubled = 0;
  let lastDm = leads.lastSend;
  leads.results.forEach((r, i) => {
    if (r.status !== 202 || r.id === undefined || r.acceptedAt === undefined) return;
    const seen = observer.byId.get(r.id) ?? [];
    if (seen.length === 0) lost += 1;
    if (seen.length > 1) doubled += seen.length - 1;
    const first = seen[0];
    if (!first) return;
    lastDm = Math.max(lastDm, first.at);
    if (measured(i)) {
      leadToDm.push(first.at - r.acceptedAt);
      intakeRoundTrip.push(r.acceptedAt - r.sentAt);
    }
  });
  if (!allDmsIn)
    problems.push(`not every accepted lead had a DM ${options.graceMs / 1000} s after the last send`);
  const idSet = new Set(ids);
  const unknown = [...observer.byId.keys()].filter((id) => !idSet.has(id));
  if (unknown.length > 0)
    problems.push(`DMs for ids no lead was accepted as: ${unknown.slice(0, 10).join(', ')}`);
  const postMessageCalls = double.callsTo('chat.postMessage').length;

  // Phase 2: Claim every DM, once.
  const targets = leads.results.flatMap((r, index) => {
    const seen = r.status === 202 && r.id !== undefined ? observer.byId.get(r.id)?.[0] : undefined;
    return seen && r.id !== undefined ? [{ id: r.id, index, seen, updatesBefore: seen.updates.length }] : [];
  });
  const updatedBeforeClick = targets.filter((t) => t.updatesBefore > 0).length;
  const clicks = await atSteadyRate(targets.length, options.clickRate, (i) => {
    const target = targets[i];
    if (!target) throw new Error(`no click target ${i}`);
    return sendClick(system, target.id, target.seen);
  });
  const clickOk = (c: ClickSent) => c.status === 200;
  const clicksFailed = clicks.results.filter((c) => !clickOk(c));
  for (const c of clicksFailed.slice(0, 5))
    problems.push(`click on #${c.id} failed: status ${c.status}${c.error ? ` (${c.error})` : ''}`);
  const allUpdated = await observer.until(
    () => targets.every((t) => t.seen.updates.length > t.updatesBefore),
    options.graceMs,
  );
  await sleep(1500);
  if (!allUpdated)
    problems.push(`not every click was answered by an update ${options.graceMs / 1000} s after the last`);

  const clickToUpdate: number[] = [];
  const clickAck: number[] = [];
  let clicksWithoutUpdate = 0;
  let clicksDoubledUpdate = 0;
  let lastUpdate = clicks.lastSend;
  clicks.results.forEach((c, i) => {
    const target = targets[i];
    if (!target) return;
    const after = target.seen.updates.slice(target.updatesBefore);
    const first = after[0];
    if (first === undefined) {
      clicksWithoutUpdate += 1;
      return;
    }
    if (after.length > 1) clicksDoubledUpdate += 1;
    if (!allText(target.seen.message).includes(system.claimedText))
      problems.push(`DM #${target.id} was updated but does not say "${system.claimedText}"`);
    lastUpdate = Math.max(lastUpdate, first);
    // The warm-up leads' DMs are clicked first, in the order the leads were sent.
    if (measured(target.index) && c.ackedAt !== undefined) {
      clickToUpdate.push(first - c.sentAt);
      clickAck.push(c.ackedAt - c.sentAt);
    }
  });

  problems.push(...system.audit(total));
  const perSecond = (n: number, from: number, to: number) => (to > from ? (n * 1000) / (to - from) : n);
  return {
    name: system.name,
    leadToDm: stats(leadToDm),
    clickToUpdate: stats(clickToUpdate),
    intakeRoundTrip: stats(intakeRoundTrip),
    clickAck: stats(clickAck),
    sentRate: perSecond(total - 1, leads.firstSend, leads.lastSend),
    dmRate: perSecond(accepted.length - lost, leads.firstSend, lastDm),
    clickRate: perSecond(targets.length - 1, clicks.firstSend, clicks.lastSend),
    updateRate: perSecond(targets.length - clicksWithoutUpdate, clicks.firstSend, lastUpdate),
    total,
    rejected: rejected.length,
    lost,
    doubled,
    stray: observer.stray.length,
    postMessageCalls,
    updateCalls: double.callsTo('chat.update').length,
    clicksFailed: clicksFailed.length,
    clicksWithoutUpdate,
    clicksDoubledUpdate,
    updatedBeforeClick,
    ephemerals: double.ephemerals.length,
    problems,
  };
}

// ---- report ------------------------------------------------------------------------------------

function ms(value: number | undefined): string {
  if (value === undefined) return '—';
  return value >= 100 ? value.toFixed(0) : value.toFixed(2);
}

function ratio(ours: number | undefined, base: number | undefined): string {
  if (ours === undefined || base === undefined || base <= 0) return '—';
  return `${(ours / base).toFixed(2)}×`;
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  '),
    )
    .join('\n');
}

function latencyRows(
  title: string,
  pick: (r: RunResult) => Stats | undefined,
  ours: RunResult,
  base: RunResult,
) {
  const row = (r: RunResult): string[] => {
    const s = pick(r);
    return [`  ${r.name}`, String(s?.count ?? 0), ms(s?.min), ms(s?.p50), ms(s?.p99), ms(s?.max)];
  };
  const o = pick(ours);
  const b = pick(base);
  return [
    [title, '', '', '', '', ''],
    row(ours),
    row(base),
    ['  ratio ours/baseline', '', '', ratio(o?.p50, b?.p50), ratio(o?.p99, b?.p99), ''],
  ];
}

function checks(r: RunResult): string[][] {
  return [
    [r.name, ''],
    ['  leads sent (incl. warm-up)', String(r.total)],
    ['  rejected (not 202)', String(r.rejected)],
    ['  lost (accepted, never a DM)', String(r.lost)],
    ['  doubled (extra DMs for one lead)', String(r.doubled)],
    [
      '  chat.postMessage calls',
      `${r.postMessageCalls}${r.postMessageCalls === r.total ? ' (= leads)' : ' (≠ leads!)'}`,
    ],
    ['  other posts (escalations, strays)', String(r.stray)],
    [
      '  clicks failed / without update / doubled update',
      `${r.clicksFailed} / ${r.clicksWithoutUpdate} / ${r.clicksDoubledUpdate}`,
    ],
    ['  DMs updated before any click', String(r.updatedBeforeClick)],
    ['  chat.update calls', String(r.updateCalls)],
    ['  ephemerals', String(r.ephemerals)],
    ['  leads sent/s → DMs posted/s', `${r.sentRate.toFixed(1)} → ${r.dmRate.toFixed(1)}`],
    ['  clicks sent/s → DMs updated/s', `${r.clickRate.toFixed(1)} → ${r.updateRate.toFixed(1)}`],
  ];
}

function failed(r: RunResult): boolean {
  return (
    r.rejected > 0 ||
    r.lost > 0 ||
    r.doubled > 0 ||
    r.postMessageCalls !== r.total ||
    r.clicksFailed > 0 ||
    r.clicksWithoutUpdate > 0 ||
    r.clicksDoubledUpdate > 0 ||
    r.problems.length > 0
  );
}

// ---- main --------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const options = readOptions(argv);
  const total = options.warmup + options.leads;
  const cpuModel = cpus()[0]?.model.trim() ?? 'unknown CPU';
  console.log(`command: npx tsx bench/dispatch-latency.ts${argv.length > 0 ? ` ${argv.join(' ')}` : ''}`);
  console.log(
    `node ${process.version} on ${process.platform}/${process.arch}, ${availableParallelism()} CPUs (${cpuModel})`,
  );
  console.log(
    `per system: ${options.warmup} warm-up + ${options.leads} measured leads at ${options.rate}/s, ` +
      `then as many Claim clicks at ${options.clickRate}/s; app, baseline, double and client share one process`,
  );

  // Bounded in time: each phase waits at most its send time plus the grace, and this stops anything else.
  const budgetMs =
    2 * ((total / options.rate + total / options.clickRate) * 1000 + 2 * options.graceMs + 20_000);
  const watchdog = setTimeout(() => {
    console.error(`bench did not finish within ${(budgetMs / 1000).toFixed(0)} s; giving up`);
    process.exit(3);
  }, budgetMs);

  const runTag = Date.now().toString(36);
  const results: RunResult[] = [];
  try {
    for (const start of [startOurs, startBaseline]) {
      const system = await start();
      try {
        process.stdout.write(`running ${system.name}… `);
        const began = performance.now();
        results.push(await runSystem(system, options, runTag));
        console.log(`${((performance.now() - began) / 1000).toFixed(1)} s`);
      } finally {
        await system.stop();
      }
    }
  } finally {
    clearTimeout(watchdog);
  }

  const [ours, base] = results;
  if (!ours || !base) return 1;
  console.log('');
  console.log(
    table([
      ['latency (ms)', 'count', 'min', 'p50', 'p99', 'max'],
      ...latencyRows('lead accepted → DM posted', (r) => r.leadToDm, ours, base),
      ...latencyRows('click sent → DM updated', (r) => r.clickToUpdate, ours, base),
      ...latencyRows('(intake: lead sent → 202 received)', (r) => r.intakeRoundTrip, ours, base),
      ...latencyRows('(click: sent → ack received)', (r) => r.clickAck, ours, base),
    ]),
  );
  console.log('');
  console.log(table([...checks(ours), ...checks(base)]));
  const bad = results.filter(failed);
  for (const r of results) for (const p of r.problems) console.log(`! ${r.name}: ${p}`);
  console.log('');
  console.log(
    bad.length === 0 ? 'OK: nothing lost, nothing doubled' : `FAILED: ${bad.map((r) => r.name).join(', ')}`,
  );
  return bad.length === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
    // Everything is closed; if a stray handle still kept the process alive, say which and stop.
    setTimeout(() => {
      console.error('still running 10 s after the bench ended:', process.getActiveResourcesInfo().join(', '));
      process.exit(code === 0 ? 4 : code);
    }, 10_000).unref();
  },
  (error: unknown) => {
    console.error('bench failed:', error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
