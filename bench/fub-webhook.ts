/**
 * Follow Up Boss webhook received → answered, beside a bare server measured in the same run.
 *
 *   npx tsx bench/fub-webhook.ts [--webhooks 500] [--rate 50] [--warmup 50] [--fub-delay 200]
 *
 * The real app (startServer: real HTTP, a real SQLite file, the sweeper on its schedule, the outbox
 * fetching each person after the answer, routing, the DM) runs alone on this thread. One worker
 * (bench/fub-webhook-doubles.ts) runs the Slack and FUB doubles; FUB answers every call
 * `--fub-delay` ms late, so any wait on FUB before the answer would show in the figure. Another
 * (bench/fub-webhook-driver.ts) runs a bare node:http server that reads the body and answers, and
 * POSTs every signed webhook to the app and to the bare server, interleaved, at a steady open-loop
 * rate, timing send → status on its own clock.
 * Exits 1 if a webhook was refused or did not become exactly one task.
 */

import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { readEnv } from '../src/config/env.js';
import { silentLogger } from '../src/log.js';
import { startServer } from '../src/main.js';
import { fubConfig } from '../test/support/fub-config.js';
import { FUB_API_KEY, FUB_SYSTEM, FUB_SYSTEM_KEY } from '../test/support/fub-double.js';
import { INTAKE_TOKEN, SIGNING_SECRET } from '../test/support/harness.js';
import type { Doubles, DoublesData } from './fub-webhook-doubles.js';
import type { DriverData, DriverResult } from './fub-webhook-driver.js';
import { stats } from './stats.js';
import { alwaysAtWork } from './systems.js';

const { values } = parseArgs({
  options: {
    webhooks: { type: 'string', default: '500' },
    rate: { type: 'string', default: '50' },
    warmup: { type: 'string', default: '50' },
    'fub-delay': { type: 'string', default: '200' },
  },
});
const warmup = Number(values.warmup);
const total = Number(values.webhooks) + warmup;
const fubDelayMs = Number(values['fub-delay']);

/** Starts a bench worker through tsx, so it can import TypeScript. */
function worker(file: string, workerData: unknown): Worker {
  const loader = import.meta.resolve('tsx/esm/api');
  const url = new URL(file, import.meta.url).href;
  const boot = `import(${JSON.stringify(loader)}).then(({ register }) => { register(); return import(${JSON.stringify(url)}); })`;
  const started = new Worker(boot, { eval: true, workerData });
  started.once('error', (error) => {
    console.error(error);
    process.exit(1);
  });
  return started;
}

const doublesWorker = worker('./fub-webhook-doubles.ts', { people: total, fubDelayMs } satisfies DoublesData);
const [doubles] = (await once(doublesWorker, 'message')) as [Doubles];

// Every lead goes to one agent, at any hour and with no caps: the bench measures the webhook, not the roster.
const rule = { name: 'bench-all', match: {}, assign: { strategy: 'agent', agent: 'U0IVY0001' }, sla: '1h' };
const dir = mkdtempSync(join(tmpdir(), 'lead-dispatch-fub-bench-'));
const server = await startServer({
  env: readEnv({
    SLACK_BOT_TOKEN: 'xoxb-bench-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: doubles.slackApiUrl,
    PORT: '0',
    DATABASE_PATH: join(dir, 'dispatch.db'),
    INTAKE_TOKEN,
    FUB_API_KEY,
    FUB_SYSTEM,
    FUB_SYSTEM_KEY,
    FUB_API_URL: doubles.fubApiUrl,
  }),
  config: alwaysAtWork(fubConfig({}, [rule])),
  log: silentLogger,
  schedule: true,
  host: '127.0.0.1',
});
const driver = worker('./fub-webhook-driver.ts', {
  appUrl: `http://127.0.0.1:${server.port}/crm/followupboss`,
  personIds: doubles.personIds,
  rate: Number(values.rate),
  warmup,
} satisfies DriverData);
const [result] = (await once(driver, 'message')) as [DriverResult];

// The fetches (each FUB call late by --fub-delay) and DMs go on after the answers: wait for them.
const { $client: db } = server.ctx.db;
const count = () =>
  db.prepare('select count(*) as n, count(distinct crm_person) as people from tasks').get() as {
    n: number;
    people: number;
  };
for (let waited = 0; waited < 120_000 && count().n < total; waited += 100)
  await new Promise((resolve) => setTimeout(resolve, 100));
await server.engine.idle();
const tasks = count();
const fmt = (s: ReturnType<typeof stats>) =>
  s ? `${s.p50.toFixed(2)} / ${s.p90.toFixed(2)} / ${s.p99.toFixed(2)} (max ${s.max.toFixed(2)})` : '-';
process.stdout.write(
  `FUB webhook received → answered, ${values.webhooks} measured at ${values.rate}/s, FUB answering ${fubDelayMs} ms late\n` +
    `  lead-dispatch p50 / p90 / p99 ms: ${fmt(stats(result.ours))}\n` +
    `  bare server   p50 / p90 / p99 ms: ${fmt(stats(result.floor))}\n` +
    `  tasks: ${tasks.n} for ${total} people (${tasks.people} distinct); refused: ${result.refused}\n`,
);
const ok = result.refused === 0 && tasks.n === total && tasks.people === total;
doublesWorker.postMessage('stop');
await once(doublesWorker, 'exit');
await server.stop();
rmSync(dir, { recursive: true, force: true });
process.exit(ok ? 0 : 1);
