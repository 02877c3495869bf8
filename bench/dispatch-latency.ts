/**
 * Dispatch latency: the real app (real HTTP, a real SQLite file, the real Bolt app, the sweeper on
 * its real schedule) against a bare Bolt relay, both talking to the local Slack Web API double.
 *
 *   npx tsx bench/dispatch-latency.ts [--leads 1000] [--rate 50] [--click-rate <rate>] [--warmup 50]
 *
 * For each system, `warmup + leads` leads are POSTed at a steady, open-loop rate (the schedule never
 * waits for answers); then Claim is clicked on every DM at a steady rate. Measured:
 *   - lead accepted (the 202 reaches the client) → the double records chat.postMessage for that lead;
 *   - click sent (just before the signed request is built) → the double records chat.update of the DM.
 * The first `warmup` leads and clicks are sent and checked but left out of the percentiles.
 *
 * The apps run on this (main) thread; the client and the double run in a worker thread
 * (bench/load-driver.ts), so all timestamps come from one clock and a 202 is seen when it is on the
 * wire, not after the app's synchronous post-response work has let go of the event loop.
 *
 * Exits 1 if any lead was rejected, lost (no DM) or doubled (two DMs, or more chat.postMessage calls
 * than leads), or if a click was not answered by exactly one update. Only 127.0.0.1 is used.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { App, type BlockAction, type ButtonAction, LogLevel } from '@slack/bolt';
import { count } from 'drizzle-orm';
import type { DispatchConfig } from '../src/config/dispatch-schema.js';
import { readEnv } from '../src/config/env.js';
import { loadDispatchConfig } from '../src/config/load-dispatch.js';
import { offers, tasks } from '../src/db/schema.js';
import { silentLogger } from '../src/log.js';
import { type RunningServer, startServer } from '../src/main.js';
import { CLAIM_ACTION } from '../src/slack/blocks/offer-message.js';
import { EXAMPLE_CONFIG, INTAKE_TOKEN, SIGNING_SECRET } from '../test/support/harness.js';
import type { DriverOptions, DriverResult, Target, ToDriver, ToMain } from './load-driver.js';
import type { Stats } from './stats.js';

const USAGE =
  'npx tsx bench/dispatch-latency.ts [--leads 1000] [--rate 50] [--click-rate <rate>] [--warmup 50] [--grace 30]';

function readOptions(argv: string[]): DriverOptions {
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
    runTag: Date.now().toString(36),
  };
}

// ---- the two systems under test (main thread) --------------------------------------------------

interface System {
  name: string;
  target: Target;
  /** End-of-run checks on the system's own records. */
  audit(expected: number): string[];
  stop(): Promise<void>;
}

/** The example team without working hours, so the figures do not depend on the hour the bench runs at. */
/**
 * The example team, always at work and without load caps: the bench measures latency, so its
 * figures must not depend on the hour it runs, nor on 1,000 claimed-but-uncontacted leads capping
 * everyone (which would turn the later leads into escalations).
 */
function alwaysAtWork(config: DispatchConfig): DispatchConfig {
  return {
    ...config,
    team: { ...config.team, working_hours: undefined, caps: undefined },
    agents: config.agents.map((a) => ({ ...a, working_hours: undefined, caps: undefined })),
  };
}

async function startOurs(apiUrl: string): Promise<System> {
  const dir = mkdtempSync(join(tmpdir(), 'lead-dispatch-bench-'));
  let server: RunningServer;
  try {
    const env = readEnv({
      SLACK_BOT_TOKEN: 'xoxb-bench-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: apiUrl,
      PORT: '0',
      DATABASE_PATH: join(dir, 'dispatch.db'),
      INTAKE_TOKEN,
    });
    server = await startServer({
      env,
      config: alwaysAtWork(loadDispatchConfig(EXAMPLE_CONFIG)),
      log: silentLogger,
      schedule: true,
      host: '127.0.0.1',
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const baseUrl = `http://127.0.0.1:${server.port}`;
  return {
    name: 'lead-dispatch',
    target: {
      leadUrl: `${baseUrl}/leads`,
      appBaseUrl: baseUrl,
      claimActionId: CLAIM_ACTION,
      claimedText: 'Claimed by you',
    },
    audit(expected) {
      const { db } = server.ctx;
      const byStatus = <T extends { status: string; n: number }>(rows: T[]) =>
        rows.map((r) => `${r.status}=${r.n}`).join(' ') || 'none';
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
      const problems: string[] = [];
      const claimed = (rows: Array<{ status: string; n: number }>) =>
        rows.length === 1 && rows[0]?.status === 'claimed' && rows[0].n === expected;
      if (!claimed(taskRows))
        problems.push(`tasks by status: ${byStatus(taskRows)}, expected claimed=${expected}`);
      if (!claimed(offerRows))
        problems.push(`offers by status: ${byStatus(offerRows)}, expected claimed=${expected}`);
      return problems;
    },
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const RELAY_USERS = ['U0DANA001', 'U0MARCO01', 'U0PRIYA01'];

/** A minimal Bolt app: POST /relay answers 202, then relays to chat.postMessage; Claim acks, then updates. */
async function startBaseline(apiUrl: string): Promise<System> {
  let seq = 0;
  const expectedAuth = `Bearer ${INTAKE_TOKEN}`;
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
  const app: App = new App({
    signingSecret: SIGNING_SECRET,
    token: 'xoxb-bench-token',
    deferInitialization: true,
    logLevel: LogLevel.WARN,
    clientOptions: { slackApiUrl: apiUrl },
    customRoutes: [{ path: '/relay', method: ['POST'], handler: (req, res) => void relay(req, res) }],
  });
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
  await app.init();
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    name: 'baseline (bare Bolt)',
    target: {
      leadUrl: `${baseUrl}/relay`,
      appBaseUrl: baseUrl,
      claimActionId: 'claim',
      claimedText: 'Claimed by you',
    },
    audit: () => [],
    stop: () => app.stop().then(() => undefined),
  };
}

// ---- one run: a driver worker against one system -----------------------------------------------

interface RunResult extends DriverResult {
  name: string;
  /** How long the app's (main) thread was blocked: event-loop delay over the run, in ms. */
  loopDelay: { p50: number; p99: number; max: number };
  /** CPU this whole process (app, driver, double) used over the run, in % of one core. */
  cpuPercent: number;
  /** The host's 1-minute load average at the end: other work on the machine skews the tails. */
  load: number;
}

/** A worker running bench/load-driver.ts, with tsx's loader registered inside it. */
function startDriver(options: DriverOptions): Worker {
  const loader = import.meta.resolve('tsx/esm/api');
  const driver = new URL('./load-driver.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(loader)}).then(({ register }) => { register(); return import(${JSON.stringify(driver)}); })`;
  return new Worker(boot, { eval: true, workerData: options });
}

async function runOne(
  start: (apiUrl: string) => Promise<System>,
  options: DriverOptions,
  timeoutMs: number,
): Promise<RunResult> {
  const worker = startDriver(options);
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  let system: System | undefined;
  let timer: NodeJS.Timeout | undefined;
  let workerError: unknown;
  const loop = monitorEventLoopDelay({ resolution: 1 });
  let cpuFrom = process.cpuUsage();
  let wallFrom = performance.now();
  try {
    const result = await new Promise<RunResult>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no result within ${timeoutMs / 1000} s`)), timeoutMs);
      worker.on('error', (error) => {
        workerError = error;
        reject(error);
      });
      void exited.then((code) => reject(new Error(`the load driver exited early (code ${code})`)));
      worker.on('message', (message: ToMain) => {
        if (message.kind === 'double') {
          start(message.apiUrl).then((started) => {
            system = started;
            process.stdout.write(`running ${started.name}… `);
            loop.enable();
            cpuFrom = process.cpuUsage();
            wallFrom = performance.now();
            worker.postMessage({ kind: 'target', target: started.target } satisfies ToDriver);
          }, reject);
        } else if (system) {
          loop.disable();
          const problems = [...message.result.problems, ...system.audit(message.result.total)];
          const loopDelay = {
            p50: loop.percentile(50) / 1e6,
            p99: loop.percentile(99) / 1e6,
            max: loop.max / 1e6,
          };
          const cpu = process.cpuUsage(cpuFrom);
          const cpuPercent = (cpu.user + cpu.system) / 10 / (performance.now() - wallFrom);
          const load = loadavg()[0] ?? 0;
          resolve({ ...message.result, problems, name: system.name, loopDelay, cpuPercent, load });
        }
      });
    });
    console.log('done');
    return result;
  } finally {
    clearTimeout(timer);
    await system?.stop();
    worker.postMessage({ kind: 'stop' } satisfies ToDriver);
    const stopTimer = setTimeout(() => void worker.terminate(), 10_000);
    await exited;
    clearTimeout(stopTimer);
    if (workerError) console.error('the load driver failed:', String(workerError));
  }
}

// ---- report ------------------------------------------------------------------------------------

const ms = (value: number | undefined): string =>
  value === undefined ? '—' : value >= 100 ? value.toFixed(0) : value.toFixed(2);

function ratio(ours: number | undefined, base: number | undefined): string {
  if (ours === undefined || base === undefined || base <= 0) return '—';
  return `${(ours / base).toFixed(2)}×`;
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  const cell = (text: string, c: number) =>
    c === 0 ? text.padEnd(widths[c] ?? 0) : text.padStart(widths[c] ?? 0);
  return rows.map((r) => r.map(cell).join('  ').trimEnd()).join('\n');
}

function latencyRows(
  title: string,
  pick: (r: RunResult) => Stats | undefined,
  ours: RunResult,
  base: RunResult,
): string[][] {
  const row = (r: RunResult): string[] => {
    const s = pick(r);
    return [`  ${r.name}`, String(s?.count ?? 0), ms(s?.min), ms(s?.p50), ms(s?.p99), ms(s?.max)];
  };
  return [
    [title, '', '', '', '', ''],
    row(ours),
    row(base),
    [
      '  ratio ours/baseline',
      '',
      '',
      ratio(pick(ours)?.p50, pick(base)?.p50),
      ratio(pick(ours)?.p99, pick(base)?.p99),
      '',
    ],
  ];
}

function checkRows(r: RunResult): string[][] {
  const calls = `${r.postMessageCalls} ${r.postMessageCalls === r.total ? '(= leads)' : '(≠ leads!)'}`;
  return [
    [r.name, ''],
    ['  leads sent (incl. warm-up)', String(r.total)],
    ['  rejected (not 202)', String(r.rejected)],
    ['  lost (accepted, never a DM)', String(r.lost)],
    ['  doubled (extra DMs for one lead)', String(r.doubled)],
    ['  chat.postMessage calls', calls],
    ['  other posts (escalations, strays)', String(r.stray)],
    ['  202s timed at response headers', `${r.timedAtHeaders} of ${r.leadToDm?.count ?? 0}`],
    ['  DMs updated before any click', String(r.updatedBeforeClick)],
    [
      '  clicks failed / no update / doubled update',
      `${r.clicksFailed} / ${r.clicksWithoutUpdate} / ${r.clicksDoubledUpdate}`,
    ],
    ['  chat.update calls / ephemerals', `${r.updateCalls} / ${r.ephemerals}`],
    ['  leads sent/s → DMs posted/s', `${r.sentRate.toFixed(1)} → ${r.dmRate.toFixed(1)}`],
    ['  clicks sent/s → DMs updated/s', `${r.clickRate.toFixed(1)} → ${r.updateRate.toFixed(1)}`],
    [
      '  lead→DM p50, first → last tenth (ms)',
      `${ms(r.leadToDmFirstTenthP50)} → ${ms(r.leadToDmLastTenthP50)}`,
    ],
    [
      '  app thread event-loop delay p50 / p99 / max (ms)',
      `${ms(r.loopDelay.p50)} / ${ms(r.loopDelay.p99)} / ${ms(r.loopDelay.max)}`,
    ],
    [
      '  process CPU (% of one core) / host load avg',
      `${r.cpuPercent.toFixed(0)}% / ${r.load.toFixed(2)} on ${availableParallelism()} CPUs`,
    ],
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
    `per system: ${options.warmup} warm-up + ${options.leads} measured leads at ${options.rate}/s, then a Claim ` +
      `click on every DM at ${options.clickRate}/s; app on the main thread, client + Slack double in a worker`,
  );
  // Bounded: each phase waits at most its sending time plus the grace period.
  const perSystemMs =
    (total / options.rate + total / options.clickRate) * 1000 + 2 * options.graceMs + 30_000;
  const ours = await runOne(startOurs, options, perSystemMs);
  const base = await runOne(startBaseline, options, perSystemMs);

  console.log('');
  console.log(
    table([
      ['latency (ms)', 'count', 'min', 'p50', 'p99', 'max'],
      ...latencyRows('lead accepted → DM posted', (r) => r.leadToDm, ours, base),
      ...latencyRows('click sent → DM updated', (r) => r.clickToUpdate, ours, base),
      ...latencyRows('(lead sent → 202 received)', (r) => r.intakeRoundTrip, ours, base),
      ...latencyRows('(click sent → ack received)', (r) => r.clickAck, ours, base),
    ]),
  );
  console.log('');
  console.log(table([...checkRows(ours), ...checkRows(base)]));
  for (const r of [ours, base]) for (const p of r.problems) console.log(`! ${r.name}: ${p}`);
  const bad = [ours, base].filter(failed);
  console.log('');
  console.log(
    bad.length === 0 ? 'OK: nothing lost, nothing doubled' : `FAILED: ${bad.map((r) => r.name).join(', ')}`,
  );
  return bad.length === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
    // Everything is closed by now; if some handle still kept the process alive, say which and stop.
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
