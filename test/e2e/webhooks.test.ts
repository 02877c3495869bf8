import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { webhooksCommand } from '../../src/webhooks/cli.js';
import { query } from '../support/db.js';
import { type Harness, useHarness, zillowLead } from '../support/harness.js';
import { DANA } from '../support/team.js';
import { WEBHOOK_SECRET, WEBHOOK_SECRET_ENV, webhookConfig } from '../support/webhook-config.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const zapier = await WebhookReceiver.start(WEBHOOK_SECRET);
const claims = await WebhookReceiver.start(WEBHOOK_SECRET);
afterAll(async () => {
  await zapier.stop();
  await claims.stop();
});

const { config, file } = webhookConfig([
  {
    name: 'zapier',
    url: zapier.url,
    events: ['lead.received', 'lead.offered', 'lead.claimed'],
    secret_env: WEBHOOK_SECRET_ENV,
  },
  { name: 'claims', url: claims.url, events: ['lead.claimed'], secret_env: WEBHOOK_SECRET_ENV },
]);

/** The feeder queues what the events table holds; the outbox delivers what is due. */
async function deliver(h: Harness): Promise<void> {
  await h.settle();
  await h.server.engine.webhooks.runOnce();
  await h.server.engine.outbox.runOnce();
}

/** A Zillow lead offered to Dana and claimed by her; returns its task id. */
async function claimedLead(h: Harness): Promise<number> {
  const { id } = (await (await h.postLead(zillowLead())).json()) as { id: number };
  const dm = await h.double.waitForPost({ to: DANA });
  await h.settle();
  await h.slack.clickButton({ user: DANA, message: dm, actionId: 'offer_claim' });
  await h.double.waitForUpdate(dm, 'Claimed by you');
  await h.settle();
  return id;
}

const typesOf = (r: WebhookReceiver) => r.accepted.map((d) => d.body.type);

describe('outbound webhooks: every subscribed event reaches the receiver once, in order, signed', () => {
  beforeEach(() => {
    zapier.clear();
    claims.clear();
  });
  const h = useHarness({ config, secrets: { [WEBHOOK_SECRET_ENV]: WEBHOOK_SECRET } });

  it('a lead sends received, offered and claimed to zapier, and only claimed to the claims hook', async () => {
    const taskId = await claimedLead(h);
    await deliver(h);
    expect(typesOf(zapier)).toEqual(['lead.received', 'lead.offered', 'lead.claimed']);
    expect(zapier.accepted.every((d) => d.signatureValid)).toBe(true);
    expect(new Set(zapier.accepted.map((d) => d.id)).size).toBe(3);
    const claim = zapier.accepted[2]?.body;
    expect(claim).toMatchObject({
      task: { id: taskId, source: 'zillow', status: 'claimed', owner_id: DANA },
      agent: { id: DANA, name: expect.any(String) },
    });
    expect(claim?.id).toBe(zapier.accepted[2]?.id);
    expect(typesOf(claims)).toEqual(['lead.claimed']);
    expect(claims.accepted[0]?.signatureValid).toBe(true);
    // Running everything again queues and sends nothing more: the cursor moved with the items.
    await deliver(h);
    expect(zapier.seen).toHaveLength(3);
  });

  it('a receiver down for a minute (503) then back gets every event once, in order, with valid signatures', async () => {
    zapier.mode = { kind: 'status', status: 503 };
    await claimedLead(h);
    for (let s = 0; s < 60; s += 5) {
      h.clock.advance('5s');
      await deliver(h);
    }
    expect(zapier.accepted).toEqual([]);
    expect(zapier.seen.length).toBeGreaterThan(1);
    // While the first event is refused, the later ones for the task wait behind it.
    expect(new Set(zapier.seen.map((d) => d.body.type))).toEqual(new Set(['lead.received']));
    // /healthz says the receiver is failing long before anything is parked.
    const health = (await (await fetch(`${h.baseUrl}/healthz`)).json()) as { webhooks: unknown };
    expect(health.webhooks).toEqual({
      zapier: 'failing: webhook zapier answered 503 (1 waiting)',
      claims: 'ok',
    });
    zapier.mode = { kind: 'up' };
    for (let s = 0; s < 180; s += 10) {
      h.clock.advance('10s');
      await deliver(h);
    }
    expect(typesOf(zapier)).toEqual(['lead.received', 'lead.offered', 'lead.claimed']);
    expect(zapier.accepted.every((d) => d.signatureValid)).toBe(true);
    expect(query(h.dbPath, "select count(*) as n from outbox where status != 'delivered'")).toEqual([
      { n: 0 },
    ]);
  });

  it('a receiver that drops the connection is retried the same way', async () => {
    zapier.mode = { kind: 'drop' };
    await claimedLead(h);
    await deliver(h);
    const [item] = query(
      h.dbPath,
      "select status, last_error from outbox where topic = 'webhook:zapier' order by id",
    );
    expect(item).toEqual({ status: 'pending', last_error: 'webhook zapier could not be reached' });
    zapier.mode = { kind: 'up' };
    for (let s = 0; s < 30; s += 5) {
      h.clock.advance('5s');
      await deliver(h);
    }
    expect(typesOf(zapier)).toEqual(['lead.received', 'lead.offered', 'lead.claimed']);
  });

  it('a slow receiver that answers within the timeout is delivered to', async () => {
    zapier.mode = { kind: 'slow', ms: 150 };
    await claimedLead(h);
    await deliver(h);
    expect(typesOf(zapier)).toEqual(['lead.received', 'lead.offered', 'lead.claimed']);
  });

  it('a 410 parks the item dead at once, /healthz counts it, and the next events still go', async () => {
    zapier.mode = { kind: 'status', status: 410 };
    const { id } = (await (await h.postLead(zillowLead())).json()) as { id: number };
    await h.double.waitForPost({ to: DANA });
    await deliver(h);
    expect(
      query(h.dbPath, "select status, attempts, last_error from outbox where topic = 'webhook:zapier'"),
    ).toEqual([
      { status: 'dead', attempts: 1, last_error: 'webhook zapier answered 410' },
      { status: 'dead', attempts: 1, last_error: 'webhook zapier answered 410' },
    ]);
    const health = (await (await fetch(`${h.baseUrl}/healthz`)).json()) as {
      outbox: { dead: number; deadByTopic: Record<string, number> };
    };
    expect(health.outbox.deadByTopic).toEqual({ 'webhook:zapier': 2 });
    expect(id).toBeGreaterThan(0);
  });

  it('lead-dispatch webhooks test sends a signed test event and prints the answer', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await webhooksCommand(['test', 'zapier', '--config', file], {
      env: { [WEBHOOK_SECRET_ENV]: WEBHOOK_SECRET },
      out: (t) => out.push(t),
      err: (t) => err.push(t),
    });
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out.join('')).toContain(`POST ${zapier.url} → 200`);
    expect(out.join('')).toContain('"received":"evt_test_');
    expect(zapier.accepted).toHaveLength(1);
    expect(zapier.accepted[0]).toMatchObject({ signatureValid: true, body: { type: 'test', task: null } });
  });

  it('the test command names a missing secret and a 4xx answer', async () => {
    const err: string[] = [];
    const io = (env: Record<string, string>) => ({
      env,
      out: (t: string) => err.push(t),
      err: (t: string) => err.push(t),
    });
    expect(await webhooksCommand(['test', 'zapier', '--config', file], io({}))).toBe(1);
    expect(err.join('')).toContain(`${WEBHOOK_SECRET_ENV} is not set`);
    zapier.mode = { kind: 'status', status: 400 };
    expect(
      await webhooksCommand(
        ['test', 'zapier', '--config', file],
        io({ [WEBHOOK_SECRET_ENV]: WEBHOOK_SECRET }),
      ),
    ).toBe(1);
    expect(err.join('')).toContain('→ 400\nstatus 400');
  });
});
