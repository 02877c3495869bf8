import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { query } from '../support/db.js';
import { fubConfig, fubEnv, sendFubWebhook } from '../support/fub-config.js';
import { type DoublePerson, FubDouble } from '../support/fub-double.js';
import { type Harness, LEADERS, useHarness } from '../support/harness.js';
import { DANA, MARCO } from '../support/team.js';

/** Which FUB people become tasks, and as what: the cases a new user met in review. */

let fub: FubDouble;
let made = 0;

function addPerson(extra: Partial<DoublePerson> = {}): DoublePerson {
  const n = made++;
  return fub.addPerson({
    firstName: 'Robin',
    lastName: 'Hale',
    phones: [{ value: `(512) 555-${String(4000 + n).padStart(4, '0')}` }],
    addresses: [{ street: '4 Oak St', city: 'Austin', state: 'TX', code: '78701' }],
    ...extra,
  });
}

const send = (h: Harness, event: string, ids: number[]) => sendFubWebhook(fub, h, event, ids).res;

const tasksNow = (h: Harness) =>
  query(h.dbPath, 'select id, source, type, status, manual_review, crm_person from tasks order by id');

beforeAll(async () => {
  fub = await FubDouble.start();
});
afterAll(() => fub.stop());
beforeEach(() => {
  fub.calls.length = 0;
});

describe('Follow Up Boss people whose source is not in sources:', () => {
  const pondRule = {
    name: 'fub-buyers-pond',
    match: { tags: ['pond:Buyers'] },
    assign: { strategy: 'agent', agent: MARCO },
    sla: '5m',
  };
  const h = useHarness({
    config: fubConfig({ ponds: { '3': 'Buyers' } }, [pondRule]),
    env: fubEnv(() => fub),
  });

  it('a pond-3 person from "Open House Sheet" is routed by the pond rule, as the default type', async () => {
    const person = addPerson({ source: 'Open House Sheet', assignedPondId: 3 });
    expect((await send(h, 'peopleCreated', [person.id])).status).toBe(202);
    const dm = await h.double.waitForPost({ to: MARCO });
    expect(h.double.allText(dm)).toContain('fub-buyers-pond');
    await h.settle();
    expect(tasksNow(h)).toEqual([
      expect.objectContaining({ source: 'open house sheet', type: 'buyer_lead', manual_review: 0 }),
    ]);
  });

  it('a person with no source is dispatched as a buyer lead, not sent to manual review', async () => {
    const person = addPerson();
    expect((await send(h, 'peopleCreated', [person.id])).status).toBe(202);
    await h.double.waitForPost({ to: DANA });
    await h.settle();
    expect(tasksNow(h)).toEqual([
      expect.objectContaining({
        source: 'follow up boss',
        type: 'buyer_lead',
        status: 'offered',
        manual_review: 0,
      }),
    ]);
  });
});

describe('Follow Up Boss people created long ago', () => {
  const h = useHarness({ config: fubConfig({ default_type: 'seller_lead' }), env: fubEnv(() => fub) });

  it('a 2023 contact tagged "Newsletter" makes no task; the webhook row says why', async () => {
    const person = addPerson({ source: 'Zillow', tags: ['Newsletter'], created: '2023-03-14T10:00:00Z' });
    expect((await send(h, 'peopleTagsCreated', [person.id])).status).toBe(202);
    await h.settle();
    expect(tasksNow(h)).toEqual([]);
    expect(query(h.dbPath, 'select outcome from crm_events')).toEqual([
      {
        outcome: `person ${person.id}: left, created in Follow Up Boss 2023-03-14T10:00:00.000Z, before crm.followupboss.new_person_window`,
      },
    ]);
    expect(h.double.messages).toEqual([]);
  });

  it('a person created this morning and tagged now is a lead; peopleCreated is one whatever its date', async () => {
    const today = addPerson({
      source: 'Zillow',
      created: new Date(h.clock.now().getTime() - 3 * 3600_000).toISOString(),
    });
    expect((await send(h, 'peopleTagsCreated', [today.id])).status).toBe(202);
    await h.double.waitForPost({ to: DANA });
    const old = addPerson({ source: 'Web Form', created: '2023-03-14T10:00:00Z' });
    expect((await send(h, 'peopleCreated', [old.id])).status).toBe(202);
    await h.settle();
    // Web Form is a seller lead by the sources map: the map wins over default_type.
    expect(tasksNow(h)).toEqual([
      expect.objectContaining({ crm_person: `fub:${today.id}`, type: 'buyer_lead' }),
      expect.objectContaining({ crm_person: `fub:${old.id}`, type: 'seller_lead' }),
    ]);
  });
});

describe('Follow Up Boss people FUB never gives us', () => {
  const h = useHarness({ config: fubConfig(), env: fubEnv(() => fub) });

  it('/healthz counts their dead fetches under fub:fetch, not one entry per person', async () => {
    // No such people in FUB: 404s, parked at once.
    expect((await send(h, 'peopleCreated', [990_101, 990_102])).status).toBe(202);
    await h.settle();
    const health = (await (await fetch(`${h.baseUrl}/healthz`)).json()) as { outbox: unknown };
    expect(health.outbox).toMatchObject({ dead: 2, deadByTopic: { 'fub:fetch': 2 } });
    // Each is still a lead for the leaders (the subject of followupboss-in.test.ts).
    await h.server.sweeper.runOnce();
    await h.double.waitForPost({ to: LEADERS, textIncludes: '990101' });
    await h.double.waitForPost({ to: LEADERS, textIncludes: '990102' });
  });
});
