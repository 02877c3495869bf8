/**
 * The systems a bench drives, and the run that drives them: one load-driver worker (client and
 * Slack double) for the whole run, so the app and the relay are measured against the same double
 * in the same process, one phase after the other, and every figure can be printed beside its floor.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { count } from 'drizzle-orm';
import type { DispatchConfig } from '../src/config/dispatch-schema.js';
import { readEnv } from '../src/config/env.js';
import { offers, tasks } from '../src/db/schema.js';
import { silentLogger } from '../src/log.js';
import { type RunningServer, startServer } from '../src/main.js';
import { CLAIM_ACTION } from '../src/slack/blocks/offer-message.js';
import { INTAKE_TOKEN, SIGNING_SECRET } from '../test/support/harness.js';
import type { DriverOptions, DriverResult, PhaseRequest, Target, ToDriver, ToMain } from './load-driver.js';
import type { Stats } from './stats.js';

export interface System {
  name: string;
  target: Target;
  /** End-of-run checks on the system's own records, given how many leads it was sent in all. */
  audit(expected: number): string[];
  stop(): Promise<void>;
}

/**
 * The example team, always at work and without load caps: the bench measures latency, so its
 * figures must not depend on the hour it runs, nor on 1,000 claimed-but-uncontacted leads capping
 * everyone (which would turn the later leads into escalations).
 */
export function alwaysAtWork(config: DispatchConfig): DispatchConfig {
  return {
    ...config,
    team: { ...config.team, working_hours: undefined, caps: undefined },
    agents: config.agents.map((a) => ({ ...a, working_hours: undefined, caps: undefined })),
  };
}

export interface OursOptions {
  name: string;
  config: DispatchConfig;
  /** An existing database file (seeded); default: a fresh one in a temporary directory. */
  dbPath?: string;
  /** Whether audit() expects every task to be claimed (a fresh database driven with clicks). */
  auditClaims?: boolean;
}

/** lead-dispatch itself: real HTTP, a real SQLite file, the Bolt app, the sweeper on its schedule. */
export async function startOurs(
  apiUrl: string,
  options: OursOptions,
): Promise<System & { server: RunningServer }> {
  const dir = mkdtempSync(join(tmpdir(), 'lead-dispatch-bench-'));
  let server: RunningServer;
  try {
    const env = readEnv({
      SLACK_BOT_TOKEN: 'xoxb-bench-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: apiUrl,
      PORT: '0',
      DATABASE_PATH: options.dbPath ?? join(dir, 'dispatch.db'),
      INTAKE_TOKEN,
    });
    server = await startServer({
      env,
      config: options.config,
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
    name: options.name,
    server,
    target: {
      leadUrl: `${baseUrl}/leads`,
      appBaseUrl: baseUrl,
      claimActionId: CLAIM_ACTION,
      claimedText: 'Claimed by you',
    },
    audit(expected) {
      if (options.auditClaims === false) return [];
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

export interface PhaseResult extends DriverResult {
  name: string;
  system: string;
  /** How long the app's (main) thread was blocked: event-loop delay over the phase, in ms. */
  loopDelay: { p50: number; p99: number; max: number };
  /** CPU this whole process (apps, driver, double) used over the phase, in % of one core. */
  cpuPercent: number;
  /** The host's 1-minute load average at the end: other work on the machine skews the tails. */
  load: number;
  /** Resident set of the whole process and the main thread's JS heap at the end, in MB. */
  rssMb: number;
  heapMb: number;
}

/** One load-driver worker and its Slack double, for every phase of a run. */
export class BenchRun {
  private readonly results = new Map<string, (result: DriverResult) => void>();
  private failure: ((error: unknown) => void) | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly exited: Promise<number>,
    readonly apiUrl: string,
  ) {
    worker.on('message', (message: ToMain) => {
      if (message.kind === 'result') this.results.get(message.name)?.(message.result);
    });
    const fail = (error: unknown) => this.failure?.(error);
    worker.on('error', fail);
    void exited.then((code) => fail(new Error(`the load driver exited (code ${code})`)));
  }

  static async start(options: DriverOptions): Promise<BenchRun> {
    const loader = import.meta.resolve('tsx/esm/api');
    const driver = new URL('./load-driver.ts', import.meta.url).href;
    const boot = `import(${JSON.stringify(loader)}).then(({ register }) => { register(); return import(${JSON.stringify(driver)}); })`;
    const worker = new Worker(boot, { eval: true, workerData: options });
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    const apiUrl = await new Promise<string>((resolve, reject) => {
      worker.once('error', reject);
      void exited.then((code) => reject(new Error(`the load driver exited early (code ${code})`)));
      worker.once('message', (message: ToMain) => {
        if (message.kind === 'double') resolve(message.apiUrl);
      });
    });
    return new BenchRun(worker, exited, apiUrl);
  }

  /** Drives one phase against `system` and measures this thread while it runs. */
  async phase(
    system: System,
    request: Omit<PhaseRequest, 'target'>,
    timeoutMs: number,
  ): Promise<PhaseResult> {
    process.stdout.write(`running ${request.name}… `);
    const loop = monitorEventLoopDelay({ resolution: 1 });
    let timer: NodeJS.Timeout | undefined;
    loop.enable();
    const cpuFrom = process.cpuUsage();
    const wallFrom = performance.now();
    try {
      const result = await new Promise<DriverResult>((resolve, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${request.name}: no result within ${timeoutMs / 1000} s`)),
          timeoutMs,
        );
        this.failure = reject;
        this.results.set(request.name, resolve);
        this.worker.postMessage({
          kind: 'run',
          phase: { ...request, target: system.target },
        } satisfies ToDriver);
      });
      loop.disable();
      const cpu = process.cpuUsage(cpuFrom);
      const memory = process.memoryUsage();
      // A line per phase as it ends, so a run cut short still tells what it measured.
      const l = result.leadToDm;
      const a = result.intakeRoundTrip;
      console.log(
        `done: lead→DM p50/p90/p99 ${ms(l?.p50)}/${ms(l?.p90)}/${ms(l?.p99)} ms, send→202 p50/p99 ${ms(a?.p50)}/${ms(a?.p99)} ms` +
          (result.acceptRate === undefined ? '' : `, ${result.acceptRate.toFixed(1)} leads/s accepted`),
      );
      return {
        ...result,
        name: request.name,
        system: system.name,
        loopDelay: { p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
        cpuPercent: (cpu.user + cpu.system) / 10 / (performance.now() - wallFrom),
        load: loadavg()[0] ?? 0,
        rssMb: memory.rss / 2 ** 20,
        heapMb: memory.heapUsed / 2 ** 20,
      };
    } finally {
      clearTimeout(timer);
      loop.disable();
      this.results.delete(request.name);
      this.failure = undefined;
    }
  }

  async stop(): Promise<void> {
    this.worker.postMessage({ kind: 'stop' } satisfies ToDriver);
    const stopTimer = setTimeout(() => void this.worker.terminate(), 10_000);
    await this.exited;
    clearTimeout(stopTimer);
  }
}

// ---- report ------------------------------------------------------------------------------------

export const ms = (value: number | undefined): string =>
  value === undefined ? '—' : value >= 100 ? value.toFixed(0) : value.toFixed(2);

export function ratio(ours: number | undefined, base: number | undefined): string {
  if (ours === undefined || base === undefined || base <= 0) return '—';
  return `${(ours / base).toFixed(2)}×`;
}

export function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  const cell = (text: string, c: number) =>
    c === 0 ? text.padEnd(widths[c] ?? 0) : text.padStart(widths[c] ?? 0);
  return rows.map((r) => r.map(cell).join('  ').trimEnd()).join('\n');
}

const triple = (s: Stats | undefined) => `${ms(s?.p50)} / ${ms(s?.p90)} / ${ms(s?.p99)}`;

/**
 * measure | system p50/p90/p99 | relay p50/p90/p99 | ratio (p50, p99): each latency beside its floor.
 * `rows` are [measure, pick]; every system in `systems` but the last is compared with the last.
 */
export function latencyTable(
  rows: Array<[string, (r: PhaseResult) => Stats | undefined]>,
  systems: PhaseResult[],
): string {
  const floor = systems.at(-1);
  if (!floor) return '';
  const header = [
    'measure (ms)',
    'n',
    'p50 / p90 / p99',
    `vs ${floor.name} p50 / p90 / p99`,
    'ratio p50 / p99',
  ];
  const lines: string[][] = [header];
  for (const [measure, pick] of rows) {
    for (const r of systems.slice(0, -1)) {
      const ours = pick(r);
      const base = pick(floor);
      if (!ours && !base) continue;
      lines.push([
        `${measure} — ${r.name}`,
        String(ours?.count ?? 0),
        triple(ours),
        triple(base),
        `${ratio(ours?.p50, base?.p50)} / ${ratio(ours?.p99, base?.p99)}`,
      ]);
    }
  }
  return table(lines);
}

export function checkRows(r: PhaseResult): string[][] {
  const calls = `${r.postMessageCalls} ${r.postMessageCalls === r.total ? '(= leads)' : '(≠ leads!)'}`;
  return [
    [r.name, ''],
    ['  leads sent (incl. warm-up)', String(r.total)],
    ['  rejected (not 202) / lost (no DM) / doubled', `${r.rejected} / ${r.lost} / ${r.doubled}`],
    ['  chat.postMessage calls', calls],
    ['  other posts (escalations, strays)', String(r.stray)],
    ['  202s timed at response headers', `${r.timedAtHeaders} of ${r.leadToDm?.count ?? 0}`],
    [
      '  clicks failed / no update / doubled update',
      `${r.clicksFailed} / ${r.clicksWithoutUpdate} / ${r.clicksDoubledUpdate}`,
    ],
    ['  leads sent/s → DMs posted/s', `${r.sentRate.toFixed(1)} → ${r.dmRate.toFixed(1)}`],
    ...(r.acceptRate === undefined
      ? []
      : [['  leads accepted/s (first send → last 202)', r.acceptRate.toFixed(1)]]),
    ['  clicks sent/s → DMs updated/s', `${r.clickRate.toFixed(1)} → ${r.updateRate.toFixed(1)}`],
    [
      '  lead→DM p50, first → last tenth (ms)',
      `${ms(r.leadToDmFirstTenthP50)} → ${ms(r.leadToDmLastTenthP50)}`,
    ],
    [
      '  bench main thread (in-process apps) event-loop delay p50 / p99 / max (ms)',
      `${ms(r.loopDelay.p50)} / ${ms(r.loopDelay.p99)} / ${ms(r.loopDelay.max)}`,
    ],
    [
      '  bench process CPU (% of one core) / host load avg',
      `${r.cpuPercent.toFixed(0)}% / ${r.load.toFixed(2)}`,
    ],
    [
      '  bench process RSS / main-thread heap at the end (MB)',
      `${r.rssMb.toFixed(0)} / ${r.heapMb.toFixed(0)}`,
    ],
  ];
}

export function failed(r: PhaseResult): boolean {
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

/**
 * Runs a bench's main and exits with its code. Everything is closed by then; if some handle still
 * keeps the process alive 10 s later, it says which and stops.
 */
export function runBench(main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
      setTimeout(() => {
        console.error(
          'still running 10 s after the bench ended:',
          process.getActiveResourcesInfo().join(', '),
        );
        process.exit(code === 0 ? 4 : code);
      }, 10_000).unref();
    },
    (error: unknown) => {
      console.error('bench failed:', error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exit(1);
    },
  );
}
