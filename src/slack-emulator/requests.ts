import { findButton, interactiveElements, str } from './blocks.js';
import type { SlackEmulator } from './emulator.js';
import { signSlackBody } from './signing.js';
import type { PostedMessage } from './types.js';

export interface PostOptions {
  signingSecret?: string;
  /** Unix seconds; use an old value to test stale-request rejection. */
  timestamp?: number;
  headers?: Record<string, string>;
}

export interface ClickButtonArgs {
  user: string;
  message: PostedMessage;
  actionId: string;
  /** Defaults to the button's own value. */
  value?: string;
  teamId?: string;
  /**
   * Click as `message` looked when it was snapshotted (structuredClone), the way a second
   * device that has not refreshed yet would; by default only what is on screen now can be clicked.
   */
  stale?: boolean;
}

export interface SelectUserArgs {
  user: string;
  message: PostedMessage;
  actionId: string;
  selectedUser: string;
}

export interface SlashCommandArgs {
  user: string;
  command: string;
  text: string;
  /** Defaults to the user's DM with the app. */
  channelId?: string;
}

export interface SubmitViewArgs {
  user: string;
  callbackId: string;
  /** Defaults to the private_metadata of the latest view the app opened with this callback_id. */
  privateMetadata?: string;
  /** block_id → action_id → state value, e.g. `{ note: { note_input: { type: 'plain_text_input', value: 'x' } } }`. */
  values: Record<string, Record<string, unknown>>;
}

const FORM = 'application/x-www-form-urlencoded';

/** Sends the app what Slack would send, signed, to `POST /slack/events`. */
export class SlackSender {
  private readonly appBaseUrl: string;

  constructor(
    appBaseUrl: string,
    private readonly signingSecret: string,
    private readonly double: SlackEmulator,
  ) {
    this.appBaseUrl = appBaseUrl.replace(/\/+$/, '');
  }

  async post(rawBody: string, contentType: string, opts: PostOptions = {}): Promise<Response> {
    const signature = signSlackBody(opts.signingSecret ?? this.signingSecret, rawBody, opts.timestamp);
    return fetch(`${this.appBaseUrl}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': contentType, ...signature, ...opts.headers },
      body: rawBody,
    });
  }

  async clickButton(args: ClickButtonArgs): Promise<Response> {
    return this.interaction(clickButtonPayload(this.double, args));
  }

  async selectUser(args: SelectUserArgs): Promise<Response> {
    const message = liveMessage(this.double, args.message);
    const element = interactiveElements(message.blocks).find((e) => e.action_id === args.actionId);
    if (element?.type !== 'users_select') {
      throw new Error(
        `No users_select with action_id "${args.actionId}" in message ${message.channel}/${message.ts}`,
      );
    }
    return this.interaction(
      blockActionsPayload(this.double, args.user, message, undefined, {
        type: 'users_select',
        action_id: element.action_id,
        block_id: element.block_id,
        selected_user: args.selectedUser,
      }),
    );
  }

  async slashCommand(args: SlashCommandArgs): Promise<Response> {
    const channelId = args.channelId ?? this.double.dmChannelFor(args.user);
    const form = new URLSearchParams({
      token: 'verification-token',
      team_id: this.double.teamId,
      team_domain: 'double',
      channel_id: channelId,
      channel_name: channelId.startsWith('D') ? 'directmessage' : channelId,
      user_id: args.user,
      user_name: this.userName(args.user),
      command: args.command,
      text: args.text,
      api_app_id: this.double.appId,
      is_enterprise_install: 'false',
      response_url: this.double.responseUrl({ user: args.user, channel: channelId }),
      trigger_id: this.double.triggerId(args.user),
    });
    return this.post(form.toString(), FORM);
  }

  /** Returns the raw Response so a test can read `{ response_action: 'errors', errors }`. */
  async submitView(args: SubmitViewArgs): Promise<Response> {
    const opened = this.double.views.findLast((v) => v.view.callback_id === args.callbackId);
    const view = opened?.view ?? {};
    return this.interaction({
      type: 'view_submission',
      team: { id: this.double.teamId, domain: 'double' },
      user: this.userOf(args.user),
      api_app_id: this.double.appId,
      token: 'verification-token',
      trigger_id: this.double.triggerId(args.user),
      view: {
        ...view,
        id: opened?.id ?? 'V0UNOPENED',
        hash: opened?.hash ?? '0.unopened',
        type: 'modal',
        callback_id: args.callbackId,
        private_metadata: args.privateMetadata ?? str(view.private_metadata) ?? '',
        blocks: Array.isArray(view.blocks) ? view.blocks : [],
        state: { values: args.values },
        team_id: this.double.teamId,
        app_id: this.double.appId,
        bot_id: this.double.botId,
      },
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    });
  }

  /** An Events API `event_callback`; pass `retryNum` to imitate Slack's redelivery of the same event_id. */
  async sendEvent(
    event: Record<string, unknown>,
    opts: { eventId?: string; retryNum?: number } = {},
  ): Promise<Response> {
    const now = Math.floor(Date.now() / 1000);
    const body = {
      token: 'verification-token',
      team_id: this.double.teamId,
      api_app_id: this.double.appId,
      event: { event_ts: `${now}.000000`, ...event },
      type: 'event_callback',
      event_id: opts.eventId ?? `Ev${Date.now()}${Math.floor(Math.random() * 1e6)}`,
      event_time: now,
      authorizations: [
        {
          team_id: this.double.teamId,
          user_id: this.double.botUserId,
          is_bot: true,
          is_enterprise_install: false,
        },
      ],
    };
    const headers: Record<string, string> =
      opts.retryNum === undefined
        ? {}
        : { 'x-slack-retry-num': String(opts.retryNum), 'x-slack-retry-reason': 'http_timeout' };
    return this.post(JSON.stringify(body), 'application/json', { headers });
  }

  /** Sends an interaction payload (block_actions, view_submission) as Slack does: form-encoded, signed. */
  interaction(payload: Record<string, unknown>): Promise<Response> {
    return this.post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), FORM);
  }

  private userName(user: string): string {
    return userName(this.double, user);
  }

  private userOf(user: string): Record<string, unknown> {
    return userOf(this.double, user);
  }
}

/**
 * The block_actions payload Slack sends when `args.user` clicks a button: over HTTP as the `payload` form
 * field, in Socket Mode as the `interactive` envelope's payload.
 */
export function clickButtonPayload(double: SlackEmulator, args: ClickButtonArgs): Record<string, unknown> {
  const message = args.stale ? args.message : liveMessage(double, args.message);
  const button = findButton(message, args.actionId);
  return blockActionsPayload(double, args.user, message, args.teamId, {
    type: 'button',
    action_id: button.action_id,
    block_id: button.block_id,
    value: args.value ?? button.value,
    text: { type: 'plain_text', text: button.text, emoji: true },
    style: button.style,
  });
}

/** A block_actions payload for one action on `message`, with a fresh response_url and trigger_id. */
export function blockActionsPayload(
  double: SlackEmulator,
  user: string,
  message: PostedMessage,
  teamId: string | undefined,
  action: Record<string, unknown>,
): Record<string, unknown> {
  const team = teamId ?? double.teamId;
  return {
    type: 'block_actions',
    user: { ...userOf(double, user), team_id: team },
    api_app_id: double.appId,
    token: 'verification-token',
    container: {
      type: 'message',
      message_ts: message.ts,
      channel_id: message.channel,
      is_ephemeral: false,
    },
    trigger_id: double.triggerId(user),
    team: { id: team, domain: 'double' },
    enterprise: null,
    is_enterprise_install: false,
    channel: {
      id: message.channel,
      name: message.channel.startsWith('D') ? 'directmessage' : message.channel,
    },
    message: {
      type: 'message',
      user: double.botUserId,
      bot_id: double.botId,
      ts: message.ts,
      text: message.text ?? '',
      blocks: message.blocks,
      ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
    },
    state: { values: {} },
    response_url: double.responseUrl({ user, channel: message.channel, message }),
    actions: [{ ...action, action_ts: (Date.now() / 1000).toFixed(6) }],
  };
}

/** The double's live copy: a user can only act on what the message shows now. */
function liveMessage(double: SlackEmulator, message: PostedMessage): PostedMessage {
  const live = double.messages.find((m) => m.channel === message.channel && m.ts === message.ts);
  if (!live || live.deleted)
    throw new Error(`Message ${message.channel}/${message.ts} is not (or no longer) in Slack`);
  return live;
}

function userName(double: SlackEmulator, user: string): string {
  return double.users.get(user)?.name ?? user.toLowerCase();
}

export function userOf(double: SlackEmulator, user: string): Record<string, unknown> {
  const name = userName(double, user);
  return { id: user, username: name, name, team_id: double.teamId };
}
