import type { Block } from './blocks.js';

export interface PostedMessage {
  channel: string;
  ts: string;
  /** The human the DM is with, for D channels. */
  user?: string;
  text?: string;
  blocks: Block[];
  thread_ts?: string;
  metadata?: unknown;
  postedAt: number;
  updates: MessageUpdate[];
  /** Set when a response_url call used `delete_original`. */
  deleted?: boolean;
}

export interface MessageUpdate {
  text?: string;
  blocks: Block[];
  at: number;
}

export interface Ephemeral {
  via: 'response_url' | 'chat.postEphemeral';
  channel?: string;
  user?: string;
  text?: string;
  blocks: Block[];
  replaceOriginal?: boolean;
  deleteOriginal?: boolean;
  responseType?: string;
  at: number;
}

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  at: number;
  /** The token the call came with: tells apart two app processes sharing one double. */
  token?: string;
}

/** A call Slack would refuse for its Block Kit, with Slack's messages naming where. */
export interface Refusal {
  method: string;
  error: string;
  messages: string[];
  at: number;
}

export interface RecordedView {
  method: 'views.open' | 'views.push' | 'views.publish' | 'views.update';
  id: string;
  hash: string;
  userId?: string;
  view: Record<string, unknown>;
  at: number;
}

export interface Failure {
  error?: string;
  status?: number;
  retryAfter?: number;
  times?: number;
  when?: (args: Record<string, unknown>) => boolean;
}

export interface EmulatorUser {
  name?: string;
  realName?: string;
  tz?: string;
  deleted?: boolean;
  status?: { text: string; emoji: string; expiration?: number };
  /** What dnd.info answers for the user (Unix seconds), as Slack spells it. */
  dnd?: {
    dnd_enabled?: boolean;
    next_dnd_start_ts?: number;
    next_dnd_end_ts?: number;
    snooze_enabled?: boolean;
    snooze_endtime?: number;
  };
}

export interface SlackEmulatorOptions {
  /** Where message timestamps come from (the test's clock, so ts and the app's "now" agree). */
  now?: () => number;
  /** Bot scopes granted; default: every scope the app asks for. */
  scopes?: string[];
  botUserId?: string;
  botId?: string;
  teamId?: string;
  channels?: string[];
  users?: Record<string, EmulatorUser>;
}

export interface ResponseUrlContext {
  user?: string;
  channel?: string;
  /** The message a button was clicked on; `replace_original` / `delete_original` apply to it. */
  message?: PostedMessage;
}
