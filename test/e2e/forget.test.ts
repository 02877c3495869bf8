import Database from 'better-sqlite3';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { forgetCommand } from '../../src/privacy/forget-cli.js';
import { buildReport } from '../../src/reports/report.js';
import { query } from '../support/db.js';
import { freePort } from '../support/free-port.js';
import { type Harness, useHarness, zillowLead } from '../support/harness.js';
import { replyConfig, replyEnv, TEAM_NUMBER } from '../support/reply-config.js';
import { startSmtpServer } from '../support/smtp-server.js';
import { TwilioDouble } from '../support/twilio-double.js';
import { WEBHOOK_SECRET, WEBHOOK_SECRET_ENV } from '../support/webhook-config.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

let clockOf: () => Date = () => new Date();
const twilio = await TwilioDouble.start({ numbers: [TEAM_NUMBER], now: () => clockOf() });
const smtp = await startSmtpServer();
const receiver = await WebhookReceiver.start(WEBHOOK_SECRET);
const port = await freePort();
afterAll(async () => {
  await twilio.close();
  await smtp.close();
  await receiver.stop();
});

/** One person, written down in as many ways as a lead's details reach us. */
const ZEPH = {
  firstName: 'Zephyrine',
  lastName: 'Quixote',
  email: 'Zeph.Quixote@Example.com',
  phone: '(512) 555-0142',
  address: { street: '12 Elm St', city: 'Austin', state: 'TX', zip: '78701' },
  message: 'Call Zephyrine on 512.555.0142 about the yard',
};
const ZEPH_E164 = '+15125550142';
/** What must be nowhere in the database once Zephyrine is forgotten (the opt-out aside). */
const TRACES = [
  'zephyrine',
  'quixote',
  'zeph.quixote@example.com',
  '555-0142',
  '5550142',
  '555.0142',
  '12 elm st',
  'fenced',
];

/** Every text column of every table holding one of `needles`, as `table.column`. */
function tracesIn(dbPath: string, needles: string[]): string[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    const found: string[] = [];
    const tables = db
      .prepare<[], string>("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'")
      .pluck()
      .all();
    for (const table of tables) {
      const columns = db.prepare(`pragma table_info(${table})`).all() as Array<{ name: string }>;
      for (const { name } of columns)
        for (const needle of needles) {
          const hit = db
            .prepare(`select 1 from "${table}" where instr(lower(cast("${name}" as text)), ?) > 0 limit 1`)
            .get(needle);
          if (hit) found.push(`${table}.${name}: ${needle}`);
        }
    }
    return found;
  } finally {
    db.close();
  }
}

async function post(h: Harness, lead: Record<string, unknown>): Promise<number> {
  const res = await h.postLead(lead);
  expect(res.status).toBeLessThan(300);
  return ((await res.json()) as { id: number }).id;
}

async function deliver(h: Harness): Promise<void> {
  await h.settle();
  await h.server.engine.outbox.runOnce();
  await h.settle();
}

function forget(h: Harness, ...args: string[]) {
  let out = '';
  let err = '';
  const code = forgetCommand(
    args,
    { env: { DATABASE_PATH: h.dbPath }, out: (t) => (out += t), err: (t) => (err += t) },
    h.clock.now(),
  );
  return { code, out, err };
}

describe('lead-dispatch forget', () => {
  const { config } = replyConfig((doc) => {
    doc.webhooks = [{ name: 'zapier', url: receiver.url, events: ['all'], secret_env: WEBHOOK_SECRET_ENV }];
  });
  const h = useHarness({
    config,
    secrets: { [WEBHOOK_SECRET_ENV]: WEBHOOK_SECRET },
    env: replyEnv(
      () => twilio.url,
      () => smtp.url,
      port,
    ),
  });
  beforeEach(() => {
    clockOf = () => h.clock.now();
    twilio.reset();
    smtp.reset();
  });

  it("removes one person's details from every task, event, reply, note and delivery; the report does not move", async () => {
    // Zephyrine arrives by the web form (texted and emailed back), claims happen, she texts back
    // and then STOP, and arrives again from Zillow (a repeat, merged); Bob is someone else.
    const first = await post(h, zillowLead({ source: 'idx_form', externalId: 'web-1', ...ZEPH }));
    const dm = await h.double.waitForPost({ textIncludes: 'Zephyrine' });
    await h.slack.clickButton({ user: dm.user ?? '', message: dm, actionId: 'offer_claim' });
    await deliver(h);
    const inbound = (body: string) =>
      twilio.inbound({ from: ZEPH_E164, to: TEAM_NUMBER, body }, `http://127.0.0.1:${port}/twilio/inbound`);
    expect((await inbound('Is the yard fenced? Zephyrine')).status).toBe(200);
    await deliver(h);
    expect((await inbound('STOP')).status).toBe(200);
    h.clock.advance('1h');
    const repeat = await post(
      h,
      zillowLead({
        externalId: 'zillow-zeph',
        ...ZEPH,
        phone: '+1 512 555 0142',
        // Sent twice in two spellings: the second is kept in an intake note, as sent.
        email: [ZEPH.email, 'zeph.quixote@example.com'],
      }),
    );
    const bob = await post(
      h,
      zillowLead({
        firstName: 'Bob',
        lastName: 'Other',
        email: 'bob@example.com',
        address: { street: '9 Oak Ave', city: 'Austin', state: 'TX', zip: '78701' },
      }),
    );
    await deliver(h);
    await h.server.sweeper.runOnce();
    await deliver(h);
    h.double.markAllSeen();
    // Where her details were before (what the check after forget would catch if left).
    const places = new Set(tracesIn(h.dbPath, TRACES).map((t) => t.split(':')[0]));
    expect([...places].sort()).toEqual([
      'lead_replies.address',
      'notifications.text',
      'outbox.payload',
      'sms_opt_outs.phone',
      'tasks.email',
      'tasks.first_name',
      'tasks.intake_notes',
      'tasks.last_name',
      'tasks.message',
      'tasks.payload',
      'tasks.phone',
      'tasks.street',
    ]);

    const since = new Date('2026-11-25T06:00:00Z');
    const until = new Date('2026-11-26T06:00:00Z');
    const report = () => buildReport(h.server.ctx.db.$client, h.server.ctx.config, since, until, 'source');
    const before = report();
    expect(before.figures.leads).toBe(2);

    // Run as an operator would, while the app runs, with the number written another way.
    const forgotten = forget(h, '512-555-0142');
    expect(forgotten.err).toBe('');
    expect(forgotten.code).toBe(0);
    const [done, kept] = forgotten.out.split('\n');
    expect(done).toMatch(
      /^removed the contact details of \+15125550142 from 2 tasks and \d+ events \(2 details_removed events recorded\)$/,
    );
    expect(kept).toBe(
      'kept: +15125550142 texted STOP, and its opt-out stays so it is never texted again (the number alone)',
    );

    // Nothing of hers is left but the opt-out's number; Bob's lead is untouched.
    expect(tracesIn(h.dbPath, TRACES)).toEqual(['sms_opt_outs.phone: 5550142']);
    expect(query(h.dbPath, 'select first_name, email, city, zip from tasks where id = ?', bob)).toEqual([
      { first_name: 'Bob', email: 'bob@example.com', city: 'Austin', zip: '78701' },
    ]);
    for (const id of [first, repeat])
      expect(
        query(
          h.dbPath,
          "select actor, detail from events where task_id = ? and kind = 'details_removed'",
          id,
        ),
      ).toEqual([{ actor: 'cli', detail: '{"reason":"request"}' }]);
    expect(query(h.dbPath, 'select payload from tasks where id = ?', first)).toEqual([
      {
        payload: JSON.stringify({
          type: 'buyer_lead',
          zip: '78701',
          city: 'Austin',
          state: 'TX',
          price: 450000,
        }),
      },
    ]);

    // The figures are exactly what they were.
    expect(report()).toEqual(before);

    // Her offer DM in Slack is re-rendered without her.
    await h.server.sweeper.runOnce();
    await h.settle();
    const updated = await h.double.waitForUpdate(dm, 'Contact details removed');
    expect(h.double.allText(updated)).not.toContain('Zephyrine');
    h.double.markAllSeen();

    // Asked again: nothing left to change.
    expect(forget(h, 'ZEPH.QUIXOTE@example.com').out).toBe(
      'no task holds zeph.quixote@example.com: nothing changed\n',
    );
  });

  it('refuses what is neither a phone number nor an email, with the usage and an example', () => {
    const res = forget(h, 'call', 'me');
    expect(res.code).toBe(2);
    expect(res.err).toContain('"call me" is neither a phone number nor an email address');
    expect(res.err).toContain('lead-dispatch forget "(512) 555-0142"');
  });
});
