import type { WebClient } from '@slack/web-api';
import { eq } from 'drizzle-orm';
import { coverOverrides, pauses, type TeamEventRow, teamEvents } from '../db/schema.js';
import type { DispatchContext } from '../dispatch/context.js';
import { agentName } from '../dispatch/roster.js';
import { TEAM_EVENT_TOPIC } from '../dispatch/team-events.js';
import { renderTeamEvent, type TeamEventView } from '../slack/blocks/team-event.js';
import type { OutboxTopic } from './outbox/outbox.js';
import { PostFinder, postMetadata } from './slack-sync/find-posted.js';

/** Announcements matter for as long as Slack takes to come back: late rather than never. */
const MAX_ATTEMPTS = 500;

/**
 * Posts a team event (a cover or a pause set or ended) to the leaders' channel once: the attempt
 * is saved before Slack is called and the post carries metadata naming the row, so an answer lost
 * in a timeout is found in the channel's history rather than posted again. Rendered from the rows
 * when it goes, in the team's time.
 */
export function teamEventTopic(ctx: DispatchContext, client: WebClient): OutboxTopic {
  const finder = new PostFinder(client, ctx.log);
  const load = (id: number) => ctx.db.select().from(teamEvents).where(eq(teamEvents.id, id)).get();
  const save = (id: number, set: Partial<TeamEventRow>) =>
    ctx.db.update(teamEvents).set(set).where(eq(teamEvents.id, id)).run();
  return {
    topic: TEAM_EVENT_TOPIC,
    maxAttempts: MAX_ATTEMPTS,
    async deliver(item) {
      const id = Number(item.payload.teamEventId);
      const row = load(id);
      if (!row || row.ts) return;
      const mark = { kind: 'team_event' as const, id: row.id };
      if (row.postAttemptAt) {
        const found = await finder.find(mark, row.channel, null, row.postAttemptAt.getTime());
        if (found) {
          save(id, { ts: found.ts, postedAt: ctx.clock.now() });
          return;
        }
      }
      const view = viewOf(ctx, row);
      if (!view) return;
      save(id, { postAttemptAt: ctx.clock.now() });
      const posted = await client.chat.postMessage({
        channel: row.channel,
        ...renderTeamEvent(view, ctx.config.team.timezone, ctx.clock.now()),
        metadata: postMetadata({ ...mark, version: 1 }),
      });
      if (!posted.ts) throw new Error('chat.postMessage returned no ts');
      save(id, { ts: posted.ts, postedAt: ctx.clock.now() });
    },
  };
}

function viewOf(ctx: DispatchContext, row: TeamEventRow): TeamEventView | undefined {
  const { db } = ctx;
  const actor = agentName(db, row.actor);
  if (row.coverId !== null) {
    const cover = db.select().from(coverOverrides).where(eq(coverOverrides.id, row.coverId)).get();
    if (!cover) return undefined;
    const agent = agentName(db, cover.agentId);
    if (row.kind === 'cover_ended') return { kind: 'cover_ended', actor, agent, rotation: cover.rotation };
    const replaced =
      row.replacedId === null
        ? undefined
        : db.select().from(coverOverrides).where(eq(coverOverrides.id, row.replacedId)).get();
    return {
      kind: 'cover_set',
      actor,
      agent,
      rotation: cover.rotation,
      until: cover.endsAt,
      replaced: replaced && replaced.agentId !== cover.agentId ? agentName(db, replaced.agentId) : undefined,
    };
  }
  if (row.pauseId !== null) {
    const pause = db.select().from(pauses).where(eq(pauses.id, row.pauseId)).get();
    if (!pause) return undefined;
    if (row.kind === 'pause_ended')
      return { kind: 'pause_ended', actor, target: pause.kind, name: pause.name };
    return { kind: 'pause_set', actor, target: pause.kind, name: pause.name, until: pause.endsAt };
  }
  return undefined;
}
