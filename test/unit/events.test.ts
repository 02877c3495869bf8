import { describe, expect, it } from 'vitest';
import { type EventKind, parseEvent } from '../../src/core/events.js';
import { migrateDatabase, openDatabase } from '../../src/db/connection.js';
import { events } from '../../src/db/schema.js';
import { type NewEvent, readEvent, readTaskEvents, recordEvent } from '../../src/dispatch/events.js';
import { type Logger, silentLogger } from '../../src/log.js';
import { renderTimeline } from '../../src/slack/blocks/timeline.js';

const DANA = 'U0DANA001';
const IVY = 'U0IVY0001';
const LEE = 'U0LEE0001';
const at = new Date('2026-11-30T16:40:00.000Z');

/**
 * One event of every kind, as the use cases record them. Typed per kind, so a kind added to
 * core/events.ts without an example here fails to compile.
 */
const EXAMPLES: { [K in EventKind]: Extract<NewEvent, { kind: K }> } = {
  received: { taskId: 1, kind: 'received', at, detail: { source: 'zillow' } },
  duplicate: { taskId: 1, kind: 'duplicate', at, detail: { source: 'zillow', externalId: 'z-1' } },
  classified: {
    taskId: 1,
    kind: 'classified',
    at,
    detail: { type: 'buyer_lead', why: 'type given by the sender' },
  },
  routed: {
    taskId: 1,
    kind: 'routed',
    at,
    detail: {
      rule: 'portal-buyer-lead',
      chain: [
        { agentId: DANA, reason: 'round robin' },
        { pool: [DANA, IVY], channel: 'C0LEADS01', reason: 'first to claim' },
      ],
      watchers: [{ recipient: LEE, via: 'cc' }],
    },
  },
  clock_restarted: {
    taskId: 1,
    offerId: 1,
    kind: 'clock_restarted',
    at,
    detail: { deadline: '2026-11-30T16:50:00.000Z', heldUpSeconds: 42 },
  },
  offered: {
    taskId: 1,
    offerId: 1,
    kind: 'offered',
    at,
    detail: { agentId: DANA, position: 0, reason: 'round robin', deadline: '2026-11-30T16:45:00.000Z' },
  },
  skipped: {
    taskId: 1,
    kind: 'skipped',
    at,
    detail: { pool: [DANA, IVY], why: 'nobody in the pool is available' },
  },
  claimed: { taskId: 1, offerId: 1, kind: 'claimed', actor: DANA, at },
  passed: { taskId: 1, offerId: 1, kind: 'passed', actor: DANA, at, detail: { reason: 'wrong_area' } },
  delivery_failed: {
    taskId: 1,
    offerId: 1,
    kind: 'delivery_failed',
    at,
    detail: { error: 'account_inactive', agentId: DANA },
  },
  expired: { taskId: 1, offerId: 1, kind: 'expired', at, detail: { pool: [DANA, IVY] } },
  pass_reason: {
    taskId: 1,
    offerId: 1,
    kind: 'pass_reason',
    actor: DANA,
    at,
    detail: { reason: 'price_point' },
  },
  escalated: {
    taskId: 1,
    kind: 'escalated',
    at,
    detail: { reason: 'nobody in its chain claimed it in time', manualReview: false, escalationId: 1 },
  },
  reannounced: { taskId: 1, kind: 'reannounced', at, detail: { escalationId: 1 } },
  assigned: { taskId: 1, kind: 'assigned', actor: LEE, at, detail: { assignee: IVY } },
  taken: { taskId: 1, offerId: 1, kind: 'taken', actor: LEE, at },
  returned: { taskId: 1, kind: 'returned', actor: LEE, at },
  reassigned: {
    taskId: 1,
    offerId: 1,
    kind: 'reassigned',
    actor: LEE,
    at,
    detail: { to: IVY, from: DANA, reason: 'Dana is out sick' },
  },
  handed_off: { taskId: 1, offerId: 1, kind: 'handed_off', actor: DANA, at, detail: { to: null } },
  contact_reminded: { taskId: 1, kind: 'contact_reminded', at, detail: { ownerId: DANA } },
  contacted: { taskId: 1, kind: 'contacted', actor: DANA, at },
  withdrawn: { taskId: 1, offerId: 1, kind: 'withdrawn', actor: LEE, at, detail: { agentId: DANA } },
  held: { taskId: 1, kind: 'held', at, detail: { until: '2026-12-01T13:00:00.000Z', waitingFor: [IVY] } },
  released: { taskId: 1, kind: 'released', at },
  merged: { taskId: 1, kind: 'merged', at, detail: { into: 2, matchedOn: 'phone' } },
  duplicate_contact: {
    taskId: 1,
    kind: 'duplicate_contact',
    at,
    detail: { taskId: 2, source: 'realtor.com', matchedOn: 'email' },
  },
  crm_write_failed: {
    taskId: 1,
    kind: 'crm_write_failed',
    at,
    detail: { system: 'Follow Up Boss', action: 'note', outboxId: 3, error: 'FUB answered 500' },
  },
  outbox_retried: {
    taskId: 1,
    kind: 'outbox_retried',
    actor: 'cli',
    at,
    detail: { outboxId: 3, topic: 'crm:followupboss' },
  },
  reply_waiting: {
    taskId: 1,
    kind: 'reply_waiting',
    at,
    detail: { channel: 'sms', until: '2026-12-01T14:00:00.000Z', zone: 'America/Chicago' },
  },
  replied: { taskId: 1, kind: 'replied', at, detail: { channel: 'sms', replyId: 1, agentId: DANA } },
  reply_status: {
    taskId: 1,
    kind: 'reply_status',
    at,
    detail: { channel: 'sms', status: 'undeliverable', reason: '30006' },
  },
  reply_skipped: { taskId: 1, kind: 'reply_skipped', at, detail: { channel: 'email', reason: 'no_email' } },
  opted_out: { taskId: 1, kind: 'opted_out', at, detail: { keyword: 'STOP' } },
  opted_in: { taskId: 1, kind: 'opted_in', at, detail: { keyword: 'START' } },
  lead_texted: { taskId: 1, kind: 'lead_texted', at, detail: { shownTo: DANA } },
  pond_reminded: { taskId: 1, kind: 'pond_reminded', at, detail: { pondId: 3 } },
  idle_moved: { taskId: 1, kind: 'idle_moved', at, detail: { ownerId: DANA } },
  details_removed: { taskId: 1, kind: 'details_removed', at, detail: { reason: 'retention' } },
};

/** A migrated database holding the task, offer and escalation the examples point at. */
function database() {
  const db = openDatabase(':memory:');
  migrateDatabase(db);
  db.$client.exec(`
    insert into agents (id, name, roles, zips, synced_at) values ('${DANA}', 'Dana Reyes', '[]', '[]', 0);
    insert into tasks (source, external_id, type, status, payload, received_at, created_at)
      values ('zillow', 'z-1', 'buyer_lead', 'offered', '{}', 0, 0);
    insert into offers (task_id, agent_id, position, status, reason, offered_at, deadline)
      values (1, '${DANA}', 0, 'live', 'round robin', 0, 300000);
  `);
  return db;
}

function spyLogger(): Logger & { warnings: Array<Record<string, unknown> | undefined> } {
  const warnings: Array<Record<string, unknown> | undefined> = [];
  return { ...silentLogger, warn: (_message, fields) => warnings.push(fields), warnings };
}

describe('typed events', () => {
  it('every kind round-trips: recorded, then read back as the same typed event', () => {
    const db = database();
    const kinds = Object.keys(EXAMPLES) as EventKind[];
    for (const kind of kinds) recordEvent(db, EXAMPLES[kind]);
    const history = readTaskEvents(db, 1, silentLogger);
    expect(history.map((r) => (r.ok ? r.event.kind : r.unreadable))).toEqual(kinds);
    for (const [i, read] of history.entries()) {
      if (!read.ok)
        throw new Error(`event ${read.unreadable.kind} did not read back: ${read.unreadable.problem}`);
      const example = EXAMPLES[read.event.kind];
      expect(read.event).toEqual({
        id: i + 1,
        taskId: example.taskId,
        offerId: example.offerId ?? null,
        kind: example.kind,
        actor: example.actor ?? 'system',
        at,
        detail: example.detail ?? {},
      });
    }
  });

  it('the compiler refuses a detail that does not belong to its kind', () => {
    const db = database();
    const refused = () => {
      // @ts-expect-error offered needs its deadline
      recordEvent(db, {
        taskId: 1,
        kind: 'offered',
        at,
        detail: { agentId: DANA, position: 0, reason: 'x' },
      });
      // @ts-expect-error assigned says `assignee`, not `agentId`
      recordEvent(db, { taskId: 1, kind: 'assigned', at, detail: { agentId: DANA } });
      // @ts-expect-error received has no `why`
      recordEvent(db, { taskId: 1, kind: 'received', at, detail: { source: 'zillow', why: 'x' } });
      // @ts-expect-error escalated's detail is required
      recordEvent(db, { taskId: 1, kind: 'escalated', at });
      // @ts-expect-error claimed carries nothing in its detail: the claimer is the actor
      recordEvent(db, { taskId: 1, kind: 'claimed', at, detail: { agentId: DANA } });
      // @ts-expect-error merged matches on phone or email only
      recordEvent(db, { taskId: 1, kind: 'merged', at, detail: { into: 2, matchedOn: 'name' } });
      // @ts-expect-error held's until is an ISO string, as stored, not a Date
      recordEvent(db, { taskId: 1, kind: 'held', at, detail: { until: at, waitingFor: [] } });
      // @ts-expect-error a kind nobody defined
      recordEvent(db, { taskId: 1, kind: 'snoozed', at });
    };
    // Only the types are under test: none of the refused calls may reach the table.
    expect(typeof refused).toBe('function');
    expect(db.select().from(events).all()).toEqual([]);
  });

  it('a row of an unknown kind or a malformed detail reads as unreadable, logged once, never thrown', () => {
    const head = { taskId: 1, offerId: null, actor: 'system', at };
    const unknownKind = { ...head, id: 901, kind: 'snoozed', detail: {} };
    const badDetail = { ...head, id: 902, kind: 'offered', detail: { agentId: 7 } };
    const log = spyLogger();
    for (const row of [unknownKind, badDetail, unknownKind, badDetail])
      expect(readEvent(row, log).ok).toBe(false);
    expect(log.warnings).toEqual([
      expect.objectContaining({ eventId: 901, kind: 'snoozed', problem: 'unknown kind "snoozed"' }),
      expect.objectContaining({ eventId: 902, kind: 'offered' }),
    ]);
    // zod's words for what is wrong, for the operator reading the log.
    const read = parseEvent(badDetail);
    expect(read.ok ? undefined : read.unreadable.problem).toMatch(/invalid/i);
  });

  it('the timeline has a line for every kind, and a generic line for a row it cannot read', () => {
    const names = { [DANA]: 'Dana Reyes', [IVY]: 'Ivy Chen', [LEE]: 'Lee Park' };
    const read = Object.values(EXAMPLES).map((e, i) =>
      parseEvent({ id: i + 1, offerId: null, actor: 'system', ...e, detail: e.detail ?? {} }),
    );
    read.push(
      parseEvent({ id: 99, taskId: 1, offerId: null, kind: 'snoozed', actor: 'system', at, detail: {} }),
    );
    expect(read.filter((r) => !r.ok)).toHaveLength(1);
    const text = renderTimeline(1, read, names, 'America/Chicago', at);
    const lines = text.split('\n').slice(1);
    expect(lines).toHaveLength(Object.keys(EXAMPLES).length + 1);
    expect(lines.map((l) => l.replace(/^• [^—]+— /, ''))).toEqual([
      'received',
      'sent again by the source (ignored as a duplicate)',
      'classified as buyer lead',
      'routed by rule portal-buyer-lead',
      'Slack held the offer up 42 s: its clock restarted, now due 10:50 AM CST',
      'offered to Dana Reyes (round robin)',
      'skipped the pool: nobody in the pool is available',
      'claimed by Dana Reyes',
      'passed by Dana Reyes',
      'could not reach Dana Reyes on Slack (account_inactive)',
      'offer to Dana Reyes, Ivy Chen at once expired',
      'Dana Reyes gave the reason: price point',
      'sent to the leaders: nobody in its chain claimed it in time',
      'leaders reminded',
      'Lee Park assigned it to Ivy Chen',
      'Lee Park took it',
      'Lee Park sent it back to the pool',
      'Lee Park reassigned it from Dana Reyes to Ivy Chen: “Dana is out sick”',
      "Dana Reyes handed it off back to the rule's pool",
      'Dana Reyes reminded to make contact',
      'Dana Reyes marked it contacted',
      'Dana Reyes went away, so the offer moved on',
      'after hours with no one on duty: held until Tue, Dec 1 at 7:00 AM CST, when Ivy Chen starts',
      'opening time: routed again',
      'the same phone as #2: kept as a note on it, not dispatched',
      'the contact came back from realtor.com (#2)',
      'Follow Up Boss was not updated (note): FUB answered 500; retry with lead-dispatch outbox retry 3',
      'a failed delivery to crm:followupboss was sent again by lead-dispatch outbox retry',
      "Text waits for the end of the lead's quiet hours (Tue, Dec 1 at 8:00 AM CST)",
      'Text sent to the lead, naming Dana Reyes',
      'Text undeliverable (30006)',
      'no email: no email address',
      'the lead texted STOP: no more texts to this number',
      'the lead texted START: texts allowed again',
      'the lead texted back; shown to Dana Reyes',
      'still in the pond: reminded in its thread',
      'Dana Reyes did not mark it contacted in time, so it moved on',
      "the lead's contact details were removed (older than the team's retention period)",
      'snoozed (details not shown)',
    ]);
  });
});
