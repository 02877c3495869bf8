/**
 * What the outside world does to the app during a scenario: leads arrive at a steady rate from
 * three senders, each retrying a refused or unanswered request as a CRM would (the same body, so
 * a repeat is recognised), and agents click Claim on every offer DM they get, again if it still
 * shows Claim a while later (a click whose work was lost to a crash).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { CLAIM_ACTION } from '../src/slack/blocks/offer-message.js';
import { INTAKE_TOKEN, SIGNING_SECRET, zillowLead } from '../test/support/harness.js';
import type { PostedMessage } from '../test/support/slack-double.js';
import { SlackSender } from '../test/support/slack-requests.js';
import type { World } from './world.js';

/**
 * `portal`: a Zillow lead on POST /leads (offered round robin; the lead gets a text when claimed);
 * `web`: an IDX form lead on POST /leads (a text and an email the moment it arrives);
 * `fub`: a person created in Follow Up Boss, announced by its signed webhook (fetched from FUB
 * after the answer; on claim a text, and FUB's person assigned with a note).
 */
export type LeadKind = 'portal' | 'web' | 'fub';
const KINDS: LeadKind[] = ['portal', 'web', 'fub'];

export interface SentLead {
  kind: LeadKind;
  phone: string;
  email: string;
  /** The FUB person, for `fub` leads. */
  personId?: number;
  /** The task id intake answered with (portal and web). */
  taskId?: number;
  /** Date.now() at the first 2xx. */
  acceptedAt?: number;
  /** The last refusal when the sender gave up (a 4xx other than 429, or the retry deadline). */
  refused?: string;
  tries: number;
  /** The answers of the tries that failed: `HTTP 503`, `no answer` (refused, reset or timed out). */
  failures: string[];
}

/**
 * A sender gives up on a lead after this long (a real CRM keeps trying for hours): longer than
 * four restarts of the app take on a busy 2-core machine.
 */
const GIVE_UP_MS = 600_000;
const REQUEST_TIMEOUT_MS = 10_000;

/** `n` leads at `rate`/s, open loop, each retried until it is accepted; resolves when all are settled. */
export async function sendLeads(world: World, n: number, rate: number, runTag: string): Promise<SentLead[]> {
  const start = Date.now();
  const pending: Promise<SentLead>[] = [];
  for (let i = 0; i < n; i += 1) {
    const wait = start + (i * 1000) / rate - Date.now();
    if (wait >= 1) await sleep(wait);
    pending.push(sendOne(world, i, runTag));
  }
  return Promise.all(pending);
}

async function sendOne(world: World, i: number, runTag: string): Promise<SentLead> {
  const kind = KINDS[i % KINDS.length] ?? 'portal';
  // Distinct contacts: the same phone or email again would be merged into the first lead.
  const phone = `+1${kind === 'fub' ? '512' : '737'}${String(5_100_000 + i).padStart(7, '0')}`;
  const email = `chaos.${runTag}.${i}@example.com`;
  const lead: SentLead = { kind, phone, email, tries: 0, failures: [] };
  let request: () => Promise<Response>;
  if (kind === 'fub') {
    const person = world.fub.addPerson({
      firstName: 'Chaos',
      lastName: `Lead${i}`,
      source: 'Zillow',
      phones: [{ value: phone, type: 'mobile' }],
      emails: [{ value: email }],
      addresses: [{ code: '78701' }],
      created: new Date().toISOString(),
    });
    lead.personId = person.id;
    // One event, sent again as is: FUB retries the same eventId.
    const body = world.fub.webhookBody('peopleCreated', [person.id], new Date());
    request = () => world.fub.sendWebhook(`${world.baseUrl}/crm/followupboss`, body);
  } else {
    const body = JSON.stringify(
      zillowLead({
        source: kind === 'portal' ? 'zillow' : 'idx_form',
        externalId: `chaos-${runTag}-${i}`,
        phone,
        email,
      }),
    );
    request = () =>
      fetch(`${world.baseUrl}/leads`, {
        method: 'POST',
        headers: { authorization: `Bearer ${INTAKE_TOKEN}`, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
  }
  const deadline = Date.now() + GIVE_UP_MS;
  for (;;) {
    lead.tries += 1;
    let status = 0;
    let retryAfter: number | undefined;
    try {
      const res = await request();
      status = res.status;
      retryAfter = Number(res.headers.get('retry-after')) || undefined;
      const json = (await res.json().catch(() => undefined)) as { id?: unknown } | undefined;
      if (status >= 200 && status < 300) {
        lead.acceptedAt = Date.now();
        if (kind !== 'fub' && typeof json?.id === 'number') lead.taskId = json.id;
        return lead;
      }
    } catch {
      // Refused, reset or unanswered (the app was killed, or is stuck): send it again.
    }
    lead.failures.push(status === 0 ? 'no answer' : `HTTP ${status}`);
    const retryable = status === 0 || status === 429 || status >= 500;
    if (!retryable || Date.now() > deadline) {
      lead.refused = `HTTP ${status}`;
      return lead;
    }
    const backoff = Math.min(2000, 100 * 2 ** Math.min(lead.tries, 5));
    await sleep(retryAfter === undefined ? backoff : Math.min(retryAfter * 1000, 5000));
  }
}

/**
 * Agents at their desks: every offer DM gets a Claim click from its agent as soon as it shows,
 * and another when its offer is still live in the database 4 s after the last (a click acked just
 * before a crash, or refused while the disk was full). Runs until `stop()`.
 */
export class Clicker {
  private readonly slack: SlackSender;
  private readonly lastClick = new Map<number, number>();
  private running = true;
  private readonly loop: Promise<void>;
  clicks = 0;
  failedClicks = 0;

  constructor(private readonly world: World) {
    this.slack = new SlackSender(world.baseUrl, SIGNING_SECRET, world.slack);
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      const live = this.liveOffers();
      const due = this.world.slack.messages.flatMap((message) => {
        const offer = offerIdOf(message);
        if (offer === undefined || !message.user || !live.has(offer)) return [];
        const last = this.lastClick.get(offer);
        return last === undefined || Date.now() - last > 4000 ? [{ offer, message }] : [];
      });
      await Promise.all(due.slice(0, 8).map(({ offer, message }) => this.click(offer, message)));
      await sleep(200);
    }
  }

  private async click(offer: number, message: PostedMessage): Promise<void> {
    this.lastClick.set(offer, Date.now());
    this.clicks += 1;
    try {
      const res = await this.slack.clickButton({ user: message.user ?? '', message, actionId: CLAIM_ACTION });
      await res.arrayBuffer();
      if (res.status !== 200) this.failedClicks += 1;
    } catch {
      // The app is down, or the DM no longer shows Claim: the next round looks again.
      this.failedClicks += 1;
    }
  }

  /** Offers the database says are still waiting for a click (read-only: WAL lets us read beside the app). */
  private liveOffers(): Set<number> {
    try {
      const db = new Database(this.world.dbPath, { readonly: true, fileMustExist: true });
      try {
        const rows = db.prepare("select id from offers where status = 'live'").pluck().all() as number[];
        return new Set(rows);
      } finally {
        db.close();
      }
    } catch {
      return new Set();
    }
  }
}

/** The offer a DM shows, from the metadata every post carries. */
export function offerIdOf(message: PostedMessage): number | undefined {
  const mark = markOf(message);
  return mark?.kind === 'offer' ? mark.id : undefined;
}

/** The row a post names in its Slack message metadata: `{ kind, id }`. */
export function markOf(message: PostedMessage): { kind: string; id: number } | undefined {
  const payload = (message.metadata as { event_payload?: { kind?: unknown; id?: unknown } } | undefined)
    ?.event_payload;
  return typeof payload?.kind === 'string' && typeof payload.id === 'number'
    ? { kind: payload.kind, id: payload.id }
    : undefined;
}
