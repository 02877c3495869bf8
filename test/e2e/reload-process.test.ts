import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reloadCommand } from '../../src/config/reload-command.js';
import { query } from '../support/db.js';
import { freePort } from '../support/free-port.js';
import {
  EXAMPLE_CONFIG,
  type Harness,
  INTAKE_TOKEN,
  LEADERS,
  SIGNING_SECRET,
  useHarness,
} from '../support/harness.js';
import { SlackDouble } from '../support/slack-double.js';
import { TEAM } from '../support/team.js';

const ROOT = resolve(import.meta.dirname, '../..');
const example = readFileSync(EXAMPLE_CONFIG, 'utf8');
/** A change any reader sees at once: the seller rule's clock. */
const EDITED = example.replace(
  '    sla: 15m\n    fallback: [{ role: team_leader }]',
  '    sla: 20m\n    fallback: [{ role: team_leader }]',
);

let dir = '';
let file = '';

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lead-dispatch-reload-cli-'));
  file = join(dir, 'dispatch.yml');
  writeFileSync(file, example);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function save(text: string): void {
  const temp = join(dir, '.dispatch.yml.tmp');
  writeFileSync(temp, text);
  renameSync(temp, file);
}

interface Run {
  code: number | null;
  out: string;
  err: string;
}

/** `lead-dispatch <args>` in a child process, as an operator runs it. */
function cli(args: string[], env: Record<string, string>): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, ...env },
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const done = new Promise<Run>((resolveRun) => child.on('exit', (code) => resolveRun({ code, out, err })));
  return { child, done };
}

function reloads(dbPath: string) {
  return query(
    dbPath,
    'select trigger, outcome, done_at is not null as done from config_reloads order by id',
  );
}

/** `lead-dispatch reload`'s command, run here as the CLI runs it, with its output captured. */
async function reloadCli(args: string[], env: Record<string, string>): Promise<Run> {
  let out = '';
  let err = '';
  const code = await reloadCommand(
    args,
    {
      env,
      out: (text) => {
        out += text;
      },
      err: (text) => {
        err += text;
      },
    },
    20,
  );
  return { code, out, err };
}

describe('lead-dispatch reload, against the app running on the same database', () => {
  const h: Harness = useHarness({ configFile: () => file });

  it('checks the file, asks the running app through the database and prints what changed', async () => {
    save(EDITED);
    const run = reloadCli(['--wait', '20'], {
      DATABASE_PATH: h.dbPath,
      DISPATCH_CONFIG: file,
    });
    // The request is a row; the app's next sweep (every second in production) answers it.
    await h.double.waitFor(() => reloads(h.dbPath).length === 1, 10_000, 'the request row');
    expect(reloads(h.dbPath)).toEqual([{ trigger: 'cli', outcome: null, done: 0 }]);
    await h.server.sweeper.runOnce();
    await h.settle();
    const result = await run;
    expect(result.err).toBe('');
    expect(result.out).toBe(
      `${file} is valid: 9 agents, 9 rules\nreloaded: the running app now has 9 agents, 9 rules\n  rules changed: seller-lead\n`,
    );
    expect(result.code).toBe(0);
    expect(reloads(h.dbPath)).toEqual([{ trigger: 'cli', outcome: 'applied', done: 1 }]);
    const note = await h.double.waitForPost({ to: LEADERS });
    expect(h.double.allText(note)).toContain('rules changed: seller-lead');
  });

  it("prints check-config's problems for a bad file and asks nothing", async () => {
    save(
      example.replace(
        '    sla: 15m\n    fallback: [{ role: team_leader }]',
        '    sla: soon\n    fallback: [{ role: team_leader }]',
      ),
    );
    const result = await reloadCli([], { DATABASE_PATH: h.dbPath, DISPATCH_CONFIG: file });
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      new RegExp(`${file} has 1 problem:\\n {2}${file}:\\d+:\\d+ {2}rules\\[3\\]\\.sla: `),
    );
    expect(result.err).toContain('not reloaded: the running app keeps the rules it has');
    expect(reloads(h.dbPath)).toEqual([]);
  });

  it('says so when no running app answers', async () => {
    // Tests run without the schedule: nothing looks at the request, as when the app is down.
    const result = await reloadCli(['--wait', '0.2'], { DATABASE_PATH: h.dbPath, DISPATCH_CONFIG: file });
    expect(result.code).toBe(1);
    expect(result.err).toContain('no running lead-dispatch answered within 0.2 s');
  });
});

describe('the real app in its own process', () => {
  let double: SlackDouble;
  let app: ChildProcess | undefined;

  beforeEach(async () => {
    double = await SlackDouble.start({
      channels: [LEADERS],
      users: Object.fromEntries(TEAM.map((id) => [id, { tz: 'America/Chicago' }])),
    });
  });
  afterEach(async () => {
    app?.kill('SIGKILL');
    await double.stop();
  });

  // A child process starts slowly on a busy machine (tsx compiles the sources): a long bound, no sleep.
  it('reloads on SIGHUP and when the file is saved', { timeout: 120_000 }, async () => {
    const port = await freePort();
    const dbPath = join(dir, 'dispatch.db');
    const started = cli(['start'], {
      SLACK_BOT_TOKEN: 'xoxb-reload-test',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: double.apiUrl,
      PORT: String(port),
      DATABASE_PATH: dbPath,
      DISPATCH_CONFIG: file,
      INTAKE_TOKEN,
      LOG_LEVEL: 'error',
    });
    app = started.child;
    for (let waited = 0; ; waited += 100) {
      const up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) break;
      if (waited > 90_000 || app.exitCode !== null)
        throw new Error(`the app did not start: ${(await started.done).err}`);
      await delay(100);
    }

    // The file as it is: SIGHUP reads it again and finds nothing new.
    app.kill('SIGHUP');
    await poll(() => reloads(dbPath).length === 1);
    expect(reloads(dbPath)).toEqual([{ trigger: 'signal', outcome: 'unchanged', done: 1 }]);
    expect(app.exitCode).toBeNull();

    // Saved: the app's watch sees it and applies it, and the leaders hear of it.
    save(EDITED);
    await poll(() => reloads(dbPath).length === 2);
    expect(reloads(dbPath)[1]).toEqual({ trigger: 'file', outcome: 'applied', done: 1 });
    const note = await double.waitForPost({ to: LEADERS }, 10_000);
    expect(double.allText(note)).toContain('rules changed: seller-lead');
  });
});

/** A bounded wait for something another process does (a signal handled, a file seen). */
async function poll(probe: () => boolean, timeoutMs = 10_000): Promise<void> {
  for (let waited = 0; !probe(); waited += 50) {
    if (waited > timeoutMs) throw new Error('timed out waiting for the app');
    await delay(50);
  }
}
