import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { readTaskEvents } from '../../dispatch/events.js';
import { isTeamMember } from '../../dispatch/roster.js';
import { TIMELINE_ACTION } from '../blocks/elements.js';
import { TEAM_ONLY } from '../blocks/stale-click.js';
import { renderTimeline } from '../blocks/timeline.js';
import type { SlackDeps } from '../deps.js';
import { agentNames } from '../message-rows.js';
import { whisper, zoneOf } from './reply.js';

/** Timeline: the task's whole history, shown only to the one who asked. */
export function register(app: App, deps: SlackDeps): void {
  app.action<BlockAction<ButtonAction>>(TIMELINE_ACTION, async ({ ack, body, action, respond }) => {
    await ack();
    // A task's history names its contact and everyone who touched it: the team's only.
    if (!isTeamMember(deps.ctx.config, body.user.id)) return whisper(respond, TEAM_ONLY);
    const taskId = Number(action.value);
    const { db, clock, log } = deps.ctx;
    const history = readTaskEvents(db, taskId, log);
    if (history.length === 0) return whisper(respond, 'No history found for this task.');
    await whisper(
      respond,
      renderTimeline(taskId, history, agentNames(db), zoneOf(deps, body.user.id), clock.now()),
    );
  });
}
