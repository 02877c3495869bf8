import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { EXAMPLE_CONFIG, INTAKE_TOKEN, LEADERS, SIGNING_SECRET, zillowLead } from '../support/harness.js';
import { SlackDouble } from '../support/slack-double.js';
import { TEAM } from '../support/team.js';

const ROOT = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

/**
 * The binary the optional dependency @flydotio/litestream-linux-x64 ships (inside the npm package:
 * nothing is downloaded at install), run directly so a signal reaches it.
 */
function litestreamBinary(): string {
  const require = createRequire(import.meta.url);
  const name = `@flydotio/litestream-${process.platform}-${process.arch}/litestream`;
  try {
    return require.resolve(name);
  } catch {
    throw new Error(`${name} is not installed: run npm ci (it is an optionalDependency of lead-dispatch)`);
  }
}

/** Ten Litestream syncs: a lead answered this long before the crash must be in the replica. */
const SYNC_MS = 100;
const SAFE_MS = 10 * SYNC_MS;

/**
 * Continuous replication as the README documents it: the real app in a child process, Litestream
 * replicating its database to a file replica, both killed with SIGKILL mid-burst as a lost machine
 * would be, and the database restored from the replica alone.
 */
describe('Litestream replication', () => {
  let double: SlackDouble;
  let dir: string;
  let app: ChildProcess | undefined;
  let litestream: ChildProcess | undefined;

  beforeAll(async () => {
    double = await SlackDouble.start({
      channels: [LEADERS],
      users: Object.fromEntries(TEAM.map((id) => [id, { tz: 'America/Chicago' }])),
    });
    dir = mkdtempSync(join(tmpdir(), 'lead-dispatch-litestream-'));
  });

  afterAll(async () => {
    app?.kill('SIGKILL');
    litestream?.kill('SIGKILL');
    await double.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every lead answered 202 before the last replication is in the copy restored from the replica', async () => {
    const binary = litestreamBinary();
    const dbPath = join(dir, 'dispatch.db');
    const replica = join(dir, 'replica');
    const config = join(dir, 'litestream.yml');
    writeFileSync(
      config,
      `dbs:
  - path: ${dbPath}
    monitor-interval: ${SYNC_MS}ms
    replicas:
      - type: file
        path: ${replica}
        sync-interval: ${SYNC_MS}ms
`,
    );
    const port = await freePort();
    app = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        PATH: process.env.PATH,
        SLACK_BOT_TOKEN: 'xoxb-litestream-test',
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: double.apiUrl,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_PATH: dbPath,
        DISPATCH_CONFIG: EXAMPLE_CONFIG,
        INTAKE_TOKEN,
        LOG_LEVEL: 'error',
      },
    });
    await waitForHealth(port, app);
    litestream = spawn(binary, ['replicate', '-config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let litestreamLog = '';
    litestream.stderr?.on('data', (chunk: Buffer) => (litestreamLog += chunk.toString()));

    // Before the burst: leads answered, then seen in a copy restored from the replica.
    const acked: Array<{ id: number; at: number }> = [];
    for (let i = 0; i < 20; i++) acked.push(await sendLead(port));
    const probe = join(dir, 'probe.db');
    for (let waited = 0; ; waited += 100) {
      rmSync(probe, { force: true });
      const restored = await run(binary, ['restore', '-o', probe, `file://${replica}`]).then(
        () => taskIds(probe),
        () => [] as number[],
      );
      if (acked.every((a) => restored.includes(a.id))) break;
      if (waited > 10_000) throw new Error(`the replica did not catch up in 10 s:\n${litestreamLog}`);
      await delay(100);
    }
    const replicated = acked.length;

    // The burst, and the machine lost in the middle of it: app and Litestream killed at once.
    const burst = (async () => {
      for (;;) {
        const lead = await sendLead(port).catch(() => undefined);
        if (!lead) return;
        acked.push(lead);
      }
    })();
    await delay(2_500);
    const killedAt = Date.now();
    await Promise.all([kill(app), kill(litestream)]);
    await burst;

    const restoredPath = join(dir, 'restored', 'dispatch.db');
    await run(binary, ['restore', '-o', restoredPath, `file://${replica}`]);
    const db = new Database(restoredPath, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
    const restored = new Set(taskIds(restoredPath));
    const missing = (from: typeof acked) => from.filter((a) => !restored.has(a.id)).map((a) => a.id);
    expect(acked.length - replicated).toBeGreaterThan(10);
    // Replicated before the burst, and answered well before the crash: all there.
    expect(missing(acked.slice(0, replicated))).toEqual([]);
    expect(missing(acked.filter((a) => a.at < killedAt - SAFE_MS))).toEqual([]);
    // What came back is the start of the history with no gap: WAL frames are shipped in order.
    const newest = Math.max(...restored);
    expect(missing(acked.filter((a) => a.id <= newest))).toEqual([]);
    // The database is usable: migrations applied, the app's tables in place.
    expect(existsSync(restoredPath)).toBe(true);
    // About 8 s after the app is up; starting it under tsx takes 3 s on a quiet machine, 30 s on a
    // loaded one, hence the margin.
  }, 90_000);
});

async function waitForHealth(port: number, child: ChildProcess): Promise<void> {
  for (let waited = 0; waited < 60_000; waited += 50) {
    const up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (up) return;
    if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode}`);
    await delay(50);
  }
  throw new Error('the app did not start within 60 s');
}

async function sendLead(port: number): Promise<{ id: number; at: number }> {
  const res = await fetch(`http://127.0.0.1:${port}/leads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${INTAKE_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(zillowLead()),
  });
  if (res.status !== 202) throw new Error(`intake answered ${res.status}`);
  const { id } = (await res.json()) as { id: number };
  return { id, at: Date.now() };
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGKILL');
  await exited;
}

function taskIds(path: string): number[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare<[], number>('select id from tasks order by id').pluck().all();
  } finally {
    db.close();
  }
}
