/**
 * The load side of bench/dispatch-latency.ts, run in a worker thread: the Slack Web API double and
 * the HTTP client live here, so every timestamp is taken on one clock (this thread's
 * performance.now()) and none waits behind the app's own synchronous work on the main thread.
 *
 * Protocol (parentPort): → { kind: 'double', apiUrl }  ← { kind: 'target', target }
 *                        → { kind: 'result', result }  ← { kind: 'stop' }  then the thread exits.
 */
import { subscribe } from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { INTAKE_TOKEN, LEADERS, SIGNING_SECRET, zillowLead } from '../test/support/harness.js';
import { allText, type PostedMessage, SlackDouble } from '../test/support/slack-double.js';
import { SlackSender } from '../test/support/slack-requests.js';
import { type Stats, stats } from './stats.js';

/** Settings for the whole run (the worker's workerData). */
export interface DriverOptions {
  /** How long to wait, after the last request of a phase, for the double to see everything. */
  graceMs: number;
  /** Makes external ids unique per run. */
  runTag: string;
}

/**
 * One phase: leads sent to one system, against the same double as every other phase of the run.
 * `steady`: open loop at `rate`/s, then (with `clicks`) a Claim on every DM at `clickRate`/s.
 * `burst`: `leads` leads as fast as `concurrency` clients can send them (closed loop), no clicks.
 */
export interface PhaseRequest {
  /** Names the phase in the report and makes its external ids unique. */
  name: string;
  target: Target;
  mode: 'steady' | 'burst';
  leads: number;
  warmup: number;
  rate: number;
  clickRate: number;
  clicks: boolean;
  concurrency: number;
}

export interface Target {
  /** Where leads are POSTed (ours and the relay both: /leads). */
  leadUrl: string;
  /** Base URL that receives signed Slack requests on /slack/events. */
  appBaseUrl: string;
  claimActionId: string;
  /** Text the DM must contain once the Claim went through. */
  claimedText: string;
}

export interface DriverResult {
  leadToDm?: Stats;
  /** From the lead's request leaving the client to its DM: the whole trip, 202 or not in between. */
  sentToDm?: Stats;
  clickToUpdate?: Stats;
  intakeRoundTrip?: Stats;
  clickAck?: Stats;
  /** p50 of lead→DM over the first and the last tenth of the measured leads: does it drift? */
  leadToDmFirstTenthP50?: number;
  leadToDmLastTenthP50?: number;
  /** Measured leads whose 202 was timed at undici's response-headers event. */
  timedAtHeaders: number;
  sentRate: number;
  dmRate: number;
  clickRate: number;
  updateRate: number;
  total: number;
  rejected: number;
  lost: number;
  doubled: number;
  stray: number;
  postMessageCalls: number;
  updateCalls: number;
  clicksFailed: number;
  clicksWithoutUpdate: number;
  clicksDoubledUpdate: number;
  updatedBeforeClick: number;
  ephemerals: number;
  /** Burst only: accepted leads per second, first send to last 202, and the wall time of sending. */
  acceptRate?: number;
  problems: string[];
}

export type ToMain =
  | { kind: 'double'; apiUrl: string }
  | { kind: 'result'; name: string; result: DriverResult };
export type ToDriver = { kind: 'run'; phase: PhaseRequest } | { kind: 'stop' };

// ---- observing the double ----------------------------------------------------------------------

interface Seen {
  message: PostedMessage;
  at: number;
  updates: number[];
}

/**
 * Timestamps, with performance.now(), the moment the double records a chat.postMessage or a
 * chat.update, by wrapping the push onto its recording arrays. The double records synchronously
 * while it handles the request, so this is its receive time, not a polling artefact.
 */
class Observer {
  /** Task (or relay) id → every DM the double recorded for it. */
  readonly byId = new Map<number, Seen[]>();
  /** Posts with no `#<id>` or not in a DM (escalations, stray messages). */
  readonly stray: PostedMessage[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(double: SlackDouble) {
    const messages = double.messages;
    const pushMessages = messages.push.bind(messages);
    messages.push = (...items: PostedMessage[]): number => {
      const at = performance.now();
      for (const message of items) this.onPost(message, at);
      const length = pushMessages(...items);
      this.notify();
      return length;
    };
  }

  private onPost(message: PostedMessage, at: number): void {
    const id = taskIdOf(message);
    if (id === undefined || !message.channel.startsWith('D')) {
      this.stray.push(message);
      return;
    }
    const seen: Seen = { message, at, updates: [] };
    const updates = message.updates;
    const pushUpdates = updates.push.bind(updates);
    updates.push = (...items) => {
      const when = performance.now();
      for (const _ of items) seen.updates.push(when);
      const length = pushUpdates(...items);
      this.notify();
      return length;
    };
    const list = this.byId.get(id) ?? [];
    list.push(seen);
    this.byId.set(id, list);
  }

  /** Starts a new phase: ids are per system, so the last phase's DMs must not be counted again. */
  reset(): void {
    this.byId.clear();
    this.stray.length = 0;
  }

  /** Resolves true once `done()` holds, false after `timeoutMs`; woken by the double, never by polling. */
  until(done: () => boolean, timeoutMs: number): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = () => {
        if (done()) finish(true);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      const finish = (ok: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(ok);
      };
      this.waiters.add(check);
    });
  }

  private notify(): void {
    for (const check of [...this.waiters]) check();
  }
}

/** The `#<id>` both systems put in the DM's header (ours: "Buyer lead · #12"). */
function taskIdOf(message: PostedMessage): number | undefined {
  const header = message.blocks.find((b) => b.type === 'header');
  const text = header ? allText({ blocks: [header] }) : allText(message);
  const match = /#(\d+)\b/.exec(text);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

// ---- sending -----------------------------------------------------------------------------------

interface LeadSent {
  status: number;
  id?: number;
  sentAt: number;
  acceptedAt?: number;
  /** Whether acceptedAt came from undici's response-headers event (else: when fetch resolved). */
  timedAtHeaders?: boolean;
  error?: string;
}

interface ClickSent {
  id: number;
  status: number;
  sentAt: number;
  ackedAt?: number;
  error?: string;
}

interface Phase<T> {
  results: T[];
  firstSend: number;
  lastSend: number;
}

/** Open loop: request i is fired at start + i/rate whether or not earlier ones have been answered. */
async function atSteadyRate<T>(n: number, rate: number, fire: (i: number) => Promise<T>): Promise<Phase<T>> {
  const pending: Promise<T>[] = [];
  const start = performance.now() + 5;
  let firstSend = 0;
  let lastSend = 0;
  for (let i = 0; i < n; i += 1) {
    const wait = start + (i * 1000) / rate - performance.now();
    if (wait >= 1) await sleep(wait);
    lastSend = performance.now();
    if (i === 0) firstSend = lastSend;
    pending.push(fire(i));
  }
  return { results: await Promise.all(pending), firstSend, lastSend };
}

/** Closed loop: `concurrency` clients, each sending the next request as soon as its last is answered. */
async function asBurst<T>(
  n: number,
  concurrency: number,
  fire: (i: number) => Promise<T>,
): Promise<Phase<T>> {
  const results: T[] = new Array<T>(n);
  let next = 0;
  const firstSend = performance.now();
  let lastSend = firstSend;
  const client = async () => {
    for (let i = next++; i < n; i = next++) {
      lastSend = performance.now();
      results[i] = await fire(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, client));
  return { results, firstSend, lastSend };
}

const ZIPS = ['78701', '78704', '78746', '78745', '78703'];
const REQUEST_TIMEOUT_MS = 15_000;
const SEQ_HEADER = 'x-bench-seq';

/**
 * When the response headers of each lead POST reached the client, keyed by its x-bench-seq header:
 * fetch's own undici publishes this before the fetch promise settles, so the 202 is timed when it
 * arrives rather than after the stream and promise hops that follow.
 */
const headersAt = new Map<string, number>();
subscribe('undici:request:headers', (message: unknown) => {
  const at = performance.now();
  const seq = seqOf(message);
  if (seq !== undefined && !headersAt.has(seq)) headersAt.set(seq, at);
});

function seqOf(message: unknown): string | undefined {
  if (typeof message !== 'object' || message === null || !('request' in message)) return undefined;
  const { request } = message;
  if (typeof request !== 'object' || request === null || !('headers' in request)) return undefined;
  const { headers } = request;
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) {
      if (String(headers[i]).toLowerCase() === SEQ_HEADER) return String(headers[i + 1]);
    }
    return undefined;
  }
  if (typeof headers === 'string') return new RegExp(`^${SEQ_HEADER}: *(.*)\\r$`, 'im').exec(headers)?.[1];
  return undefined;
}

async function sendLead(url: string, runTag: string, i: number): Promise<LeadSent> {
  const zip = ZIPS[i % ZIPS.length] ?? '78701';
  const seq = `${runTag}-${i}`;
  const body = JSON.stringify(
    zillowLead({
      externalId: `bench-${seq}`,
      address: { street: `${100 + i} Elm St`, city: 'Austin', state: 'TX', zip },
    }),
  );
  const sentAt = performance.now();
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${INTAKE_TOKEN}`,
        'content-type': 'application/json',
        [SEQ_HEADER]: seq,
      },
      body,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const resolvedAt = performance.now();
    const acceptedAt = headersAt.get(seq) ?? resolvedAt;
    headersAt.delete(seq);
    const json: unknown = await res.json().catch(() => undefined);
    const id =
      typeof json === 'object' && json !== null && 'id' in json && typeof json.id === 'number'
        ? json.id
        : undefined;
    return { status: res.status, id, sentAt, acceptedAt, timedAtHeaders: acceptedAt !== resolvedAt };
  } catch (error) {
    return { status: 0, sentAt, error: String(error) };
  }
}

async function sendClick(slack: SlackSender, actionId: string, id: number, seen: Seen): Promise<ClickSent> {
  const user = seen.message.user ?? '';
  const sentAt = performance.now();
  try {
    const res = await slack.clickButton({ user, message: seen.message, actionId });
    const ackedAt = performance.now();
    await res.arrayBuffer();
    return { id, status: res.status, sentAt, ackedAt };
  } catch (error) {
    return { id, status: 0, sentAt, error: String(error) };
  }
}

// ---- one run -----------------------------------------------------------------------------------

async function drive(double: SlackDouble, observer: Observer, phase: PhaseRequest, options: DriverOptions) {
  const { target } = phase;
  const total = phase.warmup + phase.leads;
  const problems: string[] = [];
  const measured = (i: number) => i >= phase.warmup;
  const slack = new SlackSender(target.appBaseUrl, SIGNING_SECRET, double);
  // Every phase of the run shares the double: count only what this phase adds.
  observer.reset();
  const postsBefore = double.callsTo('chat.postMessage').length;
  const updatesBefore = double.callsTo('chat.update').length;
  const ephemeralsBefore = double.ephemerals.length;
  const tag = `${options.runTag}-${phase.name.replace(/\W+/g, '_')}`;

  // Phase 1: leads in, DMs out.
  const send = (i: number) => sendLead(target.leadUrl, tag, i);
  const leads =
    phase.mode === 'burst'
      ? await asBurst(total, phase.concurrency, send)
      : await atSteadyRate(total, phase.rate, send);
  const lastAccepted = Math.max(leads.lastSend, ...leads.results.map((r) => r.acceptedAt ?? 0));
  const accepted = leads.results.filter((r) => r.status === 202 && r.id !== undefined);
  const rejected = leads.results.filter((r) => r.status !== 202 || r.id === undefined);
  for (const r of rejected.slice(0, 5))
    problems.push(`lead rejected: status ${r.status}${r.error ? ` (${r.error})` : ''}`);
  const ids = accepted.map((r) => r.id ?? -1);
  const allDmsIn = await observer.until(() => ids.every((id) => observer.byId.has(id)), options.graceMs);
  // Give a late duplicate the chance to show up before counting: the sweeper ticks every second.
  await sleep(1500);

  const leadToDm: number[] = [];
  const sentToDm: number[] = [];
  const intakeRoundTrip: number[] = [];
  let lost = 0;
  let doubled = 0;
  let timedAtHeaders = 0;
  let lastDm = leads.lastSend;
  leads.results.forEach((r, i) => {
    if (r.status !== 202 || r.id === undefined || r.acceptedAt === undefined) return;
    const seen = observer.byId.get(r.id) ?? [];
    if (seen.length === 0) lost += 1;
    if (seen.length > 1) doubled += seen.length - 1;
    const first = seen[0];
    if (!first) return;
    lastDm = Math.max(lastDm, first.at);
    if (measured(i)) {
      if (r.timedAtHeaders) timedAtHeaders += 1;
      leadToDm.push(first.at - r.acceptedAt);
      sentToDm.push(first.at - r.sentAt);
      intakeRoundTrip.push(r.acceptedAt - r.sentAt);
    }
  });
  if (!allDmsIn)
    problems.push(`not every accepted lead had a DM ${options.graceMs / 1000} s after the last send`);
  const idSet = new Set(ids);
  const unknown = [...observer.byId.keys()].filter((id) => !idSet.has(id));
  if (unknown.length > 0)
    problems.push(`DMs for ids no lead was accepted as: ${unknown.slice(0, 10).join(', ')}`);
  const postMessageCalls = double.callsTo('chat.postMessage').length - postsBefore;

  // Phase 2: Claim every DM once, in the order the leads were sent (warm-up first).
  const targets = (phase.clicks ? leads.results : []).flatMap((r, index) => {
    const seen = r.status === 202 && r.id !== undefined ? observer.byId.get(r.id)?.[0] : undefined;
    return seen && r.id !== undefined ? [{ id: r.id, index, seen, updatesBefore: seen.updates.length }] : [];
  });
  const updatedBeforeClick = targets.filter((t) => t.updatesBefore > 0).length;
  const clicks = await atSteadyRate(targets.length, phase.clickRate, (i) => {
    const t = targets[i];
    if (!t) throw new Error(`no click target ${i}`);
    return sendClick(slack, target.claimActionId, t.id, t.seen);
  });
  const clicksFailed = clicks.results.filter((c) => c.status !== 200);
  for (const c of clicksFailed.slice(0, 5))
    problems.push(`click on #${c.id} failed: status ${c.status}${c.error ? ` (${c.error})` : ''}`);
  const allUpdated = await observer.until(
    () => targets.every((t) => t.seen.updates.length > t.updatesBefore),
    options.graceMs,
  );
  await sleep(1500);
  if (!allUpdated)
    problems.push(`not every click was answered by an update ${options.graceMs / 1000} s after the last`);

  const clickToUpdate: number[] = [];
  const clickAck: number[] = [];
  let clicksWithoutUpdate = 0;
  let clicksDoubledUpdate = 0;
  let lastUpdate = clicks.lastSend;
  clicks.results.forEach((c, i) => {
    const t = targets[i];
    if (!t) return;
    const after = t.seen.updates.slice(t.updatesBefore);
    const first = after[0];
    if (first === undefined) {
      clicksWithoutUpdate += 1;
      return;
    }
    if (after.length > 1) clicksDoubledUpdate += 1;
    if (!allText(t.seen.message).includes(target.claimedText))
      problems.push(`DM #${t.id} was updated but does not say "${target.claimedText}"`);
    lastUpdate = Math.max(lastUpdate, first);
    if (measured(t.index) && c.ackedAt !== undefined) {
      clickToUpdate.push(first - c.sentAt);
      clickAck.push(c.ackedAt - c.sentAt);
    }
  });

  const tenth = Math.max(1, Math.floor(leadToDm.length / 10));
  const perSecond = (n: number, from: number, to: number) => (to > from ? (n * 1000) / (to - from) : n);
  const result: DriverResult = {
    leadToDm: stats(leadToDm),
    sentToDm: stats(sentToDm),
    clickToUpdate: stats(clickToUpdate),
    intakeRoundTrip: stats(intakeRoundTrip),
    clickAck: stats(clickAck),
    leadToDmFirstTenthP50: stats(leadToDm.slice(0, tenth))?.p50,
    leadToDmLastTenthP50: stats(leadToDm.slice(-tenth))?.p50,
    timedAtHeaders,
    sentRate: perSecond(total - 1, leads.firstSend, leads.lastSend),
    ...(phase.mode === 'burst'
      ? { acceptRate: perSecond(accepted.length, leads.firstSend, lastAccepted) }
      : {}),
    dmRate: perSecond(accepted.length - lost, leads.firstSend, lastDm),
    clickRate: perSecond(targets.length - 1, clicks.firstSend, clicks.lastSend),
    updateRate: perSecond(targets.length - clicksWithoutUpdate, clicks.firstSend, lastUpdate),
    total,
    rejected: rejected.length,
    lost,
    doubled,
    stray: observer.stray.length,
    postMessageCalls,
    updateCalls: double.callsTo('chat.update').length - updatesBefore,
    clicksFailed: clicksFailed.length,
    clicksWithoutUpdate,
    clicksDoubledUpdate,
    updatedBeforeClick,
    ephemerals: double.ephemerals.length - ephemeralsBefore,
    problems,
  };
  return result;
}

// ---- the worker's life -------------------------------------------------------------------------

async function run(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('bench/load-driver.ts runs as a worker of bench/dispatch-latency.ts');
  const options = workerData as DriverOptions;
  const double = await SlackDouble.start({ channels: [LEADERS] });
  const observer = new Observer(double);
  const send = (message: ToMain) => port.postMessage(message);
  // A failure rejects unhandled, which ends the worker with an 'error' the main thread reports.
  port.on('message', (message: ToDriver) => {
    if (message.kind === 'run') {
      void drive(double, observer, message.phase, options).then((result) =>
        send({ kind: 'result', name: message.phase.name, result }),
      );
    } else {
      void double.stop().then(() => port.close());
    }
  });
  send({ kind: 'double', apiUrl: double.apiUrl });
}

await run();
