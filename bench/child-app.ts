/**
 * lead-dispatch as its own process, the way it runs in production (`lead-dispatch start`), so its
 * memory can be measured apart from the Slack double and the load driver: in one process, their
 * heaps and buffers hid the app's own resident set. RSS is read from /proc/<pid>/status (VmRSS)
 * every 250 ms while the app runs; a phase reads the samples taken since it began.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { CLAIM_ACTION } from '../src/slack/blocks/offer-message.js';
import { freePort } from '../test/support/free-port.js';
import { INTAKE_TOKEN, SIGNING_SECRET } from '../test/support/harness.js';
import { type Stats, stats } from './stats.js';
import type { System } from './systems.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SAMPLE_MS = 250;

export interface ChildOptions {
  name: string;
  /** The dispatch.yml the app starts with (DISPATCH_CONFIG). */
  configPath: string;
  dbPath: string;
  /**
   * `tsx`: `node --import tsx src/cli.ts start`, from the sources (the default, no build needed);
   * `dist`: `node bin/lead-dispatch.js start`, the compiled app as installed (run `npm run build` first).
   */
  build?: 'tsx' | 'dist';
  /** Flags for node itself, before the script (e.g. --max-semi-space-size=4). */
  nodeFlags?: string[];
  /** Whether audit() expects every task to be claimed (a fresh database driven with clicks). */
  auditClaims?: boolean;
  /** The port to listen on (a restart keeps its address); default: a free one. */
  port?: number;
  /** More environment for the app (the FUB and Twilio doubles' URLs and keys). */
  env?: Record<string, string>;
  /** The app's LOG_LEVEL; default `warn`. */
  logLevel?: string;
}

export interface ChildSystem extends System {
  pid: number;
  /** Starts a new series of RSS samples (a phase begins). */
  markRss(): void;
  /** The RSS samples since markRss(), in MB. */
  rss(): Stats | undefined;
  /** SIGKILL, as a crash or the OOM killer would: no shutdown; resolves once the process is gone. */
  kill(): Promise<void>;
  /** The last 4,000 characters the app wrote to stderr. */
  stderr(): string;
}

/** `lead-dispatch start` in its own process, its env pointing at `dbPath` and the double. */
export async function startChild(apiUrl: string, options: ChildOptions): Promise<ChildSystem> {
  const port = options.port ?? (await freePort());
  const args = [
    ...(options.nodeFlags ?? []),
    ...(options.build === 'dist'
      ? ['bin/lead-dispatch.js', 'start']
      : ['--import', 'tsx', 'src/cli.ts', 'start']),
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      PATH: process.env.PATH,
      SLACK_BOT_TOKEN: 'xoxb-bench-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: apiUrl,
      PORT: String(port),
      DATABASE_PATH: options.dbPath,
      DISPATCH_CONFIG: options.configPath,
      INTAKE_TOKEN,
      LOG_LEVEL: options.logLevel ?? 'warn',
      ...options.env,
    },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('the app process did not start');
  await waitUntilUp(child, port, () => stderr);
  let samples: number[] = [];
  const sampler = setInterval(() => {
    const mb = vmRssMb(pid);
    if (mb !== undefined) samples.push(mb);
  }, SAMPLE_MS);
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    name: options.name,
    pid,
    target: {
      leadUrl: `${baseUrl}/leads`,
      appBaseUrl: baseUrl,
      claimActionId: CLAIM_ACTION,
      claimedText: 'Claimed by you',
    },
    markRss() {
      samples = [];
    },
    rss: () => stats(samples),
    stderr: () => stderr,
    async kill() {
      clearInterval(sampler);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
    audit(expected) {
      if (options.auditClaims === false) return [];
      const db = new Database(options.dbPath, { readonly: true });
      try {
        const byStatus = (table: 'tasks' | 'offers') =>
          db.prepare(`select status, count(*) as n from ${table} group by status`).all() as Array<{
            status: string;
            n: number;
          }>;
        const problems: string[] = [];
        for (const table of ['tasks', 'offers'] as const) {
          const rows = byStatus(table);
          if (rows.length !== 1 || rows[0]?.status !== 'claimed' || rows[0].n !== expected)
            problems.push(
              `${table} by status: ${rows.map((r) => `${r.status}=${r.n}`).join(' ') || 'none'}, expected claimed=${expected}`,
            );
        }
        return problems;
      } finally {
        db.close();
      }
    },
    async stop() {
      clearInterval(sampler);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** VmRSS of a process in MB, or undefined once it is gone. */
export function vmRssMb(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] === undefined ? undefined : Number(match[1]) / 1024;
  } catch {
    return undefined;
  }
}

async function waitUntilUp(child: ChildProcess, port: number, stderr: () => string): Promise<void> {
  for (let waited = 0; waited < 60_000; waited += 100) {
    const up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (up) return;
    if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode}:\n${stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`the app did not answer /healthz within 60 s:\n${stderr()}`);
}
