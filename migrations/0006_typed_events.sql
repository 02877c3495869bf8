-- Typed events (src/core/events.ts): every kind now has one exact detail shape, read through a
-- schema. Rows written by older versions are brought to those shapes here, from the rows they point
-- at; nothing is invented. A row that still does not fit (say, a detail that is not JSON) is left
-- as it is: readers show it as a generic timeline line and log it once.
-- `json_valid` guards every statement, because json_extract on a malformed detail would fail the
-- whole migration, and with it the start.
-- The kinds and shapes are TypeScript and zod only: the table itself does not change.

-- offered gained `deadline` (the answer-by time it was made with). Older rows get the offer row's
-- deadline, rendered as Date#toISOString does; who, position and reason are filled from the offer
-- too when a row lacks them. A field the row already has wins (json_patch's second argument).
-- A first-to-claim offer names its pool (its agent_id is whoever later claimed it).
UPDATE events
SET detail = json_patch(
  json_object(
    'pool', json(o.pool),
    'position', o.position,
    'reason', o.reason,
    'deadline', strftime('%Y-%m-%dT%H:%M:%S', o.deadline / 1000, 'unixepoch') || printf('.%03dZ', o.deadline % 1000)
  ),
  events.detail
)
FROM offers o
WHERE o.id = events.offer_id
  AND events.kind = 'offered'
  AND json_valid(events.detail)
  AND json_extract(events.detail, '$.deadline') IS NULL
  AND o.pool IS NOT NULL;
--> statement-breakpoint
UPDATE events
SET detail = json_patch(
  json_object(
    'agentId', o.agent_id,
    'position', o.position,
    'reason', o.reason,
    'deadline', strftime('%Y-%m-%dT%H:%M:%S', o.deadline / 1000, 'unixepoch') || printf('.%03dZ', o.deadline % 1000)
  ),
  events.detail
)
FROM offers o
WHERE o.id = events.offer_id
  AND events.kind = 'offered'
  AND json_valid(events.detail)
  AND json_extract(events.detail, '$.deadline') IS NULL
  AND o.pool IS NULL
  AND o.agent_id IS NOT NULL;
--> statement-breakpoint
-- expired and delivery_failed recorded `agentId: null` for a first-to-claim offer, which says
-- nobody; they now name the pool, as offered does.
UPDATE events
SET detail = json_remove(json_set(events.detail, '$.pool', json(o.pool)), '$.agentId')
FROM offers o
WHERE o.id = events.offer_id
  AND events.kind IN ('expired', 'delivery_failed')
  AND json_valid(events.detail)
  AND json_extract(events.detail, '$.agentId') IS NULL
  AND json_extract(events.detail, '$.pool') IS NULL
  AND o.pool IS NOT NULL
  AND o.agent_id IS NULL;
--> statement-breakpoint
-- The same kinds, and withdrawn, with no agent at all for a one-agent offer: the offer row knows.
UPDATE events
SET detail = json_set(events.detail, '$.agentId', o.agent_id)
FROM offers o
WHERE o.id = events.offer_id
  AND events.kind IN ('expired', 'delivery_failed', 'withdrawn')
  AND json_valid(events.detail)
  AND json_extract(events.detail, '$.agentId') IS NULL
  AND json_extract(events.detail, '$.pool') IS NULL
  AND o.pool IS NULL
  AND o.agent_id IS NOT NULL;
--> statement-breakpoint
-- escalated gained `escalationId`: escalateTask inserts the escalation and the event in one
-- transaction at one `now`, so the escalation of the same task created at the event's time is it.
UPDATE events
SET detail = json_patch(json_object('reason', e.reason, 'escalationId', e.id), events.detail)
FROM escalations e
WHERE e.task_id = events.task_id
  AND e.created_at = events.at
  AND events.kind = 'escalated'
  AND json_valid(events.detail)
  AND json_extract(events.detail, '$.escalationId') IS NULL;
--> statement-breakpoint
-- received always says where the task came from; a row without it takes the task's source.
UPDATE events
SET detail = json_set(events.detail, '$.source', t.source)
FROM tasks t
WHERE t.id = events.task_id
  AND events.kind = 'received'
  AND json_valid(events.detail)
  AND json_extract(events.detail, '$.source') IS NULL;
