/**
 * Dispatch latency: the real app (real HTTP, a real SQLite file, the real Bolt app, the sweeper on
 * its real schedule) beside a bare Bolt relay (bench/relay.ts), both measured in the same run
 * against the same local Slack Web API double, so every figure is printed beside its floor.
 *
 *   npm run bench -- [--leads 1000] [--rate 50] [--click-rate <rate>] [--warmup 50]
 *     [--relay-transport bolt|lead-dispatch]
 *
 * npm run bench runs it as `node --max-semi-space-size=4 --import tsx`: the young-generation size
 * `npm start` (bin/lead-dispatch.js) runs the app with, so its garbage-collection pauses are the
 * ones it has in production. Both systems share the process, and so the setting.
 *
 * For each system in turn, `warmup + leads` leads are POSTed at a steady, open-loop rate (the
 * schedule never waits for answers); then Claim is clicked on every DM at a steady rate. Measured:
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
import { availableParallelism, cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { loadDispatchConfig } from '../src/config/load-dispatch.js';
import { EXAMPLE_CONFIG } from '../test/support/harness.js';
import { type RelayTransport, startRelay } from './relay.js';
import {
  alwaysAtWork,
  BenchRun,
  checkRows,
  failed,
  latencyTable,
  type PhaseResult,
  runBench,
  type System,
  startOurs,
  table,
} from './systems.js';

const USAGE =
  'npx tsx bench/dispatch-latency.ts [--leads 1000] [--rate 50] [--click-rate <rate>] [--warmup 50] [--grace 30] [--relay-transport bolt|lead-dispatch]';

interface Options {
  leads: number;
  rate: number;
  clickRate: number;
  warmup: number;
  graceMs: number;
  relayTransport: RelayTransport;
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
      'relay-transport': { type: 'string', default: 'bolt' },
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
  const relayTransport = values['relay-transport'];
  if (relayTransport !== 'bolt' && relayTransport !== 'lead-dispatch') {
    console.error(`--relay-transport must be bolt or lead-dispatch (got ${relayTransport})`);
    console.error(`usage: ${USAGE}`);
    process.exit(2);
  }
  return {
    leads: num('leads', values.leads, 1, true),
    rate,
    clickRate:
      values['click-rate'] === undefined ? rate : num('click-rate', values['click-rate'], 0.1, false),
    warmup: num('warmup', values.warmup, 0, true),
    graceMs: num('grace', values.grace, 1, false) * 1000,
    relayTransport,
  };
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const options = readOptions(argv);
  const total = options.warmup + options.leads;
  const cpuModel = cpus()[0]?.model.trim() ?? 'unknown CPU';
  // V8's heap settings change the tail (npm run bench uses npm start's): name them with the command.
  const heapFlags = process.execArgv.filter((flag) => flag.startsWith('--max-'));
  console.log(
    `command: node ${[...heapFlags, '--import tsx'].join(' ')} bench/dispatch-latency.ts${argv.length > 0 ? ` ${argv.join(' ')}` : ''}`,
  );
  console.log(
    `node ${process.version} on ${process.platform}/${process.arch}, ${availableParallelism()} CPUs (${cpuModel})`,
  );
  console.log(
    `per system: ${options.warmup} warm-up + ${options.leads} measured leads at ${options.rate}/s, then a Claim ` +
      `click on every DM at ${options.clickRate}/s; apps on the main thread, client + one Slack double in a worker`,
  );
  // Bounded: each phase waits at most its sending time plus the grace period.
  const perPhaseMs = (total / options.rate + total / options.clickRate) * 1000 + 2 * options.graceMs + 30_000;
  const run = await BenchRun.start({ graceMs: options.graceMs, runTag: Date.now().toString(36) });
  const systems: System[] = [];
  const results: PhaseResult[] = [];
  try {
    const ours = await startOurs(run.apiUrl, {
      name: 'lead-dispatch',
      config: alwaysAtWork(loadDispatchConfig(EXAMPLE_CONFIG)),
    });
    systems.push(ours);
    const relay = await startRelay(run.apiUrl, options.relayTransport);
    systems.push(relay);
    const phase = { mode: 'steady' as const, ...options, clicks: true, concurrency: 1 };
    for (const system of [ours, relay]) {
      const result = await run.phase(system, { ...phase, name: system.name }, perPhaseMs);
      result.problems.push(...system.audit(result.total));
      results.push(result);
    }
  } finally {
    for (const system of systems) await system.stop();
    await run.stop();
  }

  console.log('');
  console.log(
    latencyTable(
      [
        ['lead accepted → DM posted', (r) => r.leadToDm],
        ['lead sent → DM posted', (r) => r.sentToDm],
        ['click sent → DM updated', (r) => r.clickToUpdate],
        ['(lead sent → 202 received)', (r) => r.intakeRoundTrip],
        ['(click sent → ack received)', (r) => r.clickAck],
      ],
      results,
    ),
  );
  console.log('');
  console.log(table(results.flatMap(checkRows)));
  for (const r of results) for (const p of r.problems) console.log(`! ${r.name}: ${p}`);
  const bad = results.filter(failed);
  console.log('');
  console.log(
    bad.length === 0 ? 'OK: nothing lost, nothing doubled' : `FAILED: ${bad.map((r) => r.name).join(', ')}`,
  );
  return bad.length === 0 ? 0 : 1;
}

runBench(main);
