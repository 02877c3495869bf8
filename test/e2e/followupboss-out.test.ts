import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { query } from '../support/db.js';
import { fubConfig, fubEnv } from '../support/fub-config.js';
import { FubDouble } from '../support/fub-double.js';
import { type Harness, LEADERS, useHarness } from '../support/harness.js';
import { DANA, LEE } from '../support/team.js';

let fub: FubDouble;
let made = 0;
const DANA_FUB = 41;

beforeAll(async () => {
  fub = await FubDouble.start();
  fub.addUser({ id: DANA_FUB, name: 'Dana Reyes', email: 'Dana@Lakeside.example' });
  fub.addUser({ id: 42, name: 'Priya Nair', email: 'priya@lakeside.example' });
});
afterAll(() => fub.stop());
beforeEach(() => {
  fub.calls.length = 0;
  fub.notes.length = 0;
  fub.tasks.length = 0;
});

/** A FUB person arrives by webhook and its DM reaches Dana; returns the person's id and the DM. */
async function leadForDana(h: Harness) {
  const n = made++;
  const person = fub.addPerson({
    firstName: 'Jordan',
    lastName: 'Avery',
    source: 'Zillow',
    phones: [{ value: `(512) 555-${String(3000 + n).padStart(4, '0')}` }],
    addresses: [{ street: '12 Elm St', city: 'Austin', state: 'TX', code: '78701' }],
  });
  const body = fub.webhookBody('peopleCreated', [person.id], h.clock.now());
  expect((await fub.sendWebhook(`${h.baseUrl}/crm/followupboss`, body)).status).toBe(202);
  const dm = await h.double.waitForPost({ to: DANA });
  await h.settle();
  return { personId: person.id, dm };
}

async function claim(h: Harness, dm: Awaited<ReturnType<typeof leadForDana>>['dm']) {
  expect((await h.slack.clickButton({ user: DANA, message: dm, actionId: 'offer_claim' })).status).toBe(200);
  await h.double.waitForUpdate(dm);
  await h.settle();
}

const CLAIM_NOTE = 'Claimed in Slack by Dana Reyes, 38 s after it arrived.';

describe('Follow Up Boss out: a claim in Slack shows in FUB', () => {
  const h = useHarness({
    config: fubConfig({
      stage_on_claim: 'Active Client',
      stage_on_contacted: 'Contacted',
      task_on_claim: true,
    }),
    env: fubEnv(() => fub),
  });

  it('Claim makes Dana the assigned agent, with the stage, a note on the timeline and a task due at the contact deadline', async () => {
    const { personId, dm } = await leadForDana(h);
    h.clock.advance('38s');
    await claim(h, dm);
    const person = fub.people.get(personId);
    expect(person).toMatchObject({
      assignedUserId: DANA_FUB,
      assignedTo: 'Dana Reyes',
      stage: 'Active Client',
    });
    expect(fub.notes.map((n) => [n.personId, n.subject, n.body.split('\n')[0]])).toEqual([
      [personId, 'Claimed in Slack', CLAIM_NOTE],
    ]);
    // The rule's contact_sla is 15 minutes from the claim.
    const due = new Date(h.clock.now().getTime() + 15 * 60_000).toISOString();
    expect(fub.tasks).toMatchObject([{ personId, assignedUserId: DANA_FUB, dueDateTime: due }]);
    // Its dedupe ref is short: agents read this name in their FUB task list.
    expect(fub.tasks[0]?.name).toMatch(/^Contact this new lead \(claimed in Slack, ref \d+\)$/);

    await h.slack.clickButton({ user: DANA, message: dm, actionId: 'task_contacted' });
    await h.double.waitForUpdate(dm);
    await h.settle();
    expect(fub.people.get(personId)?.stage).toBe('Contacted');
    // Dana's FUB user was looked up once and kept.
    expect(fub.callsTo('GET', 'users')).toHaveLength(1);
  });

  it('FUB answering 429, then 500 after storing the note, is retried: nothing lost, nothing doubled', async () => {
    const { personId, dm } = await leadForDana(h);
    fub.fail({ method: 'PUT', path: 'people/', status: 429, retryAfter: 20 });
    fub.fail({ method: 'POST', path: 'notes', status: 500, afterHandling: true });
    fub.fail({ method: 'POST', path: 'tasks', status: 500, afterHandling: true });
    h.clock.advance('38s');
    await claim(h, dm);
    // In order per lead: the note waits for the assignment.
    expect([fub.people.get(personId)?.assignedUserId, fub.notes.length]).toEqual([null, 0]);
    h.clock.advance('20s');
    await h.server.engine.outbox.runOnce();
    expect(fub.people.get(personId)?.assignedUserId).toBe(DANA_FUB);
    expect(fub.notes).toHaveLength(1); // stored, but FUB's answer was a 500
    h.clock.advance('3s');
    await h.server.engine.outbox.runOnce();
    expect(fub.notes).toHaveLength(1);
    expect(fub.tasks).toHaveLength(1); // stored, but FUB's answer was a 500
    h.clock.advance('1m');
    await h.server.engine.outbox.runOnce();
    expect(fub.tasks).toHaveLength(1);
    expect(query(h.dbPath, "select count(*) as n from outbox where status != 'delivered'")).toEqual([
      { n: 0 },
    ]);
  });
});

describe('Follow Up Boss out: a write-back that keeps failing', () => {
  const h = useHarness({ config: fubConfig({ task_on_claim: true }), env: fubEnv(() => fub) });

  it('shows on /healthz by topic and as a note to the leaders, whose Retry button delivers it once', async () => {
    const { personId, dm } = await leadForDana(h);
    fub.fail({ method: 'POST', path: 'notes', status: 502, times: 10 });
    await claim(h, dm);
    for (let i = 0; i < 10; i++) {
      h.clock.advance('2h');
      await h.server.engine.outbox.runOnce();
    }
    // The note died; the task behind it went on.
    expect([fub.notes.length, fub.tasks.length]).toEqual([0, 1]);
    const health = (await (await fetch(`${h.baseUrl}/healthz`)).json()) as { outbox: unknown };
    expect(health.outbox).toMatchObject({ dead: 1, deadByTopic: { 'crm:followupboss': 1 } });

    // The sweeper kicks the engine every second; here the test does, without running the timers.
    h.server.engine.kick();
    const note = await h.double.waitForPost({ to: LEADERS });
    const [task] = query(h.dbPath, 'select id from tasks');
    expect(note.text).toBe(`Follow Up Boss was not updated for #${task?.id}: adding the claim note failed`);
    expect(h.double.allText(note)).toContain('Follow Up Boss answered 502 to POST notes');
    const [item] = query(h.dbPath, "select id from outbox where status = 'dead'");
    expect(h.double.allText(note)).toContain(`lead-dispatch outbox retry ${item?.id}`);

    await h.slack.clickButton({ user: DANA, message: note, actionId: 'outbox_retry' });
    expect((await h.double.waitForEphemeral({ user: DANA })).text).toContain('Only a team leader');
    await h.slack.clickButton({ user: LEE, message: note, actionId: 'outbox_retry' });
    expect((await h.double.waitForEphemeral({ user: LEE })).text).toContain('Sent again');
    await h.settle();
    // The note no longer says "not updated" with a live Retry button.
    const updated = await h.double.waitForUpdate(note, 'sent again');
    expect(h.double.allText(updated)).toMatch(/Sent again by Lee Walker at \d{1,2}:\d{2}/);
    expect(h.double.buttons(updated).map((b) => b.text)).toEqual(['Timeline']);

    expect(fub.notes.map((n) => [n.personId, n.body.split('\n')[0]])).toEqual([
      [personId, expect.stringMatching(/^Claimed in Slack by Dana Reyes/)],
    ]);
    const health2 = (await (await fetch(`${h.baseUrl}/healthz`)).json()) as { outbox: unknown };
    expect(health2.outbox).toMatchObject({ dead: 0, deadByTopic: {} });
    const kinds = query(
      h.dbPath,
      "select kind, actor from events where kind in ('crm_write_failed', 'outbox_retried')",
    );
    expect(kinds).toEqual([
      { kind: 'crm_write_failed', actor: 'system' },
      { kind: 'outbox_retried', actor: LEE },
    ]);
  });
});
