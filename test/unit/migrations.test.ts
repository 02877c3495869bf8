import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase } from '../../src/db/connection.js';
import { readTaskEvents } from '../../src/dispatch/events.js';
import { silentLogger } from '../../src/log.js';
import { indexReportFacts } from '../../src/reports/facts-store.js';

const MIGRATIONS = join(import.meta.dirname, '../../migrations');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lead-dispatch-migrations-'));
  dirs.push(dir);
  return dir;
}

/**
 * A database migrated up to, not including, the first migration whose tag passes `isTarget`: the
 * schema older rows were written under. Found by name, since the lead renumbers on merge.
 */
function databaseBefore(isTarget: (tag: string) => boolean) {
  const dir = tempDir();
  cpSync(MIGRATIONS, join(dir, 'before'), { recursive: true });
  const journalPath = join(dir, 'before/meta/_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: Array<{ tag: string }> };
  const upTo = journal.entries.findIndex((e) => isTarget(e.tag));
  expect(upTo).toBeGreaterThan(0);
  writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, upTo) }));
  const db = openDatabase(join(dir, 'dispatch.db'));
  migrate(db, { migrationsFolder: join(dir, 'before') });
  return db;
}

describe('migrations', () => {
  it('0004 rebuilds offers around existing offers and the events that point at them', () => {
    const dir = tempDir();
    // The migrations as they were before 0004, applied to a database holding a live offer.
    cpSync(MIGRATIONS, join(dir, 'before'), { recursive: true });
    const journalPath = join(dir, 'before/meta/_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: Array<{ tag: string }> };
    const upTo = journal.entries.findIndex((e) => e.tag.startsWith('0004'));
    writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, upTo) }));
    const db = openDatabase(join(dir, 'dispatch.db'));
    migrate(db, { migrationsFolder: join(dir, 'before') });
    db.$client.exec(`
      insert into agents (id, name, roles, zips, synced_at) values ('U0DANA001', 'Dana', '[]', '[]', 0);
      insert into tasks (source, external_id, type, status, payload, received_at, created_at)
        values ('zillow', 'z-1', 'buyer_lead', 'offered', '{}', 0, 0);
      insert into offers (task_id, agent_id, position, status, reason, offered_at, deadline)
        values (1, 'U0DANA001', 0, 'live', 'round robin', 0, 300000);
      update tasks set live_offer_id = 1 where id = 1;
      insert into events (task_id, offer_id, kind, actor, at) values (1, 1, 'offered', 'system', 0);
    `);

    migrateDatabase(db);

    const client = db.$client;
    expect(client.prepare('select id, agent_id, pool, status from offers').all()).toEqual([
      { id: 1, agent_id: 'U0DANA001', pool: null, status: 'live' },
    ]);
    expect(client.prepare('select offer_id from events').all()).toEqual([{ offer_id: 1 }]);
    expect(client.pragma('foreign_key_check')).toEqual([]);
    expect(client.pragma('foreign_keys', { simple: true })).toBe(1);
    // A new offer keeps counting from where the old table left off.
    client.exec(
      "insert into offers (task_id, agent_id, position, status, reason, offered_at, deadline) values (1, 'U0DANA001', 1, 'expired', 'x', 0, 0)",
    );
    expect(client.prepare('select max(id) as id from offers').get()).toEqual({ id: 2 });
    client.close();
  });

  it('the triggers that keep watchers’ and broadcast copies current exist, and fire on a change', () => {
    const db = openDatabase(join(tempDir(), 'dispatch.db'));
    migrateDatabase(db);
    const client = db.$client;
    // drizzle-kit does not know triggers: a future table rebuild could drop them silently.
    const triggers = client
      .prepare("select name from sqlite_master where type = 'trigger' order by name")
      .all()
      .map((r) => (r as { name: string }).name);
    expect(triggers).toEqual([
      'escalations_follow_lead_replies',
      'offers_follow_lead_replies',
      'report_facts_deleted',
      'task_views_follow_offer',
      'task_views_follow_task',
      'tasks_first_dm',
      'tasks_first_dm_inserted',
    ]);
    client.exec(`
      insert into tasks (source, external_id, type, status, payload, received_at, created_at)
        values ('dotloop', 'd-1', 'contract_milestone', 'received', '{}', 0, 0);
      insert into task_views (task_id, kind, recipient, via, created_at) values (1, 'watcher', 'U0LEE0001', 'cc', 0);
      update tasks set status = 'escalated' where id = 1;
      update tasks set message = 'no bump for fields the copies do not show' where id = 1;
    `);
    expect(client.prepare('select version from task_views').get()).toEqual({ version: 2 });
    client.close();
  });

  it("a task's first DM time follows its offers' DMs: the earliest one Slack confirmed", () => {
    const db = openDatabase(join(tempDir(), 'dispatch.db'));
    migrateDatabase(db);
    const client = db.$client;
    client.exec(`
      insert into tasks (source, external_id, type, status, payload, received_at, created_at)
        values ('zillow', 'z-1', 'buyer_lead', 'offered', '{}', 0, 0);
      insert into agents (id, name, roles, zips, synced_at) values ('U0DANA001', 'Dana', '[]', '[]', 0);
      insert into offers (task_id, agent_id, position, status, reason, offered_at, deadline)
        values (1, 'U0DANA001', 0, 'live', 'first', 0, 300000);
      insert into offers (task_id, agent_id, position, status, reason, offered_at, deadline, dm_posted_at)
        values (1, 'U0DANA001', 1, 'expired', 'next', 0, 300000, 9000);
    `);
    const firstDm = () => client.prepare('select first_dm_at from tasks').pluck().get();
    expect(firstDm()).toBe(9000);
    client.exec('update offers set dm_posted_at = 2000 where id = 1');
    expect(firstDm()).toBe(2000);
    client.exec('update offers set dm_posted_at = 5000 where id = 1');
    expect(firstDm()).toBe(2000);
    client.close();
  });

  it("a reply to the lead changing state re-renders the task's latest offer DM, and only that one", () => {
    const db = openDatabase(join(tempDir(), 'dispatch.db'));
    migrateDatabase(db);
    const client = db.$client;
    client.exec(`
      insert into agents (id, name, roles, zips, synced_at) values ('U0DANA001', 'Dana', '[]', '[]', 0);
      insert into tasks (source, external_id, type, status, payload, received_at, created_at)
        values ('zillow', 'z-1', 'buyer_lead', 'offered', '{}', 0, 0);
      insert into offers (task_id, agent_id, position, status, reason, offered_at, deadline)
        values (1, 'U0DANA001', 0, 'passed', 'round robin', 0, 0), (1, 'U0DANA001', 1, 'live', 'backup', 0, 0);
      insert into lead_replies (task_id, channel, rule, "trigger", address, created_at)
        values (1, 'sms', 'portal', 'arrival', '+15125550142', 0);
      update lead_replies set status = 'queued' where id = 1;
      update lead_replies set provider_id = 'SM1' where id = 1;
    `);
    expect(client.prepare('select id, version from offers order by id').all()).toEqual([
      { id: 1, version: 1 },
      { id: 2, version: 2 },
    ]);
    client.close();
  });

  it('message_attempts_and_outbox keeps sent reminders sent and pending ones due, and adds the outbox', () => {
    const db = databaseBefore((tag) => tag.endsWith('_message_attempts_and_outbox'));
    db.$client.exec(`
      insert into tasks (source, external_id, type, status, payload, received_at, created_at)
        values ('zillow', 'z-1', 'buyer_lead', 'escalated', '{}', 0, 0);
      insert into notifications (task_id, kind, recipient, thread_ts, created_at, sent_at, ts) values
        (1, 'escalation_reminder', 'C0LEADERS1', '1.000100', 0, 1000, '2.000100'),
        (1, 'escalation_reminder', 'C0LEADERS1', '1.000100', 0, null, null);
    `);

    migrateDatabase(db);

    expect(
      db.$client
        .prepare(
          'select id, version, rendered_version, post_attempt_at, channel from notifications order by id',
        )
        .all(),
    ).toEqual([
      { id: 1, version: 1, rendered_version: 1, post_attempt_at: null, channel: null },
      { id: 2, version: 1, rendered_version: 0, post_attempt_at: null, channel: null },
    ]);
    for (const table of ['offers', 'escalations', 'task_views']) {
      const columns = db.$client.prepare(`select name from pragma_table_info('${table}')`).all();
      expect(columns, table).toContainEqual({ name: 'post_attempt_at' });
    }
    expect(db.$client.prepare('select count(*) as n from outbox').get()).toEqual({ n: 0 });
    db.$client.close();
  });

  it('report_agent_facts: the leads reduced before it are reduced again, with their agents as rows', () => {
    const db = databaseBefore((tag) => tag.endsWith('_report_agent_facts'));
    const dana = 'U0DANA001';
    db.$client.exec(`
      insert into tasks (source, external_id, type, status, payload, received_at, created_at)
        values ('zillow', 'z-1', 'buyer_lead', 'claimed', '{}', 0, 0);
      insert into agents (id, name, roles, zips, synced_at) values ('${dana}', 'Dana', '[]', '[]', 0);
      insert into offers (task_id, agent_id, position, status, reason, offered_at, deadline)
        values (1, '${dana}', 0, 'claimed', 'round robin', 0, 300000);
      insert into events (task_id, offer_id, kind, actor, at, detail) values
        (1, null, 'received', 'system', 0, '{}'),
        (1, 1, 'offered', 'system', 0, '{"agentId":"${dana}","position":0,"deadline":"1970-01-01T00:05:00.000Z"}'),
        (1, 1, 'claimed', '${dana}', 30000, '{}');
      insert into report_facts (task_id, rules_offers, first_offer_hit, claimed_in_chain, passes, lapses,
        reassigned, misassigned_passes, agents) values (1, 1, 1, 1, 0, 0, 0, 0, '${dana},1,1,0,0,0,30000');
      insert into report_cursor (id, last_event_id) values (1, 3);
    `);

    migrateDatabase(db);

    // A report reads the events until the indexer has been through them again.
    expect(db.$client.prepare('select count(*) as n from report_facts').get()).toEqual({ n: 0 });
    expect(db.$client.prepare('select count(*) as n from report_cursor').get()).toEqual({ n: 0 });
    expect(indexReportFacts(db.$client, 500)).toBe(3);
    expect(db.$client.prepare('select * from report_agent_facts').all()).toEqual([
      {
        task_id: 1,
        agent_id: dana,
        offers: 1,
        claims: 1,
        passes: 0,
        misassigned_passes: 0,
        lapses: 0,
        first_offers: 1,
        claim_ms: '30000',
      },
    ]);
    // A lead's agent rows go with its facts, so a report can read them without a join.
    db.$client.exec('delete from report_facts');
    expect(db.$client.prepare('select count(*) as n from report_agent_facts').get()).toEqual({ n: 0 });
    db.$client.close();
  });

  it('typed_events brings older events to their kind’s shape, from the rows they point at', () => {
    const db = databaseBefore((tag) => tag.endsWith('_typed_events'));
    const [dana, ivy] = ['U0DANA001', 'U0IVY0001'];
    db.$client.exec(`
      insert into agents (id, name, roles, zips, synced_at) values ('${dana}', 'Dana', '[]', '[]', 0), ('${ivy}', 'Ivy', '[]', '[]', 0);
      insert into tasks (source, external_id, type, status, payload, received_at, created_at)
        values ('zillow', 'z-1', 'buyer_lead', 'escalated', '{}', 0, 0);
      insert into offers (task_id, agent_id, position, status, reason, offered_at, deadline)
        values (1, '${dana}', 0, 'expired', 'round robin', 0, 300000);
      insert into offers (task_id, agent_id, pool, position, status, reason, offered_at, deadline)
        values (1, null, '["${dana}","${ivy}"]', 1, 'expired', 'first to claim', 300000, 600500);
      insert into escalations (task_id, reason, created_at) values (1, 'nobody in its chain claimed it in time', 700000);
      insert into events (task_id, offer_id, kind, actor, at, detail) values
        (1, null, 'received', 'system', 0, '{}'),
        (1, 1, 'offered', 'system', 0, '{"agentId":"${dana}","position":0,"reason":"round robin"}'),
        (1, 1, 'expired', 'system', 300000, '{"agentId":"${dana}"}'),
        (1, 2, 'offered', 'system', 300000, '{}'),
        (1, 2, 'expired', 'system', 600500, '{"agentId":null}'),
        (1, null, 'escalated', 'system', 700000, '{"reason":"nobody in its chain claimed it in time","manualReview":false}'),
        (1, null, 'snoozed', 'system', 800000, '{}'),
        (1, 1, 'offered', 'system', 900000, 'not json');
    `);

    migrateDatabase(db);

    const read = readTaskEvents(db, 1, silentLogger);
    expect(read.map((r) => (r.ok ? r.event.detail : r.unreadable.kind))).toEqual([
      { source: 'zillow' },
      { agentId: dana, position: 0, reason: 'round robin', deadline: '1970-01-01T00:05:00.000Z' },
      { agentId: dana },
      { pool: [dana, ivy], position: 1, reason: 'first to claim', deadline: '1970-01-01T00:10:00.500Z' },
      { pool: [dana, ivy] },
      { reason: 'nobody in its chain claimed it in time', manualReview: false, escalationId: 1 },
      // What cannot be read stays as it was, for the timeline's generic line, and did not stop the start.
      'snoozed',
      'offered',
    ]);
    expect(db.$client.prepare('select detail from events where id = 8').get()).toEqual({
      detail: 'not json',
    });
    db.$client.close();
  });
});
