/**
 * The client side of bench/fub-webhook.ts, in a worker thread so its timestamps do not wait on the
 * app's event loop: a bare node:http server (the floor) and an open-loop sender that POSTs each
 * signed body to the app and to the bare server, interleaved, and times send → status.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';

export interface DriverData {
  appUrl: string;
  webhooks: Array<{ body: string; signature: string }>;
  rate: number;
  warmup: number;
}

export interface DriverResult {
  ours: number[];
  floor: number[];
  refused: number;
}

const data = workerData as DriverData;
const bare = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
});
bare.listen(0, '127.0.0.1');
await once(bare, 'listening');
const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/crm/followupboss`;

const result: DriverResult = { ours: [], floor: [], refused: 0 };
const timed = async (url: string, hook: DriverData['webhooks'][number], into: number[], keep: boolean) => {
  const started = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'fub-signature': hook.signature },
    body: hook.body,
  });
  const ms = performance.now() - started;
  await res.arrayBuffer();
  if (res.status !== 202) result.refused += url === bareUrl ? 0 : 1;
  if (keep) into.push(ms);
};

const sends: Promise<void>[] = [];
const start = performance.now();
for (const [i, hook] of data.webhooks.entries()) {
  // Open loop: the schedule never waits for an answer; which target goes first alternates.
  const wait = start + (i * 1000) / data.rate - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const keep = i >= data.warmup;
  const app = () => timed(data.appUrl, hook, result.ours, keep);
  const floor = () => timed(bareUrl, hook, result.floor, keep);
  sends.push(...(i % 2 === 0 ? [app(), floor()] : [floor(), app()]));
}
await Promise.all(sends);
bare.close();
parentPort?.postMessage(result);
