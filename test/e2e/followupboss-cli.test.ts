import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fubCommand } from '../../src/crm/fub/cli.js';
import { verifyFubSignature } from '../../src/crm/fub/signature.js';
import { outboxCommand } from '../../src/engine/outbox/cli.js';
import { query } from '../support/db.js';
import { fubConfig, fubEnv } from '../support/fub-config.js';
import { FUB_API_KEY, FUB_SYSTEM, FUB_SYSTEM_KEY, FubDouble } from '../support/fub-double.js';
import { useHarness } from '../support/harness.js';
import { DANA } from '../support/team.js';

let fub: FubDouble;
beforeAll(async () => {
  fub = await FubDouble.start();
  fub.addUser({ id: 41, name: 'Dana Reyes', email: 'dana@lakeside.example' });
});
afterAll(() => fub.stop());

/** Runs a command as the CLI would, capturing what it prints. */
async function run(
  command: (args: string[], io: never) => number | Promise<number>,
  args: string[],
  env: NodeJS.ProcessEnv,
) {
  let out = '';
  let err = '';
  const io = { env, out: (t: string) => (out += t), err: (t: string) => (err += t) };
  const code = await command(args, io as never);
  return { code, out, err };
}

const fubKeys = () => ({
  FUB_API_KEY,
  FUB_SYSTEM,
  FUB_SYSTEM_KEY,
  FUB_API_URL: fub.apiUrl,
  DISPATCH_CONFIG: '/nonexistent/dispatch.yml',
});

describe('lead-dispatch fub', () => {
  it('register-webhooks adds each needed event once: a second run lists them and adds nothing', async () => {
    const url = 'https://dispatch.example.com/crm/followupboss';
    const first = await run(fubCommand, ['register-webhooks', '--url', url], fubKeys());
    expect(first).toMatchObject({ code: 0, err: '' });
    expect(first.out).toContain('registered peopleCreated → https://dispatch.example.com/crm/followupboss');
    const second = await run(fubCommand, ['register-webhooks', '--url', url], fubKeys());
    expect(second.out).toBe(`every event is already registered for ${url}; nothing to do\n`);
    expect(fub.webhooks.map((w) => [w.event, w.url])).toEqual([
      ['peopleCreated', url],
      ['peopleTagsCreated', url],
    ]);
    expect(fub.callsTo('GET', 'webhooks')).toHaveLength(2);
  });

  it('register-webhooks refuses an http URL and says which keys are missing', async () => {
    expect((await run(fubCommand, ['register-webhooks', '--url', 'http://x/crm'], fubKeys())).code).toBe(2);
    const noKeys = await run(fubCommand, ['register-webhooks', '--url', 'https://x/crm'], {});
    expect(noKeys.err).toBe('set FUB_API_KEY, FUB_SYSTEM, FUB_SYSTEM_KEY (in .env or the environment)\n');
  });

  it('register-webhooks says only the account owner can manage webhooks on a 401/403, not on a network error', async () => {
    const url = 'https://dispatch.example.com/crm/followupboss';
    fub.fail({ method: 'GET', path: 'webhooks', status: 403 });
    const refused = await run(fubCommand, ['register-webhooks', '--url', url], fubKeys());
    expect(refused).toMatchObject({ code: 1 });
    expect(refused.err).toBe(
      'Follow Up Boss refused GET webhooks with 403 (only the account owner can manage webhooks)\n',
    );
    fub.fail({ method: 'GET', path: 'webhooks', status: 502 });
    const down = await run(fubCommand, ['register-webhooks', '--url', url], fubKeys());
    expect(down.err).toBe('Follow Up Boss answered 502 to GET webhooks\n');
    const unreachable = await run(fubCommand, ['register-webhooks', '--url', url], {
      ...fubKeys(),
      FUB_API_URL: 'http://127.0.0.1:9/v1/',
    });
    expect(unreachable.err).toBe('Follow Up Boss could not be reached for GET webhooks\n');
  });

  it('sample-webhook prints a curl line to the PORT the app listens on', async () => {
    const { out } = await run(fubCommand, ['sample-webhook', '--person', '77'], {
      ...fubKeys(),
      PORT: '4123',
    });
    expect(out).toContain('curl -X POST http://localhost:4123/crm/followupboss ');
  });

  it('sample-webhook prints a body signed as FUB signs it', async () => {
    const { code, out } = await run(fubCommand, ['sample-webhook', '--person', '77'], fubKeys());
    expect(code).toBe(0);
    const [body = '', header = ''] = out.split('\n');
    expect(JSON.parse(body)).toMatchObject({ event: 'peopleCreated', resourceIds: [77] });
    expect(verifyFubSignature(body, header.replace('FUB-Signature: ', ''), FUB_SYSTEM_KEY)).toBe(true);
  });
});

describe('lead-dispatch fub sample-webhook --send, and outbox retry, against the running app', () => {
  const h = useHarness({ config: fubConfig(), env: fubEnv(() => fub) });

  it('a sent sample becomes a lead; a dead write-back is sent again by outbox retry', async () => {
    const person = fub.addPerson({
      source: 'Zillow',
      phones: [{ value: '(512) 555-0161' }],
      addresses: [{ code: '78701' }],
    });
    const sent = await run(
      fubCommand,
      [
        'sample-webhook',
        '--person',
        String(person.id),
        '--send',
        `${h.baseUrl}/crm/followupboss`,
        '--created',
        h.clock.now().toISOString(),
      ],
      fubKeys(),
    );
    expect(sent.out).toMatch(/^202 \{"id":\d+\}/);
    const dm = await h.double.waitForPost({ to: DANA });
    fub.fail({ method: 'PUT', path: 'people/', status: 400 });
    await h.slack.clickButton({ user: DANA, message: dm, actionId: 'offer_claim' });
    await h.double.waitForUpdate(dm);
    await h.settle();
    expect(query(h.dbPath, "select topic, last_error from outbox where status = 'dead'")).toEqual([
      { topic: 'crm:followupboss', last_error: 'Follow Up Boss refused PUT people/{id} with 400' },
    ]);
    h.double.markAllSeen(); // the leaders' note is the subject of followupboss-out.test.ts
    const listed = await run(outboxCommand, ['list'], { DATABASE_PATH: h.dbPath });
    expect(listed.out).toMatch(/^#\d+ {2}crm:followupboss {2}task 1 {2}1 tries/);
    const retried = await run(outboxCommand, ['retry', '--all-dead'], { DATABASE_PATH: h.dbPath });
    expect(retried.out).toMatch(/^sent again: #\d+\n$/);
    // The CLI stamps the item due at the real time; the app's test clock is days behind it.
    h.clock.set(new Date(Date.now() + 1000));
    await h.server.engine.outbox.runOnce();
    expect(fub.people.get(person.id)?.assignedUserId).toBe(41);
  });
});
