import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { outboxCommand } from '../../src/engine/outbox/cli.js';
import { query } from '../support/db.js';
import { fubConfig, fubEnv } from '../support/fub-config.js';
import { FubDouble } from '../support/fub-double.js';
import { type Harness, LEADERS, useHarness, zillowLead } from '../support/harness.js';
import { DANA, MARCO } from '../support/team.js';

/** What FUB ends up holding after claims, merges, failures and retries: the cases a new user met in review. */

let fub: FubDouble;
let made = 0;
const DANA_FUB = 41;

beforeAll(async () => {
  fub = await FubDouble.start();
  fub.addUser({ id: DANA_FUB, name: 'Dana Reyes', email: 'dana@lakeside.example' });
});
afterAll(() => fub.stop());
beforeEach(() => {
  fub.calls.length = 0;
});

function addPerson(phone: string, zip = '78701') {
  return fub.addPerson({
    firstName: 'Jordan',
    lastName: 'Avery',
    source: 'Zillow',
    phones: [{ value: phone }],
    addresses: [{ code: zip }],
  });
}

const nextPhone = () => `(512) 555-${String(6000 + made++).padStart(4, '0')}`;

async function webhook(h: Harness, personId: number) {
  const body = fub.webhookBody('peopleCreated', [personId], h.clock.now());
  expect((await fub.sendWebhook(`${h.baseUrl}/crm/followupboss`, body)).status).toBe(202);
}

async function click(
  h: Harness,
  dm: Parameters<Harness['slack']['clickButton']>[0]['message'],
  id: string,
  user = DANA,
) {
  expect((await h.slack.clickButton({ user, message: dm, actionId: id })).status).toBe(200);
  await h.double.waitForUpdate(dm);
  await h.settle();
}

/** Runs `lead-dispatch outbox …` against the test's database, as the CLI would. */
function outboxCli(h: Harness, args: string[]): string {
  let out = '';
  outboxCommand(args, { env: { DATABASE_PATH: h.dbPath }, out: (t) => (out += t), err: (t) => (out += t) });
  return out;
}

describe('Follow Up Boss write-back: claims', () => {
  const h = useHarness({
    config: fubConfig({ stage_on_claim: 'Active Client', stage_on_contacted: 'Contacted' }),
    env: fubEnv(() => fub),
  });

  it('a FUB person merged into an earlier lead with the same phone is told of the claim on it', async () => {
    const phone = nextPhone();
    expect((await h.postLead(zillowLead({ phone }))).status).toBe(202);
    const dm = await h.double.waitForPost({ to: DANA });
    const person = addPerson(phone);
    await webhook(h, person.id);
    await h.settle();
    expect(query(h.dbPath, 'select id, status, duplicate_of, crm_person from tasks order by id')).toEqual([
      { id: 1, status: 'offered', duplicate_of: null, crm_person: null },
      { id: 2, status: 'merged', duplicate_of: 1, crm_person: `fub:${person.id}` },
    ]);
    // Dana is told of the repeat in her DM's thread, as for any repeat.
    await h.double.waitForPost({ to: DANA, textIncludes: 'Again from Zillow' });
    await click(h, dm, 'offer_claim');
    expect(fub.people.get(person.id)).toMatchObject({ assignedUserId: DANA_FUB, stage: 'Active Client' });
    expect(fub.notes.filter((n) => n.personId === person.id).map((n) => n.subject)).toEqual([
      'Claimed in Slack',
    ]);
    await click(h, dm, 'task_contacted');
    expect(fub.people.get(person.id)?.stage).toBe('Contacted');
  });

  it('a FUB person who arrives after the same lead was claimed is told of that claim', async () => {
    const phone = nextPhone();
    expect((await h.postLead(zillowLead({ phone }))).status).toBe(202);
    const dm = await h.double.waitForPost({ to: DANA });
    h.clock.advance('38s');
    await click(h, dm, 'offer_claim');
    h.clock.advance('5m');
    const person = addPerson(phone);
    await webhook(h, person.id);
    await h.double.waitForPost({ to: DANA, textIncludes: 'Again from Zillow' });
    await h.settle();
    expect(fub.people.get(person.id)).toMatchObject({ assignedUserId: DANA_FUB, stage: 'Active Client' });
    expect(fub.notes.filter((n) => n.personId === person.id).map((n) => n.body.split('\n')[0])).toEqual([
      'Claimed in Slack by Dana Reyes, 38 s after it arrived.',
    ]);
    await click(h, dm, 'task_contacted');
    expect(fub.people.get(person.id)?.stage).toBe('Contacted');
  });

  it('retrying the claim update after Mark contacted leaves FUB at the current stage, not the old one', async () => {
    const person = addPerson(nextPhone());
    await webhook(h, person.id);
    const dm = await h.double.waitForPost({ to: DANA });
    await h.settle();
    fub.fail({ method: 'PUT', path: 'people/', status: 403 });
    await click(h, dm, 'offer_claim');
    expect(query(h.dbPath, "select count(*) as n from outbox where status = 'dead'")).toEqual([{ n: 1 }]);
    expect(fub.people.get(person.id)).toMatchObject({ assignedUserId: null, stage: 'Lead' });
    await click(h, dm, 'task_contacted');
    expect(fub.people.get(person.id)).toMatchObject({ assignedUserId: DANA_FUB, stage: 'Contacted' });
    h.server.engine.kick();
    const note = await h.double.waitForPost({ to: LEADERS });
    // A refusal dies on its first try, and the note says so in English.
    expect(h.double.allText(note)).toContain('setting the assigned agent and stage failed after 1 try.');

    expect(outboxCli(h, ['retry', '--all-dead'])).toMatch(/^sent again: #\d+\n$/);
    // The CLI stamps the item due at the real time; the app's test clock is behind it.
    h.clock.set(new Date(Date.now() + 1000));
    await h.server.engine.outbox.runOnce();
    expect(query(h.dbPath, "select count(*) as n from outbox where status != 'delivered'")).toEqual([
      { n: 0 },
    ]);
    expect(fub.people.get(person.id)).toMatchObject({ assignedUserId: DANA_FUB, stage: 'Contacted' });
    // The leaders' note no longer says "not updated" with a Retry button.
    h.server.engine.kick();
    const updated = await h.double.waitForUpdate(note, 'sent again');
    expect(h.double.allText(updated)).toContain('Sent again with `lead-dispatch outbox retry`');
    expect(h.double.buttons(updated).map((b) => b.text)).toEqual(['Timeline']);
  });
});

describe('Follow Up Boss write-back: the claimer is found in FUB by their exact email only', () => {
  const h = useHarness({ config: fubConfig(), env: fubEnv(() => fub) });

  it('a FUB search answering near matches assigns nobody else; the leaders are told there is no such user', async () => {
    // Marco has no FUB user; FUB's search answers with Dana's.
    fub.looseUserSearch = true;
    try {
      const person = addPerson(nextPhone(), '78704');
      await webhook(h, person.id);
      const dm = await h.double.waitForPost({ to: MARCO });
      await h.settle();
      await click(h, dm, 'offer_claim', MARCO);
      expect(fub.people.get(person.id)?.assignedUserId).toBeNull();
      h.server.engine.kick();
      const note = await h.double.waitForPost({ to: LEADERS });
      expect(h.double.allText(note)).toContain(
        'no Follow Up Boss user has the email dispatch.yml gives agent U0MARCO01',
      );
      expect(query(h.dbPath, 'select user_id from crm_users')).toEqual([]);
    } finally {
      fub.looseUserSearch = false;
    }
  });
});
