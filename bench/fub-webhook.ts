/**
 * Follow Up Boss webhook received → answered, beside a bare server measured in the same run.
 *
 *   npx tsx bench/fub-webhook.ts [--webhooks 500] [--rate 50] [--warmup 50] [--fub-delay 200]
 *
 * The real app (real HTTP, a real SQLite file, the outbox fetching each person from the FUB API
 * double after the answer, routing, the DM to the Slack double) runs on this thread. A worker
 * (bench/fub-webhook-driver.ts) runs a bare node:http server that reads the body and answers, and
 * POSTs every signed webhook to both, interleaved, at a steady open-loop rate, timing send → status
 * on its own clock. The FUB double answers every call `--fub-delay` ms late, so any wait on FUB
 * before the answer would show. Exits 1 if a webhook was refused or did not become exactly one task.
 */
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { fubSignature } from '../src/crm/fub/signature.js';
import { query } from '../test/support/db.js';
import { fubConfig, fubEnv } from '../test/support/fub-config.js';
import { FUB_SYSTEM_KEY, FubDouble } from '../test/support/fub-double.js';
import { startHarness } from '../test/support/harness.js';
import type { DriverData, DriverResult } from './fub-webhook-driver.js';
import { stats } from './stats.js';

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

const fub = await FubDouble.start();
fub.delayMs = Number(values['fub-delay']);
// Every lead goes to one agent with no caps, so the bench measures the webhook, not the roster.
const rule = { name: 'bench-all', match: {}, assign: { strategy: 'agent', agent: 'U0IVY0001' }, sla: '1h' };
const h = await startHarness({ config: fubConfig({}, [rule]), env: fubEnv(() => fub) });

const webhooks = Array.from({ length: total }, (_, i) => {
  const person = fub.addPerson({
    firstName: 'Bench',
    source: 'Zillow',
    phones: [{ value: `(737) 555-${String(i % 10_000).padStart(4, '0')}` }],
    addresses: [{ code: '78701' }],
  });
  const body = fub.webhookBody('peopleCreated', [person.id], h.clock.now());
  return { body, signature: fubSignature(body, FUB_SYSTEM_KEY) };
});

const loader = import.meta.resolve('tsx/esm/api');
const driver = new URL('./fub-webhook-driver.ts', import.meta.url).href;
const boot = `import(${JSON.stringify(loader)}).then(({ register }) => { register(); return import(${JSON.stringify(driver)}); })`;
const workerData: DriverData = {
  appUrl: `${h.baseUrl}/crm/followupboss`,
  webhooks,
  rate: Number(values.rate),
  warmup,
};
const result = await new Promise<DriverResult>((resolve, reject) => {
  const worker = new Worker(boot, { eval: true, workerData });
  worker.once('message', resolve);
  worker.once('error', reject);
});

// The fetches (each FUB call late by --fub-delay) and DMs go on after the answers: wait for them.
for (let waited = 0; waited < 120_000; waited += 100) {
  if (Number(query(h.dbPath, 'select count(*) as n from tasks')[0]?.n) >= total) break;
  await new Promise((resolve) => setTimeout(resolve, 100));
}
await h.settle();
const [tasks] = query(h.dbPath, 'select count(*) as n, count(distinct crm_person) as people from tasks');
const fmt = (s: ReturnType<typeof stats>) =>
  s ? `${s.p50.toFixed(2)} / ${s.p90.toFixed(2)} / ${s.p99.toFixed(2)} (max ${s.max.toFixed(2)})` : '-';
process.stdout.write(
  `FUB webhook received → answered, ${values.webhooks} measured at ${values.rate}/s, FUB answering ${values['fub-delay']} ms late\n` +
    `  lead-dispatch p50 / p90 / p99 ms: ${fmt(stats(result.ours))}\n` +
    `  bare server   p50 / p90 / p99 ms: ${fmt(stats(result.floor))}\n` +
    `  tasks: ${tasks?.n} for ${total} people (${tasks?.people} distinct); refused: ${result.refused}\n`,
);
const ok = result.refused === 0 && Number(tasks?.n) === total && Number(tasks?.people) === total;
h.double.markAllSeen();
await h.close();
await fub.stop();
process.exit(ok ? 0 : 1);
