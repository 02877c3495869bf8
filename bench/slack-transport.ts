/**
 * The transport of our Slack clients (src/slack/web-api-fetch.ts) beside Bolt's default, the
 * global fetch: the same WebClient settings, the same offer DM, one call at a time to a bare
 * HTTP server in a worker thread, the two transports taking turns round by round.
 *
 *   npx tsx bench/slack-transport.ts [--calls 3000] [--rounds 4]
 *
 * Printed for each: the call (chat.postMessage → answer read) p50 / p90 / p99; the process's CPU
 * time per call (this thread, the server's worker and V8's helper threads: the server's share is
 * the same for both); and V8's young-generation collections (scavenges) on this thread during its
 * turns: how many, and how long each paused the thread. Those pauses were the tail of lead
 * accepted → DM. Garbage one turn leaves may be collected in the next; the order of the turns
 * alternates round by round so that evens out (use an even --rounds).
 *
 * undici 7's own fetch, tried the same way over a pool like ours, did no better than the global
 * fetch: it is the fetch API's streams that cost, not undici's version.
 */
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { WebClient } from '@slack/web-api';
import { webApiFetch } from '../src/slack/web-api-fetch.js';
import { type Stats, stats } from './stats.js';
import { table } from './systems.js';

/** What an offer DM carries (src/slack/blocks/), about 2 kB on the wire. */
const OFFER_DM = {
  channel: 'U0DANA001',
  text: 'New buyer lead from Zillow: Jane Buyer — claim by 10:08 PM CST',
  blocks: [
    { type: 'header', text: { type: 'plain_text', text: 'Buyer lead from Zillow · #1' } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: '*Contact*\nJane Buyer' },
        { type: 'mrkdwn', text: '*Phone*\n<tel:+17375100000|(737) 510-0000>' },
        { type: 'mrkdwn', text: '*Email*\n<mailto:jane.buyer.0@example.com|jane.buyer.0@example.com>' },
        { type: 'mrkdwn', text: '*Area*\n100 Elm St, Austin, TX 78701' },
        { type: 'mrkdwn', text: '*Price*\n$450,000' },
      ],
    },
    { type: 'section', text: { type: 'mrkdwn', text: '>Can I see it Saturday? 3 bedrooms and a yard' } },
    {
      type: 'actions',
      block_id: 'offer_1',
      elements: [
        { type: 'button', action_id: 'offer_claim', value: '1', text: { type: 'plain_text', text: 'Claim' } },
        { type: 'button', action_id: 'offer_pass', value: '1', text: { type: 'plain_text', text: 'Pass' } },
      ],
    },
  ],
  metadata: { event_type: 'lead_dispatch_post', event_payload: { kind: 'offer', id: 1, version: 1 } },
};

const ANSWER = '{"ok":true,"channel":"D0DANA001","ts":"1700000000.000100"}';

/** The worker: a bare server that reads each request and answers as chat.postMessage does. */
const SERVER = `
const { createServer } = require('node:http');
const { parentPort } = require('node:worker_threads');
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.end(${JSON.stringify(ANSWER)});
  });
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
parentPort.on('message', () => server.close(() => process.exit(0)));
`;

interface Series {
  calls: number[];
  scavenges: number[];
  cpuMicros: number;
  /** [start, end] of each of its turns, on the performance timeline. */
  turns: Array<[number, number]>;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { calls: { type: 'string', default: '3000' }, rounds: { type: 'string', default: '4' } },
    strict: true,
  });
  const calls = Number(values.calls);
  const rounds = Number(values.rounds);
  if (!Number.isInteger(calls) || calls < 1 || !Number.isInteger(rounds) || rounds < 1) {
    console.error('usage: npx tsx bench/slack-transport.ts [--calls 3000] [--rounds 4]');
    process.exit(2);
  }
  const worker = new Worker(SERVER, { eval: true });
  const port = await new Promise<number>((resolve) => worker.once('message', resolve));
  const slackApiUrl = `http://127.0.0.1:${port}/api/`;
  const settings = {
    slackApiUrl,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: 10_000,
  };
  const transports: Array<[string, WebClient]> = [
    ['global fetch (Bolt default)', new WebClient('xoxb-bench', settings)],
    ['web-api-fetch.ts (ours)', new WebClient('xoxb-bench', { ...settings, fetch: webApiFetch })],
  ];
  const series = new Map<string, Series>(
    transports.map(([name]) => [name, { calls: [], scavenges: [], cpuMicros: 0, turns: [] }]),
  );
  // Each scavenge is charged to the turn it began in (entries arrive later, in batches).
  const scavenges: Array<{ at: number; ms: number }> = [];
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const detail: unknown = 'detail' in entry ? entry.detail : undefined;
      const kind =
        typeof detail === 'object' && detail !== null && 'kind' in detail ? detail.kind : undefined;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR)
        scavenges.push({ at: entry.startTime, ms: entry.duration });
    }
  });
  gc.observe({ entryTypes: ['gc'] });
  console.log(`command: npx tsx bench/slack-transport.ts --calls ${calls} --rounds ${rounds}`);
  console.log(`${calls} chat.postMessage calls per transport per round, one at a time, ${rounds} rounds`);
  for (const [, client] of transports) for (let i = 0; i < 200; i++) await client.chat.postMessage(OFFER_DM);
  for (let round = 0; round < rounds; round++) {
    for (const [name, client] of round % 2 === 0 ? transports : [...transports].reverse()) {
      const into = series.get(name);
      if (!into) continue;
      const begun = performance.now();
      const cpu = process.cpuUsage();
      for (let i = 0; i < calls; i++) {
        const started = performance.now();
        await client.chat.postMessage(OFFER_DM);
        into.calls.push(performance.now() - started);
      }
      const used = process.cpuUsage(cpu);
      into.cpuMicros += used.user + used.system;
      into.turns.push([begun, performance.now()]);
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
  gc.disconnect();
  for (const { at, ms } of scavenges)
    for (const s of series.values()) if (s.turns.some(([a, b]) => at >= a && at <= b)) s.scavenges.push(ms);
  worker.postMessage('stop');
  const fmt = (s: Stats | undefined) =>
    s ? `${s.p50.toFixed(2)} / ${s.p90.toFixed(2)} / ${s.p99.toFixed(2)}` : '–';
  const rows = [
    [
      'transport',
      'call p50 / p90 / p99 (ms)',
      'process CPU per call (ms)',
      'scavenges',
      'scavenge p50 / p99 / max (ms)',
    ],
  ];
  for (const [name, s] of series) {
    const pauses = stats(s.scavenges);
    rows.push([
      name,
      fmt(stats(s.calls)),
      (s.cpuMicros / 1000 / s.calls.length).toFixed(3),
      String(s.scavenges.length),
      pauses ? `${pauses.p50.toFixed(2)} / ${pauses.p99.toFixed(2)} / ${pauses.max.toFixed(2)}` : '–',
    ]);
  }
  console.log('');
  console.log(table(rows));
}

void main();
