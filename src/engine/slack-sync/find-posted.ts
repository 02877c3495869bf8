import type { WebClient } from '@slack/web-api';
import { SLACK_SIDE } from '../../core/slack-failure.js';
import type { Logger } from '../../log.js';
import { slackErrorCode } from '../../slack/errors.js';
import type { MessageKindName } from './message-kind.js';

/** The metadata every post carries, naming the row it shows, so a lost answer can be found again. */
export const POST_EVENT_TYPE = 'lead_dispatch_post';

export interface PostMark {
  kind: MessageKindName;
  id: number;
  version: number;
}

export function postMetadata(mark: PostMark) {
  return {
    event_type: POST_EVENT_TYPE,
    event_payload: { kind: mark.kind, id: mark.id, version: mark.version },
  };
}

export interface FoundPost {
  channel: string;
  ts: string;
  version: number;
}

/** Slack's clock and ours may disagree a little; look this far before the attempt. */
const CLOCK_MARGIN_S = 600;
/** History pages read at most per lookup: a DM or the leaders' channel holds few posts per hour. */
const MAX_PAGES = 5;

/**
 * Looks for the message an earlier attempt may have posted (the answer timed out, or the process
 * died before saving it): the conversation's history since the attempt, matched on metadata.
 */
export class PostFinder {
  private readonly dmChannels = new Map<string, string>();
  /** Refusals already logged: each is said once per process, not once per message. */
  private readonly warned = new Set<string>();

  constructor(
    private readonly client: WebClient,
    private readonly log: Logger,
  ) {}

  /** The post if Slack has it; undefined if not, or if we are not allowed to look (then we post). */
  async find(
    mark: Omit<PostMark, 'version'>,
    recipient: string,
    threadTs: string | null,
    attemptAt: number,
  ): Promise<FoundPost | undefined> {
    try {
      const channel = await this.channelOf(recipient);
      // Only the window around the attempt: a busy channel's newer posts cannot push it out of reach.
      const oldest = String(Math.floor(attemptAt / 1000) - CLOCK_MARGIN_S);
      const latest = String(Math.ceil(attemptAt / 1000) + CLOCK_MARGIN_S);
      let cursor: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const common = {
          channel,
          oldest,
          latest,
          inclusive: true,
          include_all_metadata: true,
          limit: 200,
          cursor,
        };
        const res = threadTs
          ? await this.client.conversations.replies({ ...common, ts: threadTs })
          : await this.client.conversations.history(common);
        for (const message of res.messages ?? []) {
          const found = matchMark(message, mark);
          if (found !== undefined && message.ts) return { channel, ts: message.ts, version: found };
        }
        cursor = res.response_metadata?.next_cursor || undefined;
        if (!cursor) break;
      }
      return undefined;
    } catch (error) {
      const code = slackErrorCode(error);
      // No answer (network, 5xx): Slack is in trouble, and the lane waits for it.
      if (code === undefined || SLACK_SIDE.has(code)) throw error;
      // Slack answered "you may not look": an install from before the history scopes, a public
      // channel the bot posts in without being a member. A lead must not wait for that to change,
      // so the message is posted again (the one case a duplicate remains possible).
      if (!this.warned.has(code)) {
        this.warned.add(code);
        this.log.warn(
          code === 'missing_scope'
            ? 'cannot check whether an unanswered post reached Slack; posting again. Reinstall the app to grant im:history, channels:history and groups:history'
            : 'cannot check whether an unanswered post reached Slack; posting again. Invite the app to the channel so it can read its own posts',
          { kind: mark.kind, id: mark.id, error: code },
        );
      }
      return undefined;
    }
  }

  private async channelOf(recipient: string): Promise<string> {
    if (!/^[UW]/.test(recipient)) return recipient;
    const known = this.dmChannels.get(recipient);
    if (known) return known;
    const opened = await this.client.conversations.open({ users: recipient });
    const id = opened.channel?.id;
    if (!id) throw new Error('conversations.open returned no channel');
    this.dmChannels.set(recipient, id);
    return id;
  }
}

/** The row version a message shows, when its metadata names this row. */
function matchMark(message: { metadata?: unknown }, mark: Omit<PostMark, 'version'>): number | undefined {
  const metadata = message.metadata;
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  if (!('event_type' in metadata) || metadata.event_type !== POST_EVENT_TYPE) return undefined;
  if (!('event_payload' in metadata) || typeof metadata.event_payload !== 'object') return undefined;
  const payload = metadata.event_payload as Record<string, unknown>;
  if (payload.kind !== mark.kind || payload.id !== mark.id) return undefined;
  return typeof payload.version === 'number' ? payload.version : 0;
}
