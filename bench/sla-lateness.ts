/**
 * SLA lateness: how late, on the real clock, a lapsed offer reaches the next candidate.
 *
 *   npx tsx bench/sla-lateness.ts [--leads 240] [--seconds 24] [--limit 1000]
 *
 * The real app (real HTTP, a real SQLite file, the real Bolt app, the node-cron sweeper with its
 * wake-up timer, no test clock) runs on this (main) thread against the Slack Web API double, which
 * lives in a worker thread of this same file together with the lead sender. A dispatch.yml written
 * here has four rules matched by source (bench_a … bench_d) with SLAs of 2, 3, 5 and 7 s, `clock:
 * always`, and the backup chain ISA → rest of the pool, so every lapse re-dispatches to someone.
 *
 * `--leads` leads are POSTed over `--seconds` seconds at random gaps, so deadlines are staggered and
 * fall anywhere inside a second. Nobody clicks anything. For each task:
 *
 *   lateness = when the double received the chat.postMessage DM to the 2nd candidate
 *              − the 1st offer's deadline (offers.deadline, read from the SQLite file read-only).
 *
 * Both sides are Date.now() of one process: the double stamps each call as it handles it, the app
 * writes deadlines from its system clock. Also checked: each task has exactly one DM to its 2nd
 * candidate (none lost, none doubled, no agent DMed twice for one task), and the 1st DM was updated
 * to say "Offer expired". Exits 1 if p99 lateness exceeds `--limit` ms or any check fails. Only
 * 127.0.0.1 is used, and the run stops by itself (a watchdog ends it after 115 s at the latest).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { isMainThread, type MessagePort, parentPort, Worker, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { readEnv } from '../src/config/env.js';
import { parseDispatchConfig } from '../src/config/load-dispatch.js';
import type { Logger } from '../src/log.js';
import { type RunningServer, startServer } from '../src/main.js';
import { allText, type PostedMessage, SlackDouble } from '../test/support/slack-double.js';
import { type Stats, stats } from './stats.js';
import { runBench } from './systems.js';

const SIGNING_SECRET = '8f742231b10e8888abcd99aaaaaa85a5';
const INTAKE_TOKEN = 'intake-bench-token-0123456789';
const LEADERS = 'C0LEADERS1';
const EXPIRED_TEXT = 'Offer expired';
const WATCHDOG_MS = 115_000;
/** After the last lead is sent: its SLA plus this long for the lapse to reach the double. */
const GRACE_MS = 10_000;
/** Once everything expected is in, how long to keep watching for a late duplicate DM. */
const SETTLE_MS = 1_500;

/** One rule per source; leads cycle through them, so each SLA gets a quarter of the leads. */
const RULES = [
  { source: 'bench_a', sla: 2 },
  { source: 'bench_b', sla: 3 },
  { source: 'bench_c', sla: 5 },
  { source: 'bench_d', sla: 7 },
] as const;
const MAX_SLA_S = Math.max(...RULES.map((r) => r.sla));

function dispatchYaml(): string {
  const agents = [
    ['U0BUY0001', 'Ana Buyer'],
    ['U0BUY0002', 'Ben Buyer'],
    ['U0BUY0003', 'Cy Buyer'],
    ['U0BUY0004', 'Di Buyer'],
  ];
  return [
    '# Written by bench/sla-lateness.ts: short staggered SLAs, every lapse goes to someone.',
    'team:',
    '  name: SLA Bench Realty',
    '  timezone: America/Chicago',
    `  leaders_channel: ${LEADERS}`,
    '  default_sla: 15m',
    'sources:',
    ...RULES.map((r) => `  ${r.source}: buyer_lead`),
    'agents:',
    ...agents.map(([id, name]) => `  - { id: ${id}, name: ${name}, roles: [buyer_agent] }`),
    '  - { id: U0ISA0001, name: Ivy Isa, roles: [isa] }',
    'rules:',
    ...RULES.flatMap((r) => [
      `  - name: bench-${r.sla}s`,
      `    match: { source: ${r.source} }`,
      '    assign: { strategy: round_robin, pool: { roles: [buyer_agent] }, prefer: [] }',
      `    sla: { within: ${r.sla}s, clock: always }`,
      '    fallback: [{ role: isa }, { rest_of_pool: true }]',
    ]),
    '',
  ].join('\n');
}

// ---- the protocol between the two threads ------------------------------------------------------

interface Options {
  leads: number;
  seconds: number;
  limitMs: number;
  runTag: string;
}

interface LeadSent {
  index: number;
  source: string;
  status: number;
  taskId?: number;
  error?: string;
}

/** A DM as the double recorded it; `postedAt` is the double's Date.now() when it handled the call. */
interface DmRecord {
  taskId: number;
  user: string;
  channel: string;
  ts: string;
  postedAt: number;
  updates: number;
  /** The first update that says "Offer expired", if any. */
  expiredUpdateAt?: number;
}

interface DriverResult {
  leads: LeadSent[];
  firstSend: number;
  lastSend: number;
  dms: DmRecord[];
  /** Posts that are not DMs about a lead (escalations in the leaders' channel). */
  otherPosts: number;
  postMessageCalls: number;
  updateCalls: number;
  allIn: boolean;
}

type ToMain = { kind: 'double'; apiUrl: string } | { kind: 'result'; result: DriverResult };
type ToWorker = { kind: 'target'; leadUrl: string } | { kind: 'stop' };

// ---- the worker: Slack double + lead sender ------------------------------------------------------

/** The `#<id>` the DM's header carries ("Buyer lead from Bench_a · #12"). */
function taskIdOf(message: PostedMessage): number | undefined {
  const header = message.blocks.find((b) => b.type === 'header');
  const match = /#(\d+)\b/.exec(header ? allText({ blocks: [header] }) : allText(message));
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

function dmRecords(double: SlackDouble): { dms: DmRecord[]; other: number } {
  const dms: DmRecord[] = [];
  let other = 0;
  for (const m of double.messages) {
    const taskId = taskIdOf(m);
    if (taskId === undefined || !m.channel.startsWith('D') || !m.user) {
      other += 1;
      continue;
    }
    const expired = m.updates.find((u) => allText(u).includes(EXPIRED_TEXT));
    dms.push({
      taskId,
      user: m.user,
      channel: m.channel,
      ts: m.ts,
      postedAt: m.postedAt,
      updates: m.updates.length,
      expiredUpdateAt: expired?.at,
    });
  }
  return { dms, other };
}

async function sendLead(url: string, options: Options, index: number): Promise<LeadSent> {
  const rule = RULES[index % RULES.length] ?? RULES[0];
  const body = JSON.stringify({
    source: rule.source,
    externalId: `sla-${options.runTag}-${index}`,
    firstName: 'Bench',
    lastName: `Lead ${index}`,
    // A different person each time: the same phone twice would be merged as a repeat contact.
    phone: `(737) ${510 + (Math.floor(index / 10_000) % 90)}-${String(index % 10_000).padStart(4, '0')}`,
    address: { street: `${100 + index} Elm St`, city: 'Austin', state: 'TX', zip: '78701' },
    price: 450000,
  });
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${INTAKE_TOKEN}`, 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    const json: unknown = await res.json().catch(() => undefined);
    const taskId =
      typeof json === 'object' && json !== null && 'id' in json && typeof json.id === 'number'
        ? json.id
        : undefined;
    return { index, source: rule.source, status: res.status, taskId };
  } catch (error) {
    return { index, source: rule.source, status: 0, error: String(error) };
  }
}

/**
 * Send times: random gaps (0.3–1.7 × the mean) scaled so the last lead goes out `seconds` after
 * the first; arrivals, and so deadlines, land anywhere inside a second.
 */
function sendOffsets(n: number, seconds: number): number[] {
  const gaps = Array.from({ length: Math.max(0, n - 1) }, () => 0.3 + Math.random() * 1.4);
  const total = gaps.reduce((a, b) => a + b, 0);
  const scale = total > 0 ? (seconds * 1000) / total : 0;
  const offsets = [0];
  for (const gap of gaps) offsets.push((offsets.at(-1) ?? 0) + gap * scale);
  return offsets;
}

/** Every accepted task has DMs to two different agents, and its first DM says "Offer expired". */
function everythingIn(double: SlackDouble, taskIds: number[]): boolean {
  const byTask = new Map<number, DmRecord[]>();
  for (const dm of dmRecords(double).dms) {
    const list = byTask.get(dm.taskId) ?? [];
    list.push(dm);
    byTask.set(dm.taskId, list);
  }
  return taskIds.every((id) => {
    const list = byTask.get(id) ?? [];
    const first = list[0];
    return (
      first !== undefined && first.expiredUpdateAt !== undefined && list.some((dm) => dm.user !== first.user)
    );
  });
}

async function drive(double: SlackDouble, leadUrl: string, options: Options): Promise<DriverResult> {
  const offsets = sendOffsets(options.leads, options.seconds);
  const start = Date.now() + 5;
  const pending: Promise<LeadSent>[] = [];
  let firstSend = 0;
  let lastSend = 0;
  for (const [i, offset] of offsets.entries()) {
    const wait = start + offset - Date.now();
    if (wait >= 1) await sleep(wait);
    lastSend = Date.now();
    if (i === 0) firstSend = lastSend;
    pending.push(sendLead(leadUrl, options, i));
  }
  const leads = await Promise.all(pending);
  const taskIds = leads.flatMap((l) => (l.status === 202 && l.taskId !== undefined ? [l.taskId] : []));
  // Polling here costs the app nothing: the double stamps each call itself as it handles it.
  const deadline = lastSend + MAX_SLA_S * 1000 + GRACE_MS;
  let allIn = everythingIn(double, taskIds);
  while (!allIn && Date.now() < deadline) {
    await sleep(50);
    allIn = everythingIn(double, taskIds);
  }
  await sleep(SETTLE_MS);
  const { dms, other } = dmRecords(double);
  return {
    leads,
    firstSend,
    lastSend,
    dms,
    otherPosts: other,
    postMessageCalls: double.callsTo('chat.postMessage').length,
    updateCalls: double.callsTo('chat.update').length,
    allIn,
  };
}

async function runWorker(port: MessagePort, options: Options): Promise<void> {
  const double = await SlackDouble.start({ channels: [LEADERS] });
  port.on('message', (message: ToWorker) => {
    if (message.kind === 'target') {
      // A failure rejects unhandled, which ends the worker with an 'error' the main thread reports.
      void drive(double, message.leadUrl, options).then((result) =>
        port.postMessage({ kind: 'result', result } satisfies ToMain),
      );
    } else {
      void double.stop().then(() => port.close());
    }
  });
  port.postMessage({ kind: 'double', apiUrl: double.apiUrl } satisfies ToMain);
}

// ---- the main thread: options, the app, the measurement ----------------------------------------

const USAGE = 'npx tsx bench/sla-lateness.ts [--leads 240] [--seconds 24] [--limit 1000]';

function readOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      leads: { type: 'string', default: '240' },
      seconds: { type: 'string', default: '24' },
      limit: { type: 'string', default: '1000' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(`usage: ${USAGE}`);
    process.exit(0);
  }
  const num = (name: string, raw: string, min: number, max: number): number => {
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > max) {
      console.error(`--${name} must be a number from ${min} to ${max} (got ${raw})`);
      console.error(`usage: ${USAGE}`);
      process.exit(2);
    }
    return value;
  };
  return {
    leads: Math.round(num('leads', values.leads, 1, 2000)),
    // Bounded so the whole run stays well under two minutes.
    seconds: num('seconds', values.seconds, 1, 60),
    limitMs: num('limit', values.limit, 1, 60_000),
    runTag: Date.now().toString(36),
  };
}

/** A worker running this same file, with tsx's loader registered inside it. */
function startWorker(options: Options): Worker {
  const loader = import.meta.resolve('tsx/esm/api');
  const self = import.meta.url;
  const boot = `import(${JSON.stringify(loader)}).then(({ register }) => { register(); return import(${JSON.stringify(self)}); })`;
  return new Worker(boot, { eval: true, workerData: options });
}

/** Keeps the app's warnings and errors (a failed sweep would show up here), prints nothing else. */
function collectingLogger(into: string[]): Logger {
  const keep = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    into.push(`${level}: ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`);
  };
  return { debug() {}, info() {}, warn: keep('warn'), error: keep('error') };
}

interface OfferRecord {
  id: number;
  taskId: number;
  agentId: string;
  position: number;
  status: string;
  deadline: number;
  resolvedAt: number | null;
}

interface TaskRecord {
  id: number;
  source: string;
  status: string;
}

/** The offers and tasks as the app stored them, through a read-only connection of our own. */
function readDatabase(path: string): { offers: OfferRecord[]; tasks: TaskRecord[] } {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const offers = db
      .prepare(
        `select id, task_id as taskId, agent_id as agentId, position, status, deadline,
                resolved_at as resolvedAt
           from offers order by task_id, id`,
      )
      .all() as OfferRecord[];
    const tasks = db.prepare('select id, source, status from tasks order by id').all() as TaskRecord[];
    return { offers, tasks };
  } finally {
    db.close();
  }
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  const cell = (text: string, c: number) =>
    c === 0 ? text.padEnd(widths[c] ?? 0) : text.padStart(widths[c] ?? 0);
  return rows.map((r) => r.map(cell).join('  ').trimEnd()).join('\n');
}

const statRow = (label: string, s: Stats | undefined): string[] =>
  s
    ? [label, String(s.count), ...[s.min, s.p50, s.p99, s.max].map((v) => v.toFixed(0))]
    : [label, '0', '—', '—', '—', '—'];

const loadText = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

interface Analysis {
  lateness: number[];
  latenessBySource: Map<string, number[]>;
  sweepLag: number[];
  deliveryLag: number[];
  anyLapse: number[];
  tasks: number;
  firstExpired: number;
  offersExpired: number;
  redispatchDms: number;
  firstDmsUpdated: number;
  lost: number;
  doubled: number;
  problems: string[];
}

function analyse(run: DriverResult, db: { offers: OfferRecord[]; tasks: TaskRecord[] }): Analysis {
  const problems: string[] = [];
  const accepted = run.leads.filter((l) => l.status === 202 && l.taskId !== undefined);
  for (const l of run.leads.filter((x) => x.status !== 202 || x.taskId === undefined).slice(0, 5))
    problems.push(`lead ${l.index} rejected: status ${l.status}${l.error ? ` (${l.error})` : ''}`);
  const offersByTask = new Map<number, OfferRecord[]>();
  for (const o of db.offers) {
    const list = offersByTask.get(o.taskId) ?? [];
    list.push(o);
    offersByTask.set(o.taskId, list);
  }
  const dmsByTask = new Map<number, DmRecord[]>();
  for (const dm of run.dms) {
    const list = dmsByTask.get(dm.taskId) ?? [];
    list.push(dm);
    dmsByTask.set(dm.taskId, list);
  }
  const acceptedIds = new Set(accepted.map((l) => l.taskId));
  const strays = [...dmsByTask.keys()].filter((id) => !acceptedIds.has(id));
  if (strays.length > 0)
    problems.push(`DMs for tasks no lead was accepted as: ${strays.slice(0, 10).join(', ')}`);
  if (db.tasks.length !== accepted.length)
    problems.push(`${db.tasks.length} tasks in the database for ${accepted.length} accepted leads`);

  const result: Analysis = {
    lateness: [],
    latenessBySource: new Map(RULES.map((r) => [r.source, []])),
    sweepLag: [],
    deliveryLag: [],
    anyLapse: [],
    tasks: accepted.length,
    firstExpired: 0,
    offersExpired: db.offers.filter((o) => o.status === 'expired').length,
    redispatchDms: 0,
    firstDmsUpdated: 0,
    lost: 0,
    doubled: 0,
    problems,
  };
  const note = (problem: string) => {
    if (problems.length < 20) problems.push(problem);
  };
  for (const lead of accepted) {
    const taskId = lead.taskId ?? -1;
    const offers = offersByTask.get(taskId) ?? [];
    const dms = dmsByTask.get(taskId) ?? [];
    const dmsTo = (user: string) => dms.filter((dm) => dm.user === user);
    // No agent is offered one task twice (the chain is deduplicated), so a second DM is a double.
    const perUser = new Map<string, number>();
    for (const dm of dms) perUser.set(dm.user, (perUser.get(dm.user) ?? 0) + 1);
    for (const [user, n] of perUser) {
      if (n > 1) {
        result.doubled += n - 1;
        note(`task ${taskId}: ${n} DMs to ${user}`);
      }
    }
    const [first, second] = offers;
    if (!first) {
      result.lost += 1;
      note(`task ${taskId}: no offer in the database`);
      continue;
    }
    if (first.status !== 'expired') {
      note(`task ${taskId}: first offer is ${first.status}, expected expired (nobody clicked)`);
      continue;
    }
    result.firstExpired += 1;
    if (first.resolvedAt !== null) result.sweepLag.push(first.resolvedAt - first.deadline);
    const firstDm = dmsTo(first.agentId)[0];
    if (firstDm?.expiredUpdateAt !== undefined) result.firstDmsUpdated += 1;
    else note(`task ${taskId}: the first DM was never updated to say "${EXPIRED_TEXT}"`);
    if (!second) {
      result.lost += 1;
      note(`task ${taskId}: the first offer expired but no second offer was made`);
      continue;
    }
    const toSecond = dmsTo(second.agentId);
    const redispatch = toSecond[0];
    if (!redispatch) {
      result.lost += 1;
      note(`task ${taskId}: no DM to the second candidate ${second.agentId}`);
      continue;
    }
    if (toSecond.length === 1) result.redispatchDms += 1;
    const late = redispatch.postedAt - first.deadline;
    if (late < 0) note(`task ${taskId}: re-dispatched ${-late} ms before the deadline`);
    result.lateness.push(late);
    result.latenessBySource.get(lead.source)?.push(late);
    if (first.resolvedAt !== null) result.deliveryLag.push(redispatch.postedAt - first.resolvedAt);
    // Every later lapse too, where the next candidate's DM was already in when the run ended.
    for (const [i, offer] of offers.entries()) {
      const next = offers[i + 1];
      const nextDm = next ? dmsTo(next.agentId)[0] : undefined;
      if (offer.status === 'expired' && nextDm) result.anyLapse.push(nextDm.postedAt - offer.deadline);
    }
  }
  return result;
}

async function runMain(): Promise<number> {
  const argv = process.argv.slice(2);
  const options = readOptions(argv);
  const watchdog = setTimeout(() => {
    console.error(`the bench did not finish within ${WATCHDOG_MS / 1000} s; stopping`);
    process.exit(3);
  }, WATCHDOG_MS);
  watchdog.unref();

  const cpuModel = cpus()[0]?.model.trim() ?? 'unknown CPU';
  console.log(`command: npx tsx bench/sla-lateness.ts${argv.length > 0 ? ` ${argv.join(' ')}` : ''}`);
  console.log(
    `node ${process.version} on ${process.platform}/${process.arch}, ${availableParallelism()} CPUs (${cpuModel})`,
  );
  console.log(`load average before: ${loadText()}`);
  const slas = RULES.map((r) => `${r.sla}s`).join('/');
  console.log(
    `${options.leads} leads over ${options.seconds} s at random gaps, SLAs ${slas} (clock: always) by source;`,
  );
  console.log('chain: round robin over 4 buyer agents → ISA → rest of the pool; nobody clicks');
  console.log(
    'real clock, node-cron sweeper; app on the main thread, lead sender + Slack double in a worker',
  );

  const dir = mkdtempSync(join(tmpdir(), 'lead-dispatch-sla-'));
  const worker = startWorker(options);
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  let server: RunningServer | undefined;
  let workerError: unknown;
  const logged: string[] = [];
  const loop = monitorEventLoopDelay({ resolution: 1 });
  try {
    const run = await new Promise<DriverResult>((resolve, reject) => {
      worker.on('error', (error) => {
        workerError = error;
        reject(error);
      });
      void exited.then((code) => reject(new Error(`the worker exited early (code ${code})`)));
      worker.on('message', (message: ToMain) => {
        if (message.kind === 'result') {
          resolve(message.result);
          return;
        }
        const configPath = join(dir, 'dispatch.yml');
        const yaml = dispatchYaml();
        writeFileSync(configPath, yaml);
        const env = readEnv({
          SLACK_BOT_TOKEN: 'xoxb-bench-token',
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          SLACK_API_URL: message.apiUrl,
          PORT: '0',
          DATABASE_PATH: join(dir, 'dispatch.db'),
          DISPATCH_CONFIG: configPath,
          INTAKE_TOKEN,
        });
        startServer({
          env,
          config: parseDispatchConfig(yaml, configPath),
          log: collectingLogger(logged),
          schedule: true,
          host: '127.0.0.1',
        }).then((started) => {
          server = started;
          loop.enable();
          const leadUrl = `http://127.0.0.1:${started.port}/leads`;
          worker.postMessage({ kind: 'target', leadUrl } satisfies ToWorker);
        }, reject);
      });
    });
    loop.disable();
    const a = analyse(run, readDatabase(join(dir, 'dispatch.db')));
    const sent = `${run.leads.length} leads sent over ${((run.lastSend - run.firstSend) / 1000).toFixed(1)} s`;
    console.log('');
    console.log(
      table([
        ['deadline → 2nd candidate DM (ms)', 'count', 'min', 'p50', 'p99', 'max'],
        statRow('  all SLAs', stats(a.lateness)),
        ...RULES.map((r) => statRow(`  sla ${r.sla}s`, stats(a.latenessBySource.get(r.source) ?? []))),
        ['of which', '', '', '', '', ''],
        statRow('  deadline → offer expired in the DB', stats(a.sweepLag)),
        statRow('  offer expired → DM at the double', stats(a.deliveryLag)),
        statRow('(every lapse → next DM, any position)', stats(a.anyLapse)),
      ]),
    );
    const p99 = stats(a.lateness)?.p99;
    const matches = a.redispatchDms === a.firstExpired;
    console.log('');
    console.log(
      table([
        [sent, `(${a.tasks} accepted)`],
        ['first offers that lapsed', `${a.firstExpired} of ${a.tasks}`],
        ['offers expired (all positions)', String(a.offersExpired)],
        [
          're-dispatch DMs (one per task, to the 2nd candidate)',
          `${a.redispatchDms} ${matches ? '(= first offers lapsed)' : '(≠ first offers lapsed!)'}`,
        ],
        ['lost / doubled', `${a.lost} / ${a.doubled}`],
        [`first DMs updated "${EXPIRED_TEXT}"`, String(a.firstDmsUpdated)],
        ['chat.postMessage / chat.update calls', `${run.postMessageCalls} / ${run.updateCalls}`],
        ['other posts (escalations)', String(run.otherPosts)],
        ['app warnings / errors logged', String(logged.length)],
        [
          'app thread event-loop delay p50 / p99 / max (ms)',
          [loop.percentile(50), loop.percentile(99), loop.max].map((n) => (n / 1e6).toFixed(1)).join(' / '),
        ],
        ['load average after', loadText()],
      ]),
    );
    for (const line of logged.slice(0, 5)) console.log(`  app ${line}`);
    if (!run.allIn) a.problems.push('not every task had its re-dispatch DM and expired update in time');
    if (!matches) a.problems.push('re-dispatch DMs do not match the first offers that lapsed');
    if (a.firstExpired !== a.tasks) a.problems.push('not every first offer lapsed');
    if (a.firstDmsUpdated !== a.firstExpired) a.problems.push('not every lapsed first DM was updated');
    if (a.lost > 0 || a.doubled > 0) a.problems.push(`${a.lost} lost, ${a.doubled} doubled`);
    if (p99 === undefined) a.problems.push('nothing was measured');
    else if (p99 > options.limitMs) a.problems.push(`p99 lateness ${p99} ms > ${options.limitMs} ms`);
    for (const p of a.problems) console.log(`! ${p}`);
    console.log('');
    console.log(
      a.problems.length === 0
        ? `OK: p99 lateness ${p99} ms ≤ ${options.limitMs} ms; nothing lost, nothing doubled`
        : 'FAILED',
    );
    return a.problems.length === 0 ? 0 : 1;
  } finally {
    await server?.stop();
    worker.postMessage({ kind: 'stop' } satisfies ToWorker);
    const stopTimer = setTimeout(() => void worker.terminate(), 10_000);
    await exited;
    clearTimeout(stopTimer);
    rmSync(dir, { recursive: true, force: true });
    if (workerError) console.error('the worker failed:', String(workerError));
  }
}

if (isMainThread) {
  runBench(runMain);
} else {
  const port = parentPort;
  if (!port) throw new Error('bench/sla-lateness.ts: a worker without a parent port');
  await runWorker(port, workerData as Options);
}
