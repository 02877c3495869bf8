/**
 * The Slack and Follow Up Boss doubles of bench/fub-webhook.ts, in their own worker thread so their
 * work runs on neither the app's event loop nor the client's. FUB answers every call `fubDelayMs` late.
 *
 * Protocol (parentPort): → { slackApiUrl, fubApiUrl, personIds }  ← 'stop' → exits
 */
import { once } from 'node:events';
import { parentPort, workerData } from 'node:worker_threads';
import { FubDouble } from '../test/support/fub-double.js';
import { LEADERS } from '../test/support/harness.js';
import { SlackDouble } from '../test/support/slack-double.js';

export interface DoublesData {
  people: number;
  fubDelayMs: number;
}

export interface Doubles {
  slackApiUrl: string;
  fubApiUrl: string;
  personIds: number[];
}

const data = workerData as DoublesData;
const port = parentPort;
if (!port) throw new Error('bench/fub-webhook-doubles.ts runs as a worker of bench/fub-webhook.ts');
const slack = await SlackDouble.start({ channels: [LEADERS] });
const fub = await FubDouble.start();
fub.delayMs = data.fubDelayMs;
const personIds = Array.from(
  { length: data.people },
  (_, i) =>
    fub.addPerson({
      firstName: 'Bench',
      source: 'Zillow',
      phones: [{ value: `(737) 555-${String(i % 10_000).padStart(4, '0')}` }],
      addresses: [{ code: '78701' }],
    }).id,
);
port.postMessage({ slackApiUrl: slack.apiUrl, fubApiUrl: fub.apiUrl, personIds } satisfies Doubles);
await once(port, 'message');
await fub.stop();
await slack.stop();
port.close();
