import type { AllMiddlewareArgs, App, SlackViewAction, SlackViewMiddlewareArgs } from '@slack/bolt';
import { handOff, type MoveResult, reassignTask } from '../../dispatch/reassign.js';
import {
  BACK_TO_POOL,
  HAND_OFF_MODAL,
  MOVE_POOL,
  MOVE_REASON,
  MOVE_TO,
  MOVE_VALUE,
  REASSIGN_MODAL,
} from '../blocks/move-modals.js';
import { moveRefusalText } from '../blocks/stale-click.js';
import type { SlackDeps } from '../deps.js';

type ViewArgs = SlackViewMiddlewareArgs<SlackViewAction> & AllMiddlewareArgs;

/**
 * Submitting Reassign… or Hand off…: one guarded transition. A refusal (the pick is away, the lead
 * moved meanwhile) is shown in the modal, on the field it concerns, so nothing typed is lost.
 */
export function register(app: App, deps: SlackDeps): void {
  app.view(REASSIGN_MODAL, (args) => submitReassign(deps, args));
  app.view(HAND_OFF_MODAL, (args) => submitHandOff(deps, args));
}

export async function submitReassign(deps: SlackDeps, { ack, body, view }: ViewArgs) {
  const values = view.state.values;
  const assigneeId = values[MOVE_TO]?.[MOVE_VALUE]?.selected_user ?? null;
  if (!assigneeId)
    return ack({ response_action: 'errors', errors: { [MOVE_TO]: 'Pick who should get it.' } });
  const result = reassignTask(deps.ctx, {
    taskId: Number(view.private_metadata),
    leaderId: body.user.id,
    assigneeId,
    reason: values[MOVE_REASON]?.[MOVE_VALUE]?.value ?? null,
  });
  await finish(deps, result, ack);
}

export async function submitHandOff(deps: SlackDeps, { ack, body, view }: ViewArgs) {
  const values = view.state.values;
  const to = values[MOVE_TO]?.[MOVE_VALUE]?.selected_user ?? null;
  const pool = (values[MOVE_POOL]?.[MOVE_VALUE]?.selected_options ?? []).some(
    (o) => o.value === BACK_TO_POOL,
  );
  if (!to === !pool) {
    const problem = to
      ? "Pick a teammate or the rule's pool, not both."
      : "Pick a teammate, or the rule's pool.";
    return ack({ response_action: 'errors', errors: { [MOVE_TO]: problem } });
  }
  const result = handOff(deps.ctx, {
    offerId: Number(view.private_metadata),
    ownerId: body.user.id,
    to,
    reason: values[MOVE_REASON]?.[MOVE_VALUE]?.value ?? null,
  });
  await finish(deps, result, ack);
}

async function finish(deps: SlackDeps, result: MoveResult, ack: ViewArgs['ack']): Promise<void> {
  if (!result.ok) {
    await ack({ response_action: 'errors', errors: { [MOVE_TO]: moveRefusalText(result.refusal) } });
    return;
  }
  await ack();
  deps.kick();
}
