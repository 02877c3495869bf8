import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  ButtonAction,
  SlackActionMiddlewareArgs,
} from '@slack/bolt';
import { eq } from 'drizzle-orm';
import { offers, tasks } from '../../db/schema.js';
import { checkHandOff, checkReassign } from '../../dispatch/reassign.js';
import { REASSIGN_ACTION, renderHandOffModal, renderReassignModal } from '../blocks/move-modals.js';
import { HAND_OFF_ACTION } from '../blocks/offer-message.js';
import { moveRefusalText } from '../blocks/stale-click.js';
import { headline } from '../blocks/task-summary.js';
import type { SlackDeps } from '../deps.js';
import { whisper } from './reply.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/**
 * Reassign… (leaders) and Hand off… (the owner) open a modal; who may, and whether the lead can
 * still move, is checked first, so a stale button or someone else's click gets a private note
 * instead of a form. The move itself happens on submit (views/move-modals.ts), checked again.
 */
export function register(app: App, deps: SlackDeps): void {
  app.action<BlockAction<ButtonAction>>(REASSIGN_ACTION, (args) => openReassign(deps, args));
  app.action<BlockAction<ButtonAction>>(HAND_OFF_ACTION, (args) => openHandOff(deps, args));
}

export async function openReassign(deps: SlackDeps, { ack, body, action, respond, client }: ButtonArgs) {
  await ack();
  const taskId = Number(action.value);
  const refusal = Number.isInteger(taskId)
    ? checkReassign(deps.ctx, taskId, body.user.id)
    : ({ kind: 'unknown_task' } as const);
  if (refusal) return whisper(respond, moveRefusalText(refusal));
  const task = deps.ctx.db.select().from(tasks).where(eq(tasks.id, taskId)).get();
  if (!task) return whisper(respond, moveRefusalText({ kind: 'unknown_task' }));
  await client.views.open({ trigger_id: body.trigger_id, view: renderReassignModal(taskId, headline(task)) });
}

export async function openHandOff(deps: SlackDeps, { ack, body, action, respond, client }: ButtonArgs) {
  await ack();
  const offerId = Number(action.value);
  const refusal = Number.isInteger(offerId)
    ? checkHandOff(deps.ctx, offerId, body.user.id)
    : ({ kind: 'unknown_task' } as const);
  if (refusal) return whisper(respond, moveRefusalText(refusal));
  const row = deps.ctx.db
    .select({ task: tasks })
    .from(offers)
    .innerJoin(tasks, eq(tasks.id, offers.taskId))
    .where(eq(offers.id, offerId))
    .get();
  if (!row) return whisper(respond, moveRefusalText({ kind: 'unknown_task' }));
  await client.views.open({
    trigger_id: body.trigger_id,
    view: renderHandOffModal(offerId, `${headline(row.task)} #${row.task.id}`),
  });
}
