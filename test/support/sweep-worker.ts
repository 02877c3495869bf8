// A second process's sweep, for concurrency tests: its own SQLite connection to the same file,
// started together with another, so the guarded statements really race.
import { parentPort, workerData } from 'node:worker_threads';
import { loadDispatchConfig } from '../../src/config/load-dispatch.js';
import { openDatabase } from '../../src/db/connection.js';
import { runContactTimers } from '../../src/dispatch/contact.js';
import { expireDueOffers } from '../../src/dispatch/offer-actions.js';
import { reannounceEscalations } from '../../src/dispatch/reannounce.js';
import { silentLogger } from '../../src/log.js';

const { dbPath, configPath, now, start } = workerData as {
  dbPath: string;
  configPath: string;
  now: number;
  start: Int32Array;
};
const db = openDatabase(dbPath);
const ctx = {
  db,
  config: loadDispatchConfig(configPath),
  clock: { now: () => new Date(now) },
  log: silentLogger,
};
// Wait on a shared flag so both workers begin at the same instant.
Atomics.wait(start, 0, 0);
const expired = expireDueOffers(ctx);
runContactTimers(ctx);
reannounceEscalations(ctx);
db.$client.close();
parentPort?.postMessage({ expired });
