/**
 * The client of bench/fub-webhook.ts, in a worker thread of its own so every timestamp is taken
 * off the app's event loop: a bare node:http server (the floor) and an open-loop sender that POSTs
 * each webhook, signed as FUB signs, to the app and to the bare server, interleaved, timing
 * send → status. Posts { ours, floor, refused } when done.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { fubSignature } from '../src/crm/fub/signature.js';
import { FUB_SYSTEM_KEY } from '../test/support/fub-double.js';

export interface DriverData {
  appUrl: string;
  personIds: number[];
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
const timed = async (url: string, body: string, keep: boolean) => {
  const started = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'fub-signature': fubSignature(body, FUB_SYSTEM_KEY) },
    body,
  });
  const ms = performance.now() - started;
  await res.arrayBuffer();
  if (url !== bareUrl && res.status !== 202) result.refused += 1;
  if (keep) (url === bareUrl ? result.floor : result.ours).push(ms);
};

const sends: Promise<void>[] = [];
const start = performance.now();
for (const [i, personId] of data.personIds.entries()) {
  // Open loop: the schedule never waits for an answer; which target goes first alternates.
  const wait = start + (i * 1000) / data.rate - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const body = JSON.stringify({
    eventId: `bench-${i}-${personId}`,
    eventCreated: new Date().toISOString(),
    event: 'peopleCreated',
    resourceIds: [personId],
    uri: `https://api.followupboss.com/v1/people?id=${personId}`,
  });
  const keep = i >= data.warmup;
  const order = i % 2 === 0 ? [data.appUrl, bareUrl] : [bareUrl, data.appUrl];
  for (const url of order) sends.push(timed(url, body, keep));
}
await Promise.all(sends);
bare.close();
parentPort?.postMessage(result);
