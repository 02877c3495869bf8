import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { query } from '../support/db.js';
import { freePort } from '../support/free-port.js';
import { JANE, useHarness, zillowLead } from '../support/harness.js';
import { replyConfig, replyEnv, TEAM_NUMBER } from '../support/reply-config.js';
import { startSmtpServer } from '../support/smtp-server.js';
import { TwilioDouble } from '../support/twilio-double.js';

let clockOf: () => Date = () => new Date();
const twilio = await TwilioDouble.start({ numbers: [TEAM_NUMBER], now: () => clockOf() });
const smtp = await startSmtpServer();
const port = await freePort();
afterAll(async () => {
  await twilio.close();
  await smtp.close();
});

/**
 * Found by the chaos suite (chaos/, fault `disk-full`): a text Twilio accepted while the disk was
 * too full to record it was taken for one Twilio never sent, and sent again once there was room.
 */
describe('a text Twilio accepted while the database was full', () => {
  const { config } = replyConfig();
  const h = useHarness({
    config,
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

  it('is adopted once the disk has room again, and the lead gets one text', async () => {
    const sqlite = h.server.ctx.db.$client;
    // The disk fills at the moment the app records what Twilio answered: the `replied` event
    // brings a write the file has no room for, a real SQLITE_FULL.
    sqlite.exec('create table disk_filler (b blob)');
    sqlite.exec(`create trigger fill_disk before insert on events when new.kind = 'replied'
                 begin insert into disk_filler values (zeroblob(4000000)); end`);
    const roomy = Number(sqlite.pragma('max_page_count', { simple: true }));
    sqlite.pragma(`max_page_count = ${Number(sqlite.pragma('page_count', { simple: true })) + 50}`);

    const res = await h.postLead(zillowLead({ source: 'idx_form', ...JANE }));
    const { id: taskId } = (await res.json()) as { id: number };
    await h.settle();
    await h.server.engine.outbox.runOnce();
    await h.settle();
    expect(twilio.messages).toHaveLength(1);

    sqlite.exec('drop trigger fill_disk');
    sqlite.pragma(`max_page_count = ${roomy}`);
    h.clock.advance('1m');
    await h.server.engine.outbox.runOnce();
    await h.settle();
    h.double.markAllSeen();

    expect(twilio.messages).toHaveLength(1);
    expect(
      query(
        h.dbPath,
        "select status, provider_id from lead_replies where task_id = ? and channel = 'sms'",
        taskId,
      ),
    ).toEqual([{ status: 'queued', provider_id: twilio.messages[0]?.sid }]);
  });
});
