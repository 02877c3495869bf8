/**
 * Every statement the app runs on its hot paths must find its rows through an index, or it slows
 * down with the size of the history (100,000 tasks take a full scan from microseconds to tens of
 * milliseconds, on every lead or every sweep). Rather than copy the queries here, where they would
 * drift from the code, this records every statement the real app prepares (with the values it
 * binds) while it takes leads, offers, claims, merges repeats, runs its timers, escalates and
 * publishes an App Home, and then asks SQLite for the plan of each.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDispatchConfig } from '../../src/config/load-dispatch.js';
import { migrateDatabase, openDatabase } from '../../src/db/connection.js';
import { reportCommand } from '../../src/reports/cli.js';
import { readLeadFacts } from '../../src/reports/facts-store.js';
import { readLeads } from '../../src/reports/read.js';
import { simulateCommand } from '../../src/simulate/command.js';
import { fubConfig, fubEnv } from '../support/fub-config.js';
import { FubDouble } from '../support/fub-double.js';
import { JANE, LEADERS, startHarness, zillowLead } from '../support/harness.js';
import { DANA, IVY, LEE, MARCO, PRIYA } from '../support/team.js';
import { WEBHOOK_SECRET, WEBHOOK_SECRET_ENV, webhookConfig } from '../support/webhook-config.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

/** Tables that grow with history: a full scan of one is a bug on a hot path. */
const BIG_TABLES = [
  'tasks',
  'offers',
  'events',
  'escalations',
  'task_views',
  'notifications',
  'outbox',
  'crm_events',
  'pond_posts',
];

/**
 * Partial indexes that only hold rows still in flight (a live offer, a message not yet rendered, a
 * held task, an open escalation, a running contact timer): walking one costs what is outstanding
 * now, which stays small however long the history, so a SCAN through one of these is allowed.
 */
const IN_FLIGHT_INDEXES = new Set([
  'offers_one_live_per_task',
  'offers_live_deadline',
  'offers_live_agent',
  'offers_pending_render',
  'escalations_pending_render',
  'escalations_one_open_per_task',
  'escalations_open_announced',
  'task_views_pending_render',
  'notifications_pending_render',
  'outbox_due',
  'outbox_task_order',
  // Dead outbox items wait for a person and leave it when retried; /healthz counting them is the alarm.
  'outbox_dead',
  'tasks_held',
  'tasks_contact_due',
  // Leads waiting in a pond, and pond posts behind their row.
  'pond_posts_open_remind',
  'pond_posts_open_escalate',
  'pond_posts_pending_render',
]);

/**
 * An index lookup can walk as much as a scan: `tasks_status` for a state tasks end in holds nearly
 * every task ever received, so a plan that finds 'claimed' (or 'escalated', 'merged') rows through
 * it is treated as the scan it is.
 */
const TERMINAL_STATUSES = new Set(['claimed', 'escalated', 'merged']);

interface Recorded {
  sql: string;
  params: unknown[];
  /** Whether one prepared statement with this text ran more than once (it was prepared once and kept). */
  reused: boolean;
}

/** Records each distinct statement and the first values bound to it, by wrapping better-sqlite3's prepare. */
function recordStatements(): { recorded: Map<string, Recorded>; stop(): void } {
  const recorded = new Map<string, Recorded>();
  const proto = Database.prototype;
  const original = proto.prepare;
  proto.prepare = function prepare(this: Database.Database, source: string) {
    const statement = original.call(this, source);
    let runs = 0;
    for (const method of ['run', 'get', 'all', 'iterate'] as const) {
      const call = statement[method].bind(statement) as (...params: unknown[]) => unknown;
      Object.defineProperty(statement, method, {
        value: (...params: unknown[]) => {
          runs++;
          const seen = recorded.get(source);
          if (!seen) recorded.set(source, { sql: source, params, reused: false });
          else if (runs > 1) seen.reused = true;
          return call(...params);
        },
      });
    }
    return statement;
  } as typeof original;
  return {
    recorded,
    stop() {
      proto.prepare = original;
    },
  };
}

/**
 * Statements kept and run again that bind their LIMIT. SQLite (3.48 on) reads a bound LIMIT while
 * planning, so each run that binds it compiles the statement again: 25–300 µs, several times a lead.
 */
function boundLimits(statements: Iterable<Recorded>): string[] {
  return [...statements].filter((s) => s.reused && /\blimit\s+[?@:$]/i.test(s.sql)).map((s) => s.sql);
}

/** The plan lines of each statement that walks a big table other than through an in-flight index. */
function scansOf(db: Database.Database, statements: Iterable<Recorded>): string[] {
  const problems: string[] = [];
  for (const { sql, params } of statements) {
    // A plain `insert … values` walks nothing; the child-table scans its plan lists are foreign-key
    // checks SQLite skips at run time unless a deferred violation is pending (OP_FkIfZero).
    if (!/^\s*(select|update|delete|with)\b/i.test(sql)) continue;
    const plan = db.prepare(`explain query plan ${sql}`).all(...params) as Array<{ detail: string }>;
    for (const { detail } of plan) {
      const byStatus = /^SEARCH tasks USING (?:COVERING )?INDEX tasks_status\b/.test(detail);
      if (byStatus && params.some((p) => typeof p === 'string' && TERMINAL_STATUSES.has(p))) {
        problems.push(`${detail} (for a terminal status)\n    in: ${sql}`);
        continue;
      }
      const scan = /^SCAN (\w+)(?: AS \w+)?(?: USING (?:COVERING )?INDEX (\w+))?/.exec(detail);
      if (!scan?.[1] || !BIG_TABLES.includes(scan[1])) continue;
      if (scan[2] && IN_FLIGHT_INDEXES.has(scan[2])) continue;
      problems.push(`${detail}\n    in: ${sql}`);
    }
  }
  return problems;
}

/** The index names migration 0005 (scale indexes) creates. */
function scaleIndexNames(): string[] {
  const migrations = join(import.meta.dirname, '../../migrations');
  const journal = JSON.parse(readFileSync(join(migrations, 'meta/_journal.json'), 'utf8')) as {
    entries: Array<{ tag: string }>;
  };
  const tag = journal.entries.find((e) => e.tag.endsWith('_scale_indexes'))?.tag;
  if (!tag) throw new Error('no scale_indexes migration in the journal');
  const ddl = readFileSync(join(migrations, `${tag}.sql`), 'utf8');
  return [...ddl.matchAll(/CREATE INDEX `(\w+)`/g)].flatMap((m) => (m[1] ? [m[1]] : []));
}

describe('query plans of the hot statements', () => {
  let statements: Recorded[] = [];
  let db: Database.Database;

  beforeAll(async () => {
    const h = await startHarness();
    // From here on: the migrations the harness ran at start are not hot statements.
    const recorder = recordStatements();
    try {
      // The engine prepares its statements once, when it is built: build it again under the recorder.
      await h.restart();
      // Dana watches her App Home, so every sweep renders it (her offers, her claims, her week).
      await h.slack.sendEvent({ type: 'app_home_opened', user: DANA, tab: 'home', channel: 'D0HOME' });
      await h.double.waitFor(() => h.double.callsTo('views.publish').length > 0);

      // A lead, offered to Dana and claimed: intake, routing with caps, the offer DM with its history.
      await h.postLead(zillowLead(JANE));
      const dm = await h.double.waitForPost({ to: DANA });
      await h.slack.clickButton({ user: DANA, message: dm, actionId: 'offer_claim' });
      await h.double.waitForUpdate(dm, 'Claimed by you');

      // The same person again: the duplicate lookup by phone and email, merged into Dana's lead.
      await h.postLead(zillowLead({ ...JANE, source: 'realtor.com' }));
      await h.double.waitForPost({ to: DANA, textIncludes: 'again' });

      // An offer that lapses moves on: the due-query of the sweeper, then the next candidate.
      await h.postLead(zillowLead());
      await h.double.waitForPost({ to: PRIYA });
      await h.settle();
      h.clock.advance('6m');
      await h.server.sweeper.runOnce();
      await h.double.waitForPost({ to: IVY });

      // A first-to-claim broadcast claimed by one member: the pool's offers on every Home.
      await h.postLead(zillowLead({ tags: ['open_house'] }));
      const copy = await h.double.waitForPost({ to: MARCO });
      await h.settle();
      await h.slack.clickButton({ user: MARCO, message: copy, actionId: 'offer_claim' });
      await h.double.waitForUpdate(copy, 'Claimed by you');

      // Dana's contact timer: a reminder, then the leaders; then the escalation is announced again.
      await h.settle();
      h.clock.advance('10m');
      await h.server.sweeper.runOnce();
      await h.double.waitForPost({ to: DANA, textIncludes: 'Reminder' });
      await h.settle();
      h.clock.advance('16m');
      await h.server.sweeper.runOnce();
      const post = await h.double.waitForPost({ to: LEADERS });
      await h.settle();
      h.clock.advance('1h');
      await h.server.sweeper.runOnce();
      await h.double.waitForPost({ to: LEADERS, thread: true });
      await h.slack.clickButton({ user: LEE, message: post, actionId: 'escalation_take' });
      await h.double.waitForUpdate(post, 'took it');
      await h.server.sweeper.runOnce();
      await h.settle();
      statements = [...recorder.recorded.values()];
    } finally {
      recorder.stop();
      await h.close().catch(() => undefined);
    }
    // The harness removed its file; plans only need the schema, so migrate a fresh one in memory.
    // No ANALYZE statistics either way: the planner assumes big tables, as on a long-lived database.
    const migrated = openDatabase(':memory:');
    migrateDatabase(migrated);
    db = migrated.$client;
  }, 60_000);

  afterAll(() => db.close());

  it('ran every kind of hot statement the check is about', () => {
    const sqls = statements.map((s) => s.sql);
    const ran = (pattern: RegExp) => sqls.some((sql) => pattern.test(sql));
    const expected: Record<string, RegExp> = {
      'repeats of a task (offer DM)': /"duplicate_of" = \?/,
      'caps: claims today': /"claimed_at" >= \?/,
      'caps and timers: claims awaiting contact': /"contact_due_at" (<=|is not null)/i,
      'App Home: leads owned': /"owner_id" = \?/,
      'App Home and claims: first-to-claim pools': /json_each/,
      'duplicates: same phone': /"phone" = \?/,
      'duplicates: same email': /"email" = \?/,
      'offers past their deadline': /"deadline" <= \?/,
      'open escalations': /from "escalations".*"resolved_at" is null/i,
      'Slack sync: offers to post': /from offers\s+where rendered_version < version and dm_ts is null/,
      'Slack sync: messages to update':
        /from task_views\s+where rendered_version < version and ts is not null/,
      'outbox: items due': /from outbox o\s+where status = 'pending' and next_attempt_at <= \?/,
    };
    const missing = Object.entries(expected).flatMap(([what, pattern]) => (ran(pattern) ? [] : [what]));
    expect(missing).toEqual([]);
  });

  it('none of them scans a table that grows with history', () => {
    expect(scansOf(db, statements)).toEqual([]);
  });

  it('none of those run again binds its LIMIT (each run would compile the statement again)', () => {
    expect(statements.filter((s) => s.reused).length).toBeGreaterThan(20);
    expect(boundLimits(statements)).toEqual([]);
  });

  it('would fail without the scale indexes (the check can see a scan)', () => {
    const names = scaleIndexNames();
    expect(names.length).toBeGreaterThan(0);
    db.exec('savepoint without_scale_indexes');
    try {
      for (const name of names) db.exec(`drop index ${name}`);
      const scans = scansOf(db, statements).join('\n');
      for (const needle of ['duplicate_of', 'claimed_at', 'contact_due_at', 'json_each'])
        expect(scans).toContain(needle);
    } finally {
      db.exec('rollback to without_scale_indexes');
      db.exec('release without_scale_indexes');
    }
  });
});

describe('query plans of the Follow Up Boss statements', () => {
  let statements: Recorded[] = [];
  let db: Database.Database;

  beforeAll(async () => {
    const fub = await FubDouble.start();
    fub.addUser({ id: 41, name: 'Dana Reyes', email: 'dana@lakeside.example' });
    const h = await startHarness({ config: fubConfig({ task_on_claim: true }), env: fubEnv(() => fub) });
    const recorder = recordStatements();
    try {
      await h.restart();
      // Webhook in, the person fetched into a task, a second event for the same person, a claim
      // written back (user lookup, note, task), one write that dies, /healthz, and a retry.
      const person = fub.addPerson({
        source: 'Zillow',
        phones: [{ value: '(512) 555-0177' }],
        addresses: [{ code: '78701' }],
      });
      const url = `${h.baseUrl}/crm/followupboss`;
      await fub.sendWebhook(url, fub.webhookBody('peopleCreated', [person.id], h.clock.now()));
      const dm = await h.double.waitForPost({ to: DANA });
      await fub.sendWebhook(url, fub.webhookBody('peopleTagsCreated', [person.id], h.clock.now()));
      await h.settle();
      fub.fail({ method: 'POST', path: 'tasks', status: 500, times: 10 });
      await h.slack.clickButton({ user: DANA, message: dm, actionId: 'offer_claim' });
      await h.double.waitForUpdate(dm, 'Claimed by you');
      for (let i = 0; i < 10; i++) {
        h.clock.advance('2h');
        await h.server.engine.outbox.runOnce();
      }
      await fetch(`${h.baseUrl}/healthz`);
      h.server.engine.kick();
      const note = await h.double.waitForPost({ to: LEADERS });
      await h.slack.clickButton({ user: LEE, message: note, actionId: 'outbox_retry' });
      await h.double.waitForEphemeral({ user: LEE });
      await h.settle();
      statements = [...recorder.recorded.values()];
    } finally {
      recorder.stop();
      await h.close().catch(() => undefined);
      await fub.stop();
    }
    const migrated = openDatabase(':memory:');
    migrateDatabase(migrated);
    db = migrated.$client;
  }, 60_000);

  afterAll(() => db.close());

  it('ran the FUB statements', () => {
    const sqls = statements.map((s) => s.sql);
    const expected: Record<string, RegExp> = {
      'task by FUB person': /"crm_person" = \?/,
      'webhook stored once': /insert into "crm_events"/,
      'FUB user cache': /from "crm_users"/,
      'dead items by topic': /where status = 'dead' group by 1/,
      'failure note re-rendered on retry': /update "notifications" set "version"/,
      'retry of a dead item': /update "outbox" set .*"status" = \?/,
    };
    expect(
      Object.entries(expected).flatMap(([what, re]) => (sqls.some((s) => re.test(s)) ? [] : [what])),
    ).toEqual([]);
  });

  it('none of them scans a table that grows with history', () => {
    expect(scansOf(db, statements)).toEqual([]);
  });

  it('none of those run again binds its LIMIT', () => {
    expect(statements.some((s) => s.reused)).toBe(true);
    expect(boundLimits(statements)).toEqual([]);
  });
});

describe('query plans of the outbound webhook statements', () => {
  let statements: Recorded[] = [];
  let db: Database.Database;

  beforeAll(async () => {
    const receiver = await WebhookReceiver.start(WEBHOOK_SECRET);
    const { config } = webhookConfig([
      { name: 'zapier', url: receiver.url, events: ['all'], secret_env: WEBHOOK_SECRET_ENV },
    ]);
    const h = await startHarness({ config, secrets: { [WEBHOOK_SECRET_ENV]: WEBHOOK_SECRET } });
    const recorder = recordStatements();
    try {
      // The feeder prepares its statements (and sets new cursors) when the engine is built.
      await h.restart();
      // A lead offered and claimed: the feeder reads the events after its cursor, the task and
      // the agent of each, queues the items; the outbox delivers them, one refused and retried.
      receiver.mode = { kind: 'status', status: 503 };
      await h.postLead(zillowLead());
      const dm = await h.double.waitForPost({ to: DANA });
      await h.settle();
      await h.slack.clickButton({ user: DANA, message: dm, actionId: 'offer_claim' });
      await h.double.waitForUpdate(dm, 'Claimed by you');
      await h.server.engine.webhooks.runOnce();
      await h.server.engine.outbox.runOnce();
      await fetch(`${h.baseUrl}/healthz`);
      receiver.mode = { kind: 'up' };
      h.clock.advance('5s');
      await h.server.engine.outbox.runOnce();
      await h.settle();
      statements = [...recorder.recorded.values()];
    } finally {
      recorder.stop();
      await h.close().catch(() => undefined);
      await receiver.stop();
    }
    const migrated = openDatabase(':memory:');
    migrateDatabase(migrated);
    db = migrated.$client;
  }, 60_000);

  afterAll(() => db.close());

  it('ran the webhook statements', () => {
    const sqls = statements.map((s) => s.sql);
    const expected: Record<string, RegExp> = {
      'events after the cursor': /from events where id > \?/,
      'newest event for a new cursor': /max\(id\).* from events/,
      'cursor read': /from webhook_cursors where name = \?/,
      'cursor moved': /insert into webhook_cursors/,
      'task of an event': /from tasks where id = \?/,
      '/healthz: failing webhooks': /where status = 'pending' and next_attempt_at >= 0 and topic = \?/,
    };
    expect(
      Object.entries(expected).flatMap(([what, re]) => (sqls.some((s) => re.test(s)) ? [] : [what])),
    ).toEqual([]);
  });

  it('none of them scans a table that grows with history', () => {
    expect(scansOf(db, statements)).toEqual([]);
  });

  it('none of those run again binds its LIMIT', () => {
    expect(statements.some((s) => s.reused)).toBe(true);
    expect(boundLimits(statements)).toEqual([]);
  });

  it('reads events by their primary key', () => {
    const after = statements.find((s) => /from events where id > \?/.test(s.sql));
    if (!after) throw new Error('the cursor query did not run');
    const plan = db.prepare(`explain query plan ${after.sql}`).all(...after.params) as Array<{
      detail: string;
    }>;
    expect(plan.map((p) => p.detail)).toEqual(['SEARCH events USING INTEGER PRIMARY KEY (rowid>?)']);
  });
});

describe('query plans of the report statements', () => {
  let statements: Recorded[] = [];
  let db: Database.Database;

  beforeAll(async () => {
    const h = await startHarness();
    const recorder = recordStatements();
    try {
      // A lead offered and claimed, one that lapses; then every view of the figures reads them:
      // the report command, /dispatch stats, a leader's App Home, the what-if replay.
      await h.postLead(zillowLead());
      const dm = await h.double.waitForPost({ to: DANA });
      await h.settle();
      await h.slack.clickButton({ user: DANA, message: dm, actionId: 'offer_claim' });
      await h.double.waitForUpdate(dm, 'Claimed by you');
      await h.slack.slashCommand({ user: LEE, command: '/dispatch', text: 'stats 30d' });
      await h.double.waitForEphemeral({ user: LEE });
      await h.slack.sendEvent({ type: 'app_home_opened', user: LEE, tab: 'home', channel: 'D0HOME' });
      await h.double.waitFor(() => h.double.views.some((v) => v.userId === LEE));
      const io = { env: { DATABASE_PATH: h.dbPath }, out: () => undefined, err: () => undefined };
      const config = join(import.meta.dirname, '../../dispatch.example.yml');
      reportCommand(['--config', config, '--by', 'source'], io, h.clock.now());
      simulateCommand(['--config', config, '--since', '7d'], '', io, h.clock.now());
      // The whole-period read a report falls back on when the indexer is far behind.
      const reader = new Database(h.dbPath, { readonly: true });
      readLeads(reader, new Date(0), new Date(h.clock.now().getTime() + 1));
      // The leads one by one from their stored facts, as the digest's chart reads them.
      readLeadFacts(reader, new Date(0), new Date(h.clock.now().getTime() + 1));
      reader.close();
      await h.settle();
      h.double.markAllSeen();
      statements = [...recorder.recorded.values()];
    } finally {
      recorder.stop();
      await h.close().catch(() => undefined);
    }
    const migrated = openDatabase(':memory:');
    migrateDatabase(migrated);
    db = migrated.$client;
  }, 60_000);

  afterAll(() => db.close());

  const planOf = (re: RegExp) => {
    const found = statements.find((s) => re.test(s.sql));
    if (!found) throw new Error(`no statement matching ${re}`);
    const plan = db.prepare(`explain query plan ${found.sql}`).all(...found.params) as Array<{
      detail: string;
    }>;
    return plan.map((p) => p.detail);
  };

  it('none of them scans a table that grows with history', () => {
    expect(statements.length).toBeGreaterThan(5);
    expect(scansOf(db, statements)).toEqual([]);
  });

  it('reads a period one row a lead: the task by tasks_report, its report facts by key', () => {
    expect(planOf(/left join report_facts/)).toEqual([
      'SEARCH t USING COVERING INDEX tasks_report (created_at>? AND created_at<?)',
      'SEARCH f USING INTEGER PRIMARY KEY (rowid=?) LEFT-JOIN',
    ]);
    expect(planOf(/select distinct task_id from events where id >/)).toEqual(
      expect.arrayContaining(['SEARCH events USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)']),
    );
    expect(planOf(/where task_id in \(select value from json_each/)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^SEARCH events USING INDEX events_task \(task_id=\?\)/),
      ]),
    );
  });

  it('adds up the indexed leads in SQL: one range read of tasks_report a period, their facts by key', () => {
    // A period's leads counted by shape: the covering index's range, the facts by key; the leads
    // with events newer than the indexer's cursor are one list, looked up once a lead.
    const period = (subquery: number) => [
      'SEARCH t USING COVERING INDEX tasks_report (created_at>? AND created_at<?)',
      `LIST SUBQUERY ${subquery}`,
      'SCAN json_each VIRTUAL TABLE INDEX 1:',
      'CREATE BLOOM FILTER',
    ];
    expect(planOf(/group by 2$/)).toEqual([
      ...period(2),
      'SEARCH f USING INTEGER PRIMARY KEY (rowid=?)',
      'USE TEMP B-TREE FOR GROUP BY',
      // A lead's intake notes, read only when it has some.
      'CORRELATED SCALAR SUBQUERY 1',
      'SCAN json_each VIRTUAL TABLE INDEX 1:',
    ]);
    expect(planOf(/group_concat\(f\.hold_ms\)[\s\S]*created_at < @until\s*$/)).toEqual([
      'SEARCH t USING COVERING INDEX tasks_report (created_at>? AND created_at<?)',
      'SEARCH f USING INTEGER PRIMARY KEY (rowid=?) LEFT-JOIN',
      'LIST SUBQUERY 1',
      'SCAN json_each VIRTUAL TABLE INDEX 1:',
      'CREATE BLOOM FILTER',
    ]);
    expect(planOf(/join report_agent_facts a/)).toEqual([
      ...period(1),
      'SEARCH a USING PRIMARY KEY (task_id=?)',
      'USE TEMP B-TREE FOR GROUP BY',
    ]);
    // The leads a report reduces on the spot: their rows by primary key.
    expect(planOf(/from tasks t where t\.id in \(select value from json_each/)).toEqual([
      'SEARCH t USING INTEGER PRIMARY KEY (rowid=?)',
      'LIST SUBQUERY 1',
      'SCAN json_each VIRTUAL TABLE INDEX 1:',
    ]);
  });

  it('the whole-period fallback reads through the covering report indexes, never the wide rows', () => {
    expect(planOf(/json_group_array\(json_array\(id, source/)).toEqual([
      'SEARCH tasks USING COVERING INDEX tasks_report (created_at>? AND created_at<?)',
    ]);
    expect(planOf(/from events indexed by events_report/)).toEqual(
      expect.arrayContaining(['SEARCH events USING COVERING INDEX events_report (id>?)']),
    );
    expect(planOf(/min\(id\) from events indexed by events_task/)).toEqual([
      'SEARCH events USING COVERING INDEX events_task (task_id=?)',
    ]);
  });
});

describe('query plans of the pond and idle-lead statements', () => {
  let statements: Recorded[] = [];
  let db: Database.Database;
  const POND = 'C0POND0001';

  beforeAll(async () => {
    const config = parseDispatchConfig(`
team: { name: Pond, timezone: America/Chicago, leaders_channel: ${LEADERS}, caps: { per_day: 5 } }
sources: { zillow: buyer_lead }
agents:
  - { id: ${DANA}, name: Dana Reyes, roles: [buyer_agent] }
  - { id: ${PRIYA}, name: Priya Shah, roles: [buyer_agent] }
  - { id: ${LEE}, name: Lee Walker, roles: [team_leader] }
rules:
  - name: buyers
    assign: { strategy: agent, agent: ${DANA} }
    sla: 5m
    contact_sla: { within: 30m, clock: business_hours, then: next }
    fallback: [{ agent: ${PRIYA} }]
    pond: { channel: ${POND}, remind_every: 30m, escalate_after: 2h }
`);
    const h = await startHarness({ config, channels: [POND] });
    const recorder = recordStatements();
    try {
      await h.restart();
      // Dana claims and lets it idle: it moves on to Priya.
      await h.postLead(zillowLead());
      const dm = await h.double.waitForPost({ to: DANA });
      await h.slack.clickButton({ user: DANA, message: dm, actionId: 'offer_claim' });
      await h.double.waitForUpdate(dm, 'Claimed by you');
      await h.settle();
      for (const step of ['30m', '30m']) {
        h.clock.advance(step);
        await h.server.sweeper.runOnce();
        await h.settle();
      }
      // Priya lets the offer lapse: the pond, its reminder, its age, a claim from it.
      await h.double.waitForPost({ to: PRIYA });
      await h.settle();
      h.clock.advance('5m');
      await h.server.sweeper.runOnce();
      const post = await h.double.waitForPost({ to: POND });
      await h.settle();
      for (const step of ['30m', '1h30m']) {
        h.clock.advance(step);
        await h.server.sweeper.runOnce();
        await h.settle();
      }
      await h.double.waitForPost({ to: LEADERS });
      await h.slack.clickButton({ user: PRIYA, message: post, actionId: 'offer_claim' });
      await h.double.waitFor(() => h.double.messages.filter((m) => m.user === PRIYA).length === 2);
      await h.settle();
      statements = [...recorder.recorded.values()];
    } finally {
      recorder.stop();
      await h.close().catch(() => undefined);
    }
    const migrated = openDatabase(':memory:');
    migrateDatabase(migrated);
    db = migrated.$client;
  }, 60_000);

  afterAll(() => db.close());

  it('ran the pond and idle-lead statements', () => {
    const sqls = statements.map((s) => s.sql);
    const expected: Record<string, RegExp> = {
      'ponds to remind': /from "pond_posts" where .*"remind_at" <= \?/,
      'ponds to escalate': /from "pond_posts" where .*"escalate_at" <= \?/,
      'pond posts to post': /from pond_posts\s+where rendered_version < version and ts is null/,
      "a task's earlier pond": /from "offers" where .*"pond" = \?/,
      'idle claims due': /"contact_due_at" <= \?/,
    };
    expect(
      Object.entries(expected).flatMap(([what, re]) => (sqls.some((s) => re.test(s)) ? [] : [what])),
    ).toEqual([]);
  });

  it('none of them scans a table that grows with history', () => {
    expect(scansOf(db, statements)).toEqual([]);
  });

  it('none of those run again binds its LIMIT', () => {
    expect(statements.some((s) => s.reused)).toBe(true);
    expect(boundLimits(statements)).toEqual([]);
  });
});
