import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fubConfig, fubEnv } from '../support/fub-config.js';
import { FubDouble } from '../support/fub-double.js';
import { useHarness } from '../support/harness.js';
import { DANA, IVY, LEE } from '../support/team.js';

let fub: FubDouble;
const DANA_FUB = 41;
const IVY_FUB = 42;

beforeAll(async () => {
  fub = await FubDouble.start();
  fub.addUser({ id: DANA_FUB, name: 'Dana Reyes', email: 'dana@lakeside.example' });
  fub.addUser({ id: IVY_FUB, name: 'Ivy Chen', email: 'ivy@lakeside.example' });
});
afterAll(() => fub.stop());

describe('a reassigned lead claimed by its new agent is written back like any claim', () => {
  const h = useHarness({ config: fubConfig(), env: fubEnv(() => fub) });

  it('Follow Up Boss ends up assigned to the new owner, with a claim note naming them', async () => {
    const person = fub.addPerson({
      firstName: 'Jordan',
      lastName: 'Avery',
      source: 'Zillow',
      phones: [{ value: '(512) 555-7001' }],
      addresses: [{ code: '78701' }],
    });
    const body = fub.webhookBody('peopleCreated', [person.id], h.clock.now());
    expect((await fub.sendWebhook(`${h.baseUrl}/crm/followupboss`, body)).status).toBe(202);
    const dana = await h.double.waitForPost({ to: DANA });
    await h.slack.clickButton({ user: DANA, message: dana, actionId: 'offer_claim' });
    await h.double.waitForUpdate(dana, 'Claimed by you');
    await h.settle();
    expect(fub.people.get(person.id)?.assignedUserId).toBe(DANA_FUB);

    await h.slack.slashCommand({
      user: LEE,
      command: '/dispatch',
      text: `reassign #1 <@${IVY}> Dana is sick`,
    });
    await h.double.waitForEphemeral({ user: LEE });
    const ivy = await h.double.waitForPost({ to: IVY });
    await h.double.waitForUpdate(dana, 'Lee Walker reassigned it to Ivy Chen');
    h.clock.advance('1m');
    await h.slack.clickButton({ user: IVY, message: ivy, actionId: 'offer_claim' });
    await h.double.waitForUpdate(ivy, 'Claimed by you');
    await h.settle();
    expect(fub.people.get(person.id)?.assignedUserId).toBe(IVY_FUB);
    expect(
      fub.notes
        .filter((n) => n.personId === person.id)
        .map((n) => n.body.split('\n')[0]?.replace(/, .*$/, '')),
    ).toEqual(['Claimed in Slack by Dana Reyes', 'Claimed in Slack by Ivy Chen']);
  });
});
