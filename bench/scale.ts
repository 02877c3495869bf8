/**
 * Scale: does lead → DM stay fast when the database holds months of history? Seeds a database to
 * `--tasks` tasks (bench/seed.ts), then, in one run against one Slack double:
 *   1. the app on an empty database, `--leads` leads at `--rate`/s, each DM claimed;
 *   2. the app on the seeded database, the same, with the app's RSS sampled (bench/child-app.ts);
 *   3. the bare relay (bench/relay.ts), the same: the floor;
 *   4. a burst on the seeded app: `--burst` leads from `--concurrency` clients, as fast as answered;
 *   5. the same burst on the relay.
 *
 *   npx tsx bench/scale.ts [--tasks 100000] [--leads 600] [--rate 20] [--warmup 50]
 *                          [--burst 10000] [--concurrency 16] [--grace 60] [--app tsx|dist]
 *                          [--node-flags=<node flags for the app process; default: those of npm start>]
 *
 * The app runs as its own process, so its RSS is its own (the double and the driver run in this
 * one, as does the relay): `node --import tsx src/cli.ts start` by default, or with `--app dist` the
 * compiled app as installed (`node bin/lead-dispatch.js start`; run `npm run build` first).
 * Caps are on, set far above any load, so routing reads each agent's load as in production
 * without turning leads into escalations. Exits 1 on a lost, doubled or rejected lead.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse, stringify } from 'yaml';
import { loadDispatchConfig } from '../src/config/load-dispatch.js';
import { EXAMPLE_CONFIG } from '../test/support/harness.js';
import { type ChildSystem, startChild } from './child-app.js';
import type { PhaseRequest } from './load-driver.js';
import { startRelay } from './relay.js';
import { seedDatabase } from './seed.js';
import type { Stats } from './stats.js';
import {
  BenchRun,
  checkRows,
  failed,
  ms,
  type PhaseResult,
  ratio,
  runBench,
  type System,
  table,
} from './systems.js';

const USAGE =
  'npx tsx bench/scale.ts [--tasks 100000] [--leads 600] [--rate 20] [--warmup 50] [--burst 10000] [--concurrency 16] [--grace 60] [--app tsx|dist] [--node-flags=<flags for the app>]';

function readOptions(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      tasks: { type: 'string', default: '100000' },
      leads: { type: 'string', default: '600' },
      rate: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '50' },
      burst: { type: 'string', default: '10000' },
      concurrency: { type: 'string', default: '16' },
      grace: { type: 'string', default: '60' },
      app: { type: 'string', default: 'tsx' },
      // The flags `npm start` runs the app with (package.json), so the RSS measured is the installed app's.
      'node-flags': { type: 'string', default: '--max-semi-space-size=4' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(`usage: ${USAGE}`);
    process.exit(0);
  }
  const num = (name: string, raw: string | undefined, min: number): number => {
    const value = Number(raw);
    if (raw === undefined || !Number.isFinite(value) || value < min) {
      console.error(`--${name} must be a number >= ${min} (got ${raw})\nusage: ${USAGE}`);
      process.exit(2);
    }
    return value;
  };
  return {
    tasks: Math.floor(num('tasks', values.tasks, 0)),
    leads: Math.floor(num('leads', values.leads, 1)),
    rate: num('rate', values.rate, 0.1),
    warmup: Math.floor(num('warmup', values.warmup, 0)),
    burst: Math.floor(num('burst', values.burst, 0)),
    concurrency: Math.floor(num('concurrency', values.concurrency, 1)),
    graceMs: num('grace', values.grace, 1) * 1000,
    app: appBuild(values.app),
    nodeFlags: (values['node-flags'] ?? '').split(' ').filter((flag) => flag !== ''),
  };
}

/** How the app process is started: from the sources with tsx, or the compiled dist/ (npm run build). */
function appBuild(raw: string | undefined): 'tsx' | 'dist' {
  if (raw === 'tsx' || raw === 'dist') return raw;
  console.error(`--app must be tsx or dist (got ${raw})\nusage: ${USAGE}`);
  process.exit(2);
}

/**
 * The example dispatch.yml, always at work, with caps on but out of reach (routing still reads
 * each agent's load), as the file the app process starts with.
 */
function scaleConfigFile(dir: string): string {
  const yaml = parse(readFileSync(EXAMPLE_CONFIG, 'utf8')) as {
    team: Record<string, unknown>;
    agents: Array<Record<string, unknown>>;
  };
  delete yaml.team.working_hours;
  yaml.team.caps = { open: 1_000_000, per_day: 1_000_000 };
  for (const agent of yaml.agents) {
    delete agent.working_hours;
    delete agent.caps;
  }
  const path = join(dir, 'dispatch.yml');
  writeFileSync(path, stringify(yaml));
  return path;
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const o = readOptions(argv);
  console.log(`command: npx tsx bench/scale.ts${argv.length > 0 ? ` ${argv.join(' ')}` : ''}`);
  console.log(
    `node ${process.version} on ${process.platform}/${process.arch}, ${availableParallelism()} CPUs (${cpus()[0]?.model.trim() ?? '?'})`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'lead-dispatch-scale-'));
  const configPath = scaleConfigFile(dir);
  const config = loadDispatchConfig(configPath);
  const seededPath = join(dir, 'seeded.db');
  const seeded = seedDatabase(seededPath, config, o.tasks, new Date());
  console.log(
    `seeded ${seeded.tasks} tasks, ${seeded.offers} offers, ${seeded.events} events, ${seeded.escalations} escalations in ${(seeded.ms / 1000).toFixed(1)} s`,
  );

  const steady = {
    mode: 'steady' as const,
    leads: o.leads,
    warmup: o.warmup,
    rate: o.rate,
    clickRate: o.rate,
    clicks: true,
    concurrency: 1,
  };
  const burst = {
    mode: 'burst' as const,
    leads: o.burst,
    warmup: 0,
    rate: o.rate,
    clickRate: o.rate,
    clicks: false,
    concurrency: o.concurrency,
  };
  const steadyMs = (2 * (o.leads + o.warmup) * 1000) / o.rate + 2 * o.graceMs + 30_000;
  const burstMs = 600_000 + o.graceMs;
  const run = await BenchRun.start({ graceMs: o.graceMs, runTag: Date.now().toString(36) });
  const results: Record<string, PhaseResult> = {};
  /** The app process's RSS over each of its phases, in MB. */
  const appRss: Record<string, Stats | undefined> = {};
  // One system at a time: an idle app's sweeper must not run beside the one measured.
  const during = async <S extends System, T>(
    start: () => Promise<S>,
    work: (s: S) => Promise<T>,
  ): Promise<T> => {
    const system = await start();
    try {
      return await work(system);
    } finally {
      await system.stop();
    }
  };
  const child = (name: string, dbPath: string, auditClaims: boolean) => () =>
    startChild(run.apiUrl, { name, configPath, dbPath, auditClaims, build: o.app, nodeFlags: o.nodeFlags });
  const appPhase = async (key: string, s: ChildSystem, request: Omit<PhaseRequest, 'target'>, ms: number) => {
    s.markRss();
    const r = await run.phase(s, request, ms);
    appRss[key] = s.rss();
    console.log(`  app process RSS over the phase: ${rssText(appRss[key])}`);
    results[key] = r;
    return r;
  };
  try {
    await during(child('app, empty DB', join(dir, 'empty.db'), true), async (s) => {
      const r = await appPhase('empty', s, { ...steady, name: 'app, empty DB' }, steadyMs);
      r.problems.push(...s.audit(r.total));
    });
    await during(child('app, seeded', seededPath, false), async (s) => {
      await appPhase('seeded', s, { ...steady, name: `app, ${o.tasks} tasks` }, steadyMs);
      if (o.burst > 0)
        await appPhase('seededBurst', s, { ...burst, name: `app burst, ${o.tasks} tasks` }, burstMs);
    });
    await during(
      () => startRelay(run.apiUrl),
      async (s) => {
        results.relay = await run.phase(s, { ...steady, name: 'relay' }, steadyMs);
        if (o.burst > 0) results.relayBurst = await run.phase(s, { ...burst, name: 'relay burst' }, burstMs);
      },
    );
  } finally {
    await run.stop();
    rmSync(dir, { recursive: true, force: true });
  }

  const { empty, seeded: big, relay, seededBurst, relayBurst } = results;
  if (!empty || !big || !relay) throw new Error('a phase did not report');
  const triple = (s: Stats | undefined) => `${ms(s?.p50)} / ${ms(s?.p90)} / ${ms(s?.p99)}`;
  const row = (measure: string, pick: (r: PhaseResult) => Stats | undefined) => [
    measure,
    triple(pick(empty)),
    triple(pick(big)),
    triple(pick(relay)),
    `${ratio(pick(big)?.p50, pick(empty)?.p50)} / ${ratio(pick(big)?.p99, pick(empty)?.p99)}`,
    `${ratio(pick(big)?.p50, pick(relay)?.p50)} / ${ratio(pick(big)?.p99, pick(relay)?.p99)}`,
  ];
  console.log('');
  console.log(`steady ${o.rate} leads/s, ${o.leads} measured (+${o.warmup} warm-up), p50 / p90 / p99 in ms`);
  console.log(
    table([
      [
        'measure',
        'app, empty DB',
        `app, ${o.tasks} tasks`,
        'relay',
        'big/empty p50 / p99',
        'big/relay p50 / p99',
      ],
      row('lead accepted → DM posted', (r) => r.leadToDm),
      row('click sent → DM updated', (r) => r.clickToUpdate),
      row('(lead sent → 202)', (r) => r.intakeRoundTrip),
      [
        'app process RSS p50 / max (MB)',
        rssText(appRss.empty),
        rssText(appRss.seeded),
        `(bench process ${relay.rssMb.toFixed(0)})`,
        '',
        '',
      ],
    ]),
  );
  if (seededBurst && relayBurst) {
    console.log('');
    console.log(`burst: ${o.burst} leads from ${o.concurrency} concurrent clients (closed loop)`);
    console.log(
      table([
        ['system', 'leads accepted/s', 'send→202 p50 / p90 / p99 (ms)', 'DMs posted/s', 'RSS (MB)'],
        ...[seededBurst, relayBurst].map((r) => [
          r.name,
          (r.acceptRate ?? 0).toFixed(1),
          triple(r.intakeRoundTrip),
          r.dmRate.toFixed(1),
          r === seededBurst ? `app ${rssText(appRss.seededBurst)}` : `bench process ${r.rssMb.toFixed(0)}`,
        ]),
      ]),
    );
  }
  const all = Object.values(results);
  console.log('');
  console.log(table(all.flatMap(checkRows)));
  for (const r of all) for (const p of r.problems) console.log(`! ${r.name}: ${p}`);

  console.log('');
  const p50Ratio = (big.leadToDm?.p50 ?? Number.POSITIVE_INFINITY) / (empty.leadToDm?.p50 ?? 1);
  console.log(
    `goal: lead → DM at ${o.tasks} tasks within 1.5× the empty DB (p50): ${p50Ratio.toFixed(2)}× — ${p50Ratio <= 1.5 ? 'met' : 'NOT met'}`,
  );
  const rssMax = appRss.seeded?.max ?? Number.POSITIVE_INFINITY;
  console.log(
    `goal: app RSS at most 200 MB at ${o.rate} leads/s and ${o.tasks} tasks: max ${rssMax.toFixed(0)} MB — ${rssMax <= 200 ? 'met' : 'NOT met'}`,
  );
  if (seededBurst)
    console.log(
      `goal: burst at least 140 leads/s (2× 70): ${(seededBurst.acceptRate ?? 0).toFixed(1)}/s — ${(seededBurst.acceptRate ?? 0) >= 140 ? 'met' : 'NOT met'}`,
    );
  const bad = all.filter(failed);
  console.log(
    bad.length === 0 ? 'OK: nothing lost, nothing doubled' : `FAILED: ${bad.map((r) => r.name).join(', ')}`,
  );
  return bad.length === 0 ? 0 : 1;
}

function rssText(s: Stats | undefined): string {
  return s ? `${s.p50.toFixed(0)} / ${s.max.toFixed(0)}` : '—';
}

runBench(main);
