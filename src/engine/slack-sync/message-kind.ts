import type { KnownBlock } from '@slack/types';
import type { MessageState, MessageStore } from './message-store.js';

/**
 * `digest`, `config_reload` and `team_event` are posted by the outbox (reports/digest.ts,
 * engine/config-notice.ts, engine/team-event-topic.ts) but found again the same way.
 */
export type MessageKindName =
  | 'offer'
  | 'escalation'
  | 'reminder'
  | 'task_copy'
  | 'pond'
  | 'digest'
  | 'config_reload'
  | 'team_event';

/** A row whose message has not been posted yet. */
export interface PendingPost {
  id: number;
  taskId: number;
  /** A user id (a DM) or a channel id; null when the row has nobody to show it to. */
  recipient: string | null;
  threadTs: string | null;
}

export interface RenderedMessage {
  text: string;
  blocks: KnownBlock[];
}

/** What the rows say the message should be: shown, or nothing to show (marked rendered). */
export type Outlook = { show: RenderedMessage } | { skip: string };

/** What to do when Slack refuses a recipient for good. */
export type Unreachable =
  /** The row moved on by itself (an offer goes to the next candidate): nothing more to send. */
  | 'moved_on'
  /** Nobody depends on it (a watcher's copy, a reminder): drop it. */
  | 'give_up'
  /** It must reach that recipient (the leaders' channel): hold every post to it until it works. */
  | 'wait';

/**
 * One kind of message the app keeps in Slack. A module per kind says which rows are due and how
 * to render them; the shared sync step (sync-step.ts) does the posting, recording and retrying.
 */
export interface MessageKind {
  readonly name: MessageKindName;
  /** Where its Slack state lives, and which rows are due (oldest task first). */
  readonly store: MessageStore;
  /** Renders the row as it stands; undefined when the row is gone. */
  render(id: number, now: Date, firstPost: boolean): Outlook | undefined;
  /** Slack refused the recipient (deactivated, archived, not in channel). */
  unreachable(state: MessageState, code: string, firstPost: boolean): Unreachable;
  /** The message we meant to update was deleted: post it again, or let it go. */
  readonly whenDeleted: 'repost' | 'give_up';
  /** Told after every successful post or update (health, logs). */
  delivered?(state: MessageState, firstPost: boolean): void;
}
