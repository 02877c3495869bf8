/**
 * The engine at 100,000 tasks: how long one sweep holds the event loop with 20 App Homes open
 * (beside the same sweep with no Home open, the floor), and how a backlog of 1,000 offers that
 * lapsed at once is worked (the longest the event loop is blocked, and how long it takes).
 *
 *   npx tsx bench/sweep.ts [--tasks 100000] [--backlog 1000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Clock } from '../src/clock.js';
import type { DispatchConfig } from '../src/config/dispatch-schema.js';
import { readEnv } from '../src/config/env.js';
import { loadDispatchConfig } from '../src/config/load-dispatch.js';
import { silentLogger } from '../src/log.js';
import { startServer } from '../src/main.js';
import { EXAMPLE_CONFIG, INTAKE_TOKEN, SIGNING_SECRET, zillowLead } from '../test/support/harness.js';
import { seedDatabase } from './seed.js';
import { stats } from './stats.js';
import { alwaysAtWork, BenchRun } from './systems.js';

const { values } = parseArgs({
  options: { tasks: { type: 'string', default: '100000' }, backlog: { type: 'string', default: '1000' } },
});
const TASKS = Number(values.tasks);
const BACKLOG = Number(values.backlog);
const AGENTS = 20;

/** The example team grown to 20 agents (clones of the buyer agents), always at work, no caps. */
function teamOf20(): DispatchConfig {
  const base = alwaysAtWork(loadDispatchConfig(EXAMPLE_CONFIG));
  const template = base.agents.find((a) => a.roles.includes('buyer_agent'));
  if (!template) throw new Error('the example team has no buyer agent');
  const clones = Array.from({ length: AGENTS - base.agents.length }, (_, i) => ({
    ...template,
    id: `U0BENCH${String(i).padStart(2, '0')}`,
    name: `Bench Agent ${i}`,
    email: `bench${i}@example.com`,
  }));
  return { ...base, agents: [...base.agents, ...clones] };
}

/** The system clock, moved forward by hand so offers can lapse without waiting. */
class ShiftedClock implements Clock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

/**
 * A full garbage collection of this process before each measurement: the seed (100,000 tasks built
 * here) and the bench's own lead sending leave garbage that V8 would otherwise collect in the middle
 * of the measured sweep, a 35 ms pause that is not the app's. The app's own garbage still counts.
 */
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

const fmt = (n: number | undefined) => (n === undefined ? '–' : n.toFixed(2));

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lead-dispatch-sweep-'));
  // The Slack double answers from a worker thread (as in the other benches), so the event-loop
  // blocks measured here are the app's own, not the double's handling of 2,000 posts and updates.
  const run = await BenchRun.start({ graceMs: 1_000, runTag: Date.now().toString(36) });
  const config = teamOf20();
  const dbPath = join(dir, 'dispatch.db');
  const clock = new ShiftedClock();
  try {
    const seeded = seedDatabase(dbPath, config, TASKS, clock.now());
    console.log(`command: npx tsx bench/sweep.ts --tasks ${TASKS} --backlog ${BACKLOG}`);
    console.log(
      `node ${process.version}; seeded ${seeded.tasks} tasks, ${seeded.offers} offers, ${seeded.events} events`,
    );
    const env = readEnv({
      SLACK_BOT_TOKEN: 'xoxb-bench-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: run.apiUrl,
      PORT: '0',
      DATABASE_PATH: dbPath,
      INTAKE_TOKEN,
    });
    const server = await startServer({
      env,
      config,
      clock,
      log: silentLogger,
      schedule: false,
      host: '127.0.0.1',
    });
    const db = server.ctx.db.$client;
    // The cron schedule stays off (the bench sweeps by hand), but WAL checkpoints run in their
    // worker as in production, where engine.start() starts them.
    server.engine.checkpoints.start();

    // 1. One sweep, with every Home open (as seeded) and, for the floor, with none open. The clock
    // moves a minute each time, so every sweep re-renders every Home (the worst case).
    const sweepTimes = async (n: number) => {
      const times: number[] = [];
      const blocked = monitorEventLoopDelay({ resolution: 1 });
      blocked.enable();
      for (let i = 0; i < n; i++) {
        clock.offsetMs += 60_000;
        const started = performance.now();
        await server.sweeper.runOnce();
        times.push(performance.now() - started);
        await server.engine.idle();
      }
      blocked.disable();
      return { sweep: stats(times), longestBlock: blocked.max / 1e6 };
    };
    await sweepTimes(3); // first publish of every Home
    collect();
    const withHomes = await sweepTimes(30);
    const opened = db.prepare('select home_opened_at from agents where home_opened_at is not null').all();
    db.prepare('update agents set home_opened_at = null').run();
    const bare = await sweepTimes(30);
    db.prepare('update agents set home_opened_at = ?').run(clock.now().getTime());
    console.log(
      `\n${opened.length} App Homes open vs none: sweep p50 / p99 / max (ms); longest event-loop block, Home publishing included (ms)`,
    );
    for (const [name, r] of [
      ['Homes open', withHomes],
      ['no Home open', bare],
    ] as const) {
      console.log(
        `  ${name.padEnd(14)} ${fmt(r.sweep?.p50)} / ${fmt(r.sweep?.p99)} / ${fmt(r.sweep?.max)}; ${r.longestBlock.toFixed(1)}`,
      );
    }

    // 2. A backlog: BACKLOG leads offered and shown, then every offer lapses at once.
    let next = 0;
    const send = async () => {
      while (next < BACKLOG) {
        next += 1;
        await fetch(`http://127.0.0.1:${server.port}/leads`, {
          method: 'POST',
          headers: { authorization: `Bearer ${INTAKE_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify(zillowLead()),
        });
      }
    };
    await Promise.all(Array.from({ length: 8 }, send));
    await server.engine.idle();
    const live = db.prepare("select count(*) as n from offers where status = 'live' and dm_ts is not null");
    const shown = (live.get() as { n: number }).n;
    clock.offsetMs += 6 * 60_000;
    collect();
    const blocked = monitorEventLoopDelay({ resolution: 1 });
    blocked.enable();
    const started = performance.now();
    let sweeps = 0;
    const overdue = db.prepare(
      "select count(*) as n from offers where status = 'live' and dm_ts is not null and deadline <= ?",
    );
    while ((overdue.get(clock.now().getTime()) as { n: number }).n > 0 && sweeps < 100) {
      await server.sweeper.runOnce();
      sweeps += 1;
    }
    const took = performance.now() - started;
    blocked.disable();
    await server.engine.idle();
    const expired = (
      db.prepare("select count(*) as n from events where kind = 'expired'").get() as { n: number }
    ).n;
    console.log(`\nbacklog: ${shown} live offers shown, all lapsed at once`);
    console.log(`  worked in ${took.toFixed(0)} ms over ${sweeps} sweep(s); ${expired} expired events`);
    console.log(
      `  event loop blocked: p50 ${(blocked.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(blocked.percentile(99) / 1e6).toFixed(1)} ms, max ${(blocked.max / 1e6).toFixed(1)} ms`,
    );
    console.log(
      `  process RSS at the end (app; the Slack double runs in a worker of this process): ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`,
    );
    await server.stop();
  } finally {
    await run.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
