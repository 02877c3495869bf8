import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { walSyncOf } from '../../src/db/wal-sync.js';
import { query } from '../support/db.js';
import { fubConfig, fubEnv, sendFubWebhook } from '../support/fub-config.js';
import { type DoublePerson, FubDouble } from '../support/fub-double.js';
import { type Harness, LEADERS, useHarness } from '../support/harness.js';
import { DANA, MARCO } from '../support/team.js';

let fub: FubDouble;
let made = 0;

/** A Zillow buyer in Dana's zip, new each time (the same phone twice would be one person). */
function addPerson(extra: Partial<DoublePerson> = {}): DoublePerson {
  const n = made++;
  return fub.addPerson({
    firstName: 'Jordan',
    lastName: 'Avery',
    source: 'Zillow',
    tags: ['Buyer'],
    price: 450000,
    emails: [{ value: `old.${n}@example.com` }, { value: `Jordan.${n}@Example.com`, isPrimary: true }],
    phones: [{ value: `(512) 555-${String(2000 + n).padStart(4, '0')}`, isPrimary: true }],
    addresses: [{ street: '12 Elm St', city: 'Austin', state: 'TX', code: '78701' }],
    ...extra,
  });
}

const send = (h: Harness, event: string, ids: number[], options: { eventId?: string; at?: Date } = {}) =>
  sendFubWebhook(fub, h, event, ids, options);

const count = (h: Harness, table: string) =>
  Number(query(h.dbPath, `select count(*) as n from ${table}`)[0]?.n);

beforeAll(async () => {
  fub = await FubDouble.start();
});
afterAll(() => fub.stop());
beforeEach(() => {
  fub.calls.length = 0;
  fub.delayMs = 0;
});

describe('Follow Up Boss in: a signed webhook becomes a task and a DM', () => {
  const h = useHarness({ config: fubConfig({ stage_on_claim: 'Active Client' }), env: fubEnv(() => fub) });

  it('answers 202 at once, then fetches the person and DMs the agent its name, phone, email, address and price', async () => {
    const person = addPerson();
    const res = await send(h, 'peopleCreated', [person.id]).res;
    expect(res.status).toBe(202);
    const dm = await h.double.waitForPost({ to: DANA });
    const text = h.double.allText(dm);
    expect(text).toContain('Buyer lead from Zillow');
    expect(text).toContain('Jordan Avery');
    expect(text).toContain(`jordan.${made - 1}@example.com`);
    expect(text).toContain('12 Elm St, Austin, TX 78701');
    expect(text).toContain('$450,000');
    await h.settle();
    const [task] = query(h.dbPath, 'select source, crm_person, tags, phone from tasks');
    expect(task).toMatchObject({ source: 'zillow', crm_person: `fub:${person.id}` });
    expect(JSON.parse(String(task?.tags))).toEqual(['Buyer', 'stage:Lead']);
    expect(task?.phone).toMatch(/^\+1512555\d{4}$/);
    expect(fub.callsTo('GET', `people/${person.id}`)).toHaveLength(1);
  });

  it('answers 202 only once the event is on the disk, as intake does', async () => {
    const asked: Array<{ path: string; events: number }> = [];
    let release = () => {};
    walSyncOf(h.server.ctx.db).fsyncFile = (path) => {
      const [row] = query(h.dbPath, 'select count(*) as n from crm_events');
      asked.push({ path, events: Number(row?.n) });
      return new Promise<void>((resolve) => {
        release = resolve;
      });
    };
    let answered = false;
    const answer = send(h, 'peopleCreated', [addPerson().id]).res.then((res) => {
      answered = true;
      return res;
    });
    while (asked.length === 0) await new Promise((resolve) => setImmediate(resolve));
    expect(asked[0]).toEqual({ path: `${h.dbPath}-wal`, events: 1 });
    for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toBe(false);
    walSyncOf(h.server.ctx.db).fsyncFile = async () => {};
    release();
    expect((await answer).status).toBe(202);
  });

  it('refuses an unsigned, a forged, a stale and a future event, and stores nothing', async () => {
    const person = addPerson();
    const url = `${h.baseUrl}/crm/followupboss`;
    const fresh = fub.webhookBody('peopleCreated', [person.id], h.clock.now());
    expect((await fub.sendWebhook(url, fresh, { signature: null })).status).toBe(401);
    expect((await fub.sendWebhook(url, fresh, { signature: 'ab'.repeat(32) })).status).toBe(401);
    // Signed with the right key over the body, but not over its base64: a near miss is still forged.
    const { createHmac } = await import('node:crypto');
    const plain = createHmac('sha256', 'fub-system-key-test-0123456789').update(fresh).digest('hex');
    expect((await fub.sendWebhook(url, fresh, { signature: plain })).status).toBe(401);
    const stale = new Date(h.clock.now().getTime() - 13 * 3600_000);
    const old = await send(h, 'peopleCreated', [person.id], { at: stale }).res;
    expect(old.status).toBe(400);
    expect(((await old.json()) as { error: string }).error).toMatch(/^stale event/);
    const ahead = new Date(h.clock.now().getTime() + 3600_000);
    expect((await send(h, 'peopleCreated', [person.id], { at: ahead }).res).status).toBe(400);
    await h.settle();
    expect([count(h, 'crm_events'), count(h, 'outbox'), count(h, 'tasks')]).toEqual([0, 0, 0]);
    expect(fub.calls).toEqual([]);
  });

  it('the same event twice, or replayed a day later, makes one task and one DM', async () => {
    const person = addPerson();
    const body = fub.webhookBody('peopleCreated', [person.id], h.clock.now(), 'evt-same');
    const url = `${h.baseUrl}/crm/followupboss`;
    expect((await fub.sendWebhook(url, body)).status).toBe(202);
    await h.double.waitForPost({ to: DANA });
    const again = await fub.sendWebhook(url, body);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ duplicate: true });
    await h.settle();
    expect([count(h, 'crm_events'), count(h, 'tasks')]).toEqual([1, 1]);
    expect(fub.callsTo('GET', 'people/')).toHaveLength(1);
    h.clock.advance('1d');
    expect((await fub.sendWebhook(url, body)).status).toBe(400);
  });

  it('the same person in several events (a tag added, a split bulk delivery) makes one task each', async () => {
    const a = addPerson();
    const b = addPerson();
    expect((await send(h, 'peopleCreated', [a.id, b.id]).res).status).toBe(202);
    await h.double.waitForPost();
    await h.double.waitForPost();
    // FUB splits a bulk change: the same people again, one of them with a new source.
    fub.people.set(b.id, { ...b, source: 'Website' });
    expect((await send(h, 'peopleCreated', [b.id]).res).status).toBe(202);
    expect((await send(h, 'peopleTagsCreated', [a.id]).res).status).toBe(202);
    await h.settle();
    expect(query(h.dbPath, 'select crm_person from tasks order by id')).toEqual([
      { crm_person: `fub:${a.id}` },
      { crm_person: `fub:${b.id}` },
    ]);
    const outcomes = query(h.dbPath, 'select outcome from crm_events order by id').map((r) => r.outcome);
    expect(outcomes[1]).toBe(`person ${b.id}: already task #2`);
  });

  it('an event not in crm.followupboss.events is answered and ignored', async () => {
    const res = await send(h, 'peopleUpdated', [addPerson().id]).res;
    expect(res.status).toBe(200);
    expect([count(h, 'crm_events'), count(h, 'tasks')]).toEqual([0, 0]);
  });

  it('FUB answering 429 then 500 to the fetch delays the DM, and nothing is lost', async () => {
    const person = addPerson();
    fub.fail({ method: 'GET', path: 'people/', status: 429, retryAfter: 30 });
    fub.fail({ method: 'GET', path: 'people/', status: 503 });
    expect((await send(h, 'peopleCreated', [person.id]).res).status).toBe(202);
    await h.settle();
    expect(count(h, 'tasks')).toBe(0);
    h.clock.advance('30s');
    await h.server.engine.outbox.runOnce();
    expect(count(h, 'tasks')).toBe(0);
    h.clock.advance('3s');
    await h.server.engine.outbox.runOnce();
    await h.double.waitForPost({ to: DANA });
    expect(fub.callsTo('GET', 'people/').map((c) => c.status)).toEqual([429, 503, 200]);
  });

  it('a person FUB never gives us still reaches the leaders, for manual review, saying why', async () => {
    // No such person in FUB: it answers 404, which no retry changes.
    const missing = 990_001;
    expect((await send(h, 'peopleCreated', [missing]).res).status).toBe(202);
    await h.settle();
    await h.server.sweeper.runOnce();
    const post = await h.double.waitForPost({ to: LEADERS });
    const text = h.double.allText(post);
    expect(text).toContain(`Follow Up Boss person ${missing} could not be fetched`);
    expect(text).toContain('could not be fetched from Follow Up Boss (Follow Up Boss answered 404');
    // A leader assigns it with one pick, or takes it, as any escalation.
    expect(JSON.stringify(post.blocks)).toContain('"users_select"');
    expect(h.double.buttons(post).map((b) => b.text)).toContain('Take it');
    const [task] = query(h.dbPath, 'select status, manual_review, crm_person, source from tasks');
    expect(task).toMatchObject({
      status: 'escalated',
      manual_review: 1,
      crm_person: `fub:${missing}`,
      source: 'follow up boss',
    });
    // A later event for the same person makes no second task.
    expect((await send(h, 'peopleTagsCreated', [missing]).res).status).toBe(202);
    await h.settle();
    expect(count(h, 'tasks')).toBe(1);
  });

  it('answers before FUB does: a slow FUB delays only the DM', async () => {
    fub.delayMs = 400;
    const started = performance.now();
    const res = await send(h, 'peopleCreated', [addPerson().id]).res;
    expect(res.status).toBe(202);
    expect(performance.now() - started).toBeLessThan(300);
    await h.double.waitForPost({ to: DANA });
  });
});

describe('Follow Up Boss in: a person FUB already assigned', () => {
  describe('with already_assigned: leave (the default)', () => {
    const h = useHarness({ config: fubConfig(), env: fubEnv(() => fub) });

    it('makes no task and sends no DM; the webhook row says why', async () => {
      const person = addPerson({ assignedUserId: 7 });
      expect((await send(h, 'peopleCreated', [person.id]).res).status).toBe(202);
      await h.settle();
      expect(count(h, 'tasks')).toBe(0);
      expect(query(h.dbPath, 'select outcome from crm_events')).toEqual([
        { outcome: `person ${person.id}: left, already assigned in Follow Up Boss to user 7` },
      ]);
    });
  });

  describe('with already_assigned: route, and a rule on a FUB pond', () => {
    const pondRule = {
      name: 'fub-buyers-pond',
      match: { tags: ['pond:Buyers'] },
      assign: { strategy: 'agent', agent: MARCO },
      sla: '5m',
    };
    const h = useHarness({
      config: fubConfig({ already_assigned: 'route', ponds: { '3': 'Buyers' } }, [pondRule]),
      env: fubEnv(() => fub),
    });

    it('routes an assigned person anyway', async () => {
      expect((await send(h, 'peopleCreated', [addPerson({ assignedUserId: 7 }).id]).res).status).toBe(202);
      await h.double.waitForPost({ to: DANA });
    });

    it('routes a person in pond 3 by the tag pond:Buyers', async () => {
      expect((await send(h, 'peopleCreated', [addPerson({ assignedPondId: 3 }).id]).res).status).toBe(202);
      const dm = await h.double.waitForPost({ to: MARCO });
      expect(h.double.allText(dm)).toContain('fub-buyers-pond');
    });
  });
});
