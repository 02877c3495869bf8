import { interactiveElements, isRecord, str } from '../slack-emulator/blocks.js';
import { escapeCommandText } from '../slack-emulator/command-text.js';
import type { SlackEmulator } from '../slack-emulator/emulator.js';
import { blockActionsPayload, type SlackSender, userOf } from '../slack-emulator/requests.js';
import type { RecordedView } from '../slack-emulator/types.js';

/** What the demo page asks for when someone clicks, picks, types a command or submits a modal. */
export type PageRequest =
  | {
      kind: 'action';
      user: string;
      /** A message (channel + ts) or a view (App Home, modal) by id. */
      channel?: string;
      ts?: string;
      viewId?: string;
      actionId: string;
      blockId?: string;
      /** users_select: the picked user; static_select: the picked option's value. */
      selected?: string;
    }
  | {
      kind: 'command';
      user: string;
      command: string;
      text: string;
      /** Where it was typed (the leaders' channel); the user's DM with the app if not said. */
      channel?: string;
    }
  | { kind: 'submit'; user: string; viewId: string; values: Record<string, Record<string, unknown>> }
  | { kind: 'close'; user: string; viewId: string };

export class PageRequestError extends Error {}

const COMMANDS = new Set(['/away', '/back', '/dispatch']);

/** Reads a page request, refusing anything that is not one (the page is ours, but a body is a body). */
export function readPageRequest(value: unknown): PageRequest {
  if (!isRecord(value)) throw new PageRequestError('send a JSON object');
  const user = str(value.user);
  if (!user) throw new PageRequestError('say who acts: user');
  switch (value.kind) {
    case 'action': {
      const actionId = str(value.actionId);
      if (!actionId) throw new PageRequestError('say which element: actionId');
      return {
        kind: 'action',
        user,
        actionId,
        channel: str(value.channel),
        ts: str(value.ts),
        viewId: str(value.viewId),
        blockId: str(value.blockId),
        selected: str(value.selected),
      };
    }
    case 'command': {
      const command = str(value.command) ?? '';
      if (!COMMANDS.has(command)) throw new PageRequestError('the app has /away, /back and /dispatch');
      return { kind: 'command', user, command, text: str(value.text) ?? '', channel: str(value.channel) };
    }
    case 'submit':
    case 'close': {
      const viewId = str(value.viewId);
      if (!viewId) throw new PageRequestError('say which modal: viewId');
      if (value.kind === 'close') return { kind: 'close', user, viewId };
      const values = isRecord(value.values) ? value.values : {};
      const state: Record<string, Record<string, unknown>> = {};
      for (const [block, actions] of Object.entries(values)) if (isRecord(actions)) state[block] = actions;
      return { kind: 'submit', user, viewId, values: state };
    }
    default:
      throw new PageRequestError('kind must be action, command, submit or close');
  }
}

/** The action Slack reports for `element` as the user used it (a click, or a pick from a select). */
function actionOf(element: Record<string, unknown>, blockId: string | undefined, selected?: string) {
  const type = str(element.type) ?? '';
  const base = { type, action_id: str(element.action_id), block_id: blockId };
  if (type === 'button') return { ...base, value: str(element.value), text: element.text };
  if (type === 'users_select') {
    if (!selected) throw new PageRequestError('pick someone first');
    return { ...base, selected_user: selected };
  }
  if (type === 'static_select') {
    const options = Array.isArray(element.options) ? element.options.filter(isRecord) : [];
    const option = options.find((o) => o.value === selected);
    if (!option) throw new PageRequestError('pick one of the options');
    return { ...base, selected_option: option };
  }
  throw new PageRequestError(`the demo cannot use a ${type} here`);
}

function findElement(blocks: unknown, actionId: string, blockId: string | undefined) {
  const all = interactiveElements(Array.isArray(blocks) ? blocks.filter(isRecord) : []);
  const found = all.find((e) => e.action_id === actionId && (!blockId || e.block_id === blockId));
  if (!found) throw new PageRequestError('that button is no longer there');
  return found;
}

/** The latest recording of view `id` (views keep their id through updates). */
export function latestView(emulator: SlackEmulator, id: string): RecordedView | undefined {
  return emulator.views.findLast((v) => v.id === id);
}

function viewPayload(emulator: SlackEmulator, recorded: RecordedView, state: Record<string, unknown>) {
  return {
    ...recorded.view,
    id: recorded.id,
    hash: recorded.hash,
    team_id: emulator.teamId,
    app_id: emulator.appId,
    bot_id: emulator.botId,
    state: { values: state },
  };
}

/**
 * Sends the app what Slack would send for a page request, signed, to its real /slack/events; answers
 * with the app's HTTP answer (a modal's field errors come back in it).
 */
export async function sendPageRequest(
  emulator: SlackEmulator,
  slack: SlackSender,
  request: PageRequest,
): Promise<Response> {
  const { user } = request;
  // Slack escapes a command's text and resolves its @mentions before the app sees it (should_escape).
  if (request.kind === 'command') {
    // Slack answers in the conversation where the command was typed: its channel_id and response_url.
    return slack.slashCommand({
      user,
      command: request.command,
      text: escapeCommandText(request.text, emulator.users),
      channelId: request.channel,
    });
  }
  if (request.kind === 'close') throw new PageRequestError('close is handled by the page server');
  if (request.kind === 'submit') {
    const recorded = latestView(emulator, request.viewId);
    if (!recorded) throw new PageRequestError('that modal is gone');
    return slack.interaction({
      type: 'view_submission',
      team: { id: emulator.teamId, domain: 'demo' },
      user: userOf(emulator, user),
      api_app_id: emulator.appId,
      token: 'verification-token',
      trigger_id: emulator.triggerId(user),
      view: viewPayload(emulator, recorded, request.values),
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    });
  }
  if (request.viewId) {
    const recorded = latestView(emulator, request.viewId);
    if (!recorded) throw new PageRequestError('that view is gone');
    const element = findElement(recorded.view.blocks, request.actionId, request.blockId);
    return slack.interaction({
      type: 'block_actions',
      user: { ...userOf(emulator, user), team_id: emulator.teamId },
      api_app_id: emulator.appId,
      token: 'verification-token',
      container: { type: 'view', view_id: recorded.id },
      trigger_id: emulator.triggerId(user),
      team: { id: emulator.teamId, domain: 'demo' },
      enterprise: null,
      is_enterprise_install: false,
      view: viewPayload(emulator, recorded, {}),
      actions: [
        {
          ...actionOf(element.element, element.block_id, request.selected),
          action_ts: (Date.now() / 1000).toFixed(6),
        },
      ],
    });
  }
  const message = emulator.messages.find((m) => m.channel === request.channel && m.ts === request.ts);
  if (!message || message.deleted) throw new PageRequestError('that message is gone');
  const element = findElement(message.blocks, request.actionId, request.blockId);
  const action = actionOf(element.element, element.block_id, request.selected);
  return slack.interaction(blockActionsPayload(emulator, user, message, undefined, action));
}
