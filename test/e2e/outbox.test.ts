import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  enqueueOutbox,
  type OutboxTopic,
  PermanentFailure,
  RetryLater,
} from '../../src/engine/outbox/outbox.js';
import { query } from '../support/db.js';
import { useHarness, zillowLead } from '../support/harness.js';

/** A webhook receiver on 127.0.0.1 that answers 503 while told to, and records what it accepted. */
class Receiver {
  readonly accepted: Array<{ id: string; body: unknown }> = [];
  failing = new Set<string>();
  /** Ids answered 429, as a receiver that wants us to slow down. */
  limited = new Set<string>();
  private server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const id = String(req.headers['x-delivery-id']);
      if (this.limited.has(id)) {
        res.writeHead(429, { 'retry-after': '30' }).end('slow down');
        return;
      }
      if (this.failing.has(id)) {
        res.writeHead(503).end('busy');
        return;
      }
      this.accepted.push({ id, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(200).end('ok');
    });
  });

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const receiver = new Receiver();

/** The shape every outside-system module takes: a topic and one `deliver` over plain HTTP. */
const webhook: OutboxTopic = {
  topic: 'webhook:',
  maxAttempts: 4,
  async deliver(item) {
    if (item.payload.refuse) throw new PermanentFailure('receiver answered 410 Gone');
    const res = await fetch(receiver.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-delivery-id': String(item.id) },
      body: JSON.stringify(item.payload),
    });
    if (res.status === 429) throw new RetryLater('receiver answered 429', 30);
    if (!res.ok) throw new Error(`receiver answered ${res.status}`);
  },
};

describe('the outbox: outside systems get every item at least once, in order per task', () => {
  beforeAll(() => receiver.start());
  afterAll(() => receiver.stop());
  beforeEach(() => {
    receiver.accepted.length = 0;
    receiver.failing.clear();
    receiver.limited.clear();
  });
  const h = useHarness({ outboxTopics: [webhook] });

  async function twoTasks(): Promise<[number, number]> {
    const ids: number[] = [];
    for (let i = 0; i < 2; i++)
      ids.push(((await (await h.postLead(zillowLead())).json()) as { id: number }).id);
    await h.settle();
    h.double.markAllSeen();
    return [ids[0] ?? 0, ids[1] ?? 0];
  }

  function enqueue(taskId: number | null, topic: string, payload: Record<string, unknown>): number {
    enqueueOutbox(h.server.ctx.db, { taskId, topic, payload, at: h.clock.now() });
    const [row] = query(h.dbPath, 'select max(id) as id from outbox');
    return Number(row?.id);
  }

  const outbox = () =>
    query(h.dbPath, 'select id, status, attempts, next_attempt_at, last_error from outbox order by id');

  it('a failing item holds the items after it for the same task, not for other tasks, and all arrive in order', async () => {
    const [a, b] = await twoTasks();
    const a1 = enqueue(a, 'webhook:zapier', { event: 'task.offered', n: 1 });
    const a2 = enqueue(a, 'webhook:zapier', { event: 'task.claimed', n: 2 });
    const b1 = enqueue(b, 'webhook:zapier', { event: 'task.offered', n: 3 });
    receiver.failing.add(String(a1));
    await h.server.engine.outbox.runOnce();
    expect(receiver.accepted.map((r) => r.id)).toEqual([String(b1)]);
    const [first] = outbox();
    expect(first).toMatchObject({
      id: a1,
      status: 'pending',
      attempts: 1,
      last_error: 'receiver answered 503',
    });
    // Backoff after the first failure: about a second (±20 %), from the app's clock.
    const wait = Number(first?.next_attempt_at) - h.clock.now().getTime();
    expect(wait).toBeGreaterThanOrEqual(800);
    expect(wait).toBeLessThanOrEqual(1200);

    receiver.failing.clear();
    h.clock.advance('2s');
    await h.server.engine.outbox.runOnce();
    expect(receiver.accepted.map((r) => r.id)).toEqual([String(b1), String(a1), String(a2)]);
    expect(outbox().map((r) => r.status)).toEqual(['delivered', 'delivered', 'delivered']);
  });

  it('an item that keeps failing is parked as dead, shown on /healthz, and stops holding up the next', async () => {
    const [a] = await twoTasks();
    const dead = enqueue(a, 'webhook:crm', { event: 'task.claimed' });
    const next = enqueue(a, 'webhook:crm', { event: 'task.contacted' });
    receiver.failing.add(String(dead));
    for (let attempt = 0; attempt < 4; attempt++) {
      await h.server.engine.outbox.runOnce();
      h.clock.advance('10m');
    }
    await h.server.engine.outbox.runOnce();
    expect(outbox()).toMatchObject([
      { id: dead, status: 'dead', attempts: 4, last_error: 'receiver answered 503' },
      { id: next, status: 'delivered' },
    ]);
    const health = (await (await fetch(`${h.baseUrl}/healthz`)).json()) as { outbox: unknown };
    expect(health.outbox).toEqual({
      pending: 0,
      dead: 1,
      oldestPendingSeconds: null,
      deadByTopic: { 'webhook:crm': 1 },
    });
  });

  it('a permanent refusal parks at once; Retry-After is honoured; a topic nothing serves is parked with why', async () => {
    const [a, b] = await twoTasks();
    const refused = enqueue(a, 'webhook:x', { refuse: true });
    const orphan = enqueue(b, 'sms', { event: 'reply' });
    const slowed = enqueue(b, 'webhook:zapier', { event: 'task.claimed' });
    receiver.limited.add(String(slowed));
    await h.server.engine.outbox.runOnce();
    expect(outbox()).toMatchObject([
      { id: refused, status: 'dead', attempts: 1, last_error: 'receiver answered 410 Gone' },
      { id: orphan, status: 'dead', last_error: 'nothing in this install delivers this topic' },
      { id: slowed, status: 'pending', attempts: 1, next_attempt_at: h.clock.now().getTime() + 30_000 },
    ]);
  });

  it('pending items survive a restart and are delivered by the new process', async () => {
    const [a] = await twoTasks();
    const item = enqueue(a, 'webhook:zapier', { event: 'task.offered' });
    receiver.failing.add(String(item));
    await h.server.engine.outbox.runOnce();
    await h.restart();
    receiver.failing.clear();
    h.clock.advance('5s');
    await h.server.engine.outbox.runOnce();
    expect(receiver.accepted).toEqual([{ id: String(item), body: { event: 'task.offered' } }]);
  });
});

describe('a receiver with a nonsense Retry-After', () => {
  let calls = 0;
  const garbled: OutboxTopic = {
    topic: 'webhook:',
    maxAttempts: 3,
    async deliver() {
      calls += 1;
      // An HTTP date where seconds were expected: Number() of it is NaN.
      throw new RetryLater('receiver answered 503', Number('Wed, 21 Oct 2026 07:28:00 GMT'));
    },
  };
  const h = useHarness({ outboxTopics: [garbled] });

  it('gets our own backoff instead, and the item is parked after its tries', async () => {
    enqueueOutbox(h.server.ctx.db, { taskId: null, topic: 'webhook:x', payload: {}, at: h.clock.now() });
    for (let i = 0; i < 6; i++) {
      await h.server.engine.outbox.runOnce();
      h.clock.advance('10m');
    }
    expect(calls).toBe(3);
    expect(query(h.dbPath, 'select status, attempts from outbox')).toEqual([{ status: 'dead', attempts: 3 }]);
  });
});
