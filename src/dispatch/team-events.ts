import { teamEvents } from '../db/schema.js';
import { enqueueOutbox } from '../engine/outbox/outbox.js';
import type { DispatchContext, Sql } from './context.js';

export const TEAM_EVENT_TOPIC = 'slack:team-event';

export type TeamEventKind = 'cover_set' | 'cover_ended' | 'pause_set' | 'pause_ended';

/**
 * The audit row of a change to the team's routing that belongs to no task, and the outbox item
 * that announces it in the leaders' channel: both in the caller's transaction, so the
 * announcement exists exactly when the change does.
 */
export function recordTeamEvent(
  tx: Sql,
  ctx: DispatchContext,
  e: {
    kind: TeamEventKind;
    actor: string;
    at: Date;
    coverId?: number;
    pauseId?: number;
    replacedId?: number | undefined;
  },
): number {
  const row = tx
    .insert(teamEvents)
    .values({
      kind: e.kind,
      actor: e.actor,
      at: e.at,
      coverId: e.coverId ?? null,
      pauseId: e.pauseId ?? null,
      replacedId: e.replacedId ?? null,
      channel: ctx.config.team.leaders_channel,
    })
    .returning({ id: teamEvents.id })
    .get();
  enqueueOutbox(tx, { taskId: null, topic: TEAM_EVENT_TOPIC, payload: { teamEventId: row.id }, at: e.at });
  return row.id;
}
