import type { WebClient } from '@slack/web-api';
import { retryDelaySeconds } from '../../core/slack-failure.js';
import type { DispatchContext } from '../../dispatch/context.js';
import { describeSlackError, type SlackCallError } from '../../slack/errors.js';
import { isNotLeaseHolder, type LeaseGuard } from '../lease.js';
import type { SlackHealth } from '../slack-health.js';
import { type PostFinder, postMetadata } from './find-posted.js';
import type { MessageKind, PendingPost } from './message-kind.js';
import type { MessageState } from './message-store.js';

/**
 * How one item went: done (or dropped); or a wait, either for its recipient (a channel Slack
 * refuses, or rate-limits: chat.postMessage allows about one post per second per channel) or
 * for the whole lane (Slack down, our token refused). Waits keep the order of what is behind.
 */
export type StepResult =
  | 'done'
  /** This process lost the engine lease before the call: nothing was sent, the holder does it. */
  | 'not_holder'
  | { wait: 'recipient' | 'lane'; retryAfter?: number; recipient?: string | null };

/** A message Slack calls malformed (our bug) or refuses for an unknown reason: retried slowly, so it cannot spin. */
const CONTENT_RETRY_CAP_S = 3600;

export interface SyncDeps {
  ctx: DispatchContext;
  client: WebClient;
  finder: PostFinder;
  health: SlackHealth;
  /** Checked right before every call to Slack: a process that lost the engine lease posts nothing. */
  lease: LeaseGuard;
  /** The step changed rows that other messages show (an offer moved on): look for due work again. */
  rowsChanged(): void;
  /** A new lead whose sender has not had its answer yet: its messages wait for it (UnansweredLeads). */
  answerOf(taskId: number): Promise<void> | undefined;
}

/**
 * The first post of a row's message, exactly once: an earlier attempt with an unknown outcome is
 * looked up first; a new attempt is recorded (committed) before Slack is called and carries
 * metadata naming the row, so a crash or a lost answer can always be found instead of repeated.
 */
export async function postMessage(
  deps: SyncDeps,
  term: number,
  kind: MessageKind,
  post: PendingPost,
): Promise<StepResult> {
  const { ctx, client, finder, lease } = deps;
  const state = kind.store.state(post.id);
  if (!state || state.ts || state.renderedVersion >= state.version) return 'done';
  try {
    if (state.postAttemptAt !== null && post.recipient) {
      if (!lease.holds(term)) return 'not_holder';
      const found = await finder.find(
        { kind: kind.name, id: state.id },
        post.recipient,
        post.threadTs,
        state.postAttemptAt,
      );
      if (found) {
        kind.store.recordPosted(
          state.id,
          found.channel,
          found.ts,
          found.version,
          new Date(state.postAttemptAt),
        );
        ctx.log.info('found an earlier post in Slack; not posting again', { kind: kind.name, id: state.id });
        kind.delivered?.(state, true);
        return 'done';
      }
    }
  } catch (error) {
    if (isNotLeaseHolder(error)) return 'not_holder';
    return failed(deps, kind, state, post.recipient, describeSlackError(error), true);
  }
  const now = ctx.clock.now();
  const outlook = kind.render(state.id, now, true);
  if (!outlook || 'skip' in outlook || !post.recipient) {
    kind.store.markRendered(state.id, state.version);
    return 'done';
  }
  // Before the attempt is recorded, and again right before the call: the attempt's write may have
  // waited on the database's lock. An attempt left behind costs the next holder one lookup; it is
  // not cleared, since by then that holder may have recorded its own.
  if (!lease.holds(term)) return 'not_holder';
  kind.store.recordAttempt(state.id, now);
  // A lead just stored: its DM was rendered while the disk kept the lead, and goes after the 202.
  const answer = deps.answerOf(post.taskId);
  if (answer) await answer;
  if (!lease.holds(term)) return 'not_holder';
  try {
    const posted = await client.chat.postMessage({
      channel: post.recipient,
      text: outlook.show.text,
      blocks: outlook.show.blocks,
      ...(post.threadTs ? { thread_ts: post.threadTs } : {}),
      metadata: postMetadata({ kind: kind.name, id: state.id, version: state.version }),
    });
    kind.store.recordPosted(state.id, posted.channel ?? post.recipient, posted.ts ?? '', state.version, now);
    deps.health.tokenError = null;
    kind.delivered?.(state, true);
    return 'done';
  } catch (error) {
    // Refused before it left (the attempt stays: the next holder's lookup finds nothing and posts).
    if (isNotLeaseHolder(error)) return 'not_holder';
    const described = describeSlackError(error);
    if (!described.outcomeUnknown) kind.store.clearAttempt(state.id);
    return failed(deps, kind, state, post.recipient, described, true);
  }
}

/** Brings a posted message up to its row. chat.update is idempotent, so no attempt is recorded. */
export async function updateMessage(
  deps: SyncDeps,
  term: number,
  kind: MessageKind,
  id: number,
): Promise<StepResult> {
  const { ctx, client, lease } = deps;
  const state = kind.store.state(id);
  if (!state?.ts || state.renderedVersion >= state.version) return 'done';
  if (!state.channel) {
    // A message with no known channel cannot be edited; leaving it due would spin the lane.
    kind.store.markRendered(state.id, state.version);
    return 'done';
  }
  const outlook = kind.render(state.id, ctx.clock.now(), false);
  if (!outlook || 'skip' in outlook) {
    kind.store.markRendered(state.id, state.version);
    return 'done';
  }
  if (!lease.holds(term)) return 'not_holder';
  try {
    await client.chat.update({
      channel: state.channel,
      ts: state.ts,
      text: outlook.show.text,
      blocks: outlook.show.blocks,
    });
    kind.store.markRendered(state.id, state.version);
    deps.health.tokenError = null;
    kind.delivered?.(state, false);
    return 'done';
  } catch (error) {
    if (isNotLeaseHolder(error)) return 'not_holder';
    return failed(deps, kind, state, state.channel, describeSlackError(error), false);
  }
}

async function failed(
  deps: SyncDeps,
  kind: MessageKind,
  state: MessageState,
  recipient: string | null,
  error: SlackCallError,
  firstPost: boolean,
): Promise<StepResult> {
  const { ctx, health } = deps;
  const fields = { kind: kind.name, id: state.id, taskId: state.taskId, error: error.code ?? 'no answer' };
  let failure = error.failure;
  // Slack says account_inactive both for a deactivated recipient and for a dead token: ask auth.test.
  if (failure === 'token' && firstPost && recipient && /^[UW]/.test(recipient)) {
    failure = (await deps.client.auth.test().then(
      () => true,
      () => false,
    ))
      ? 'recipient'
      : 'token';
  }
  switch (failure) {
    case 'transient':
      if (error.retryAfter !== undefined) {
        ctx.log.warn('Slack asks us to slow down; posts to this conversation wait', fields);
        return { wait: 'recipient', retryAfter: error.retryAfter, recipient };
      }
      ctx.log.warn('Slack is not answering; the lane waits and retries in order', fields);
      return { wait: 'lane' };
    case 'token':
      health.tokenError = error.code ?? 'refused';
      ctx.log.error('Slack refuses our token; deliveries wait until it is fixed', fields);
      return { wait: 'lane' };
    case 'recipient': {
      const next = kind.unreachable(state, error.code ?? 'unreachable', firstPost);
      if (next === 'wait') return { wait: 'recipient', recipient };
      if (next === 'moved_on') deps.rowsChanged();
      kind.store.markRendered(state.id, state.version);
      return 'done';
    }
    case 'gone':
      ctx.log.warn('the message was deleted in Slack', { ...fields, next: kind.whenDeleted });
      if (kind.whenDeleted === 'repost') kind.store.forgetMessage(state.id);
      else kind.store.markRendered(state.id, state.version);
      return 'done';
    case 'content':
    case 'refused': {
      // This message's own problem: it rests and is retried slowly; the messages behind it go on.
      const seconds = Math.min(
        CONTENT_RETRY_CAP_S,
        5 * retryDelaySeconds(state.attempts, undefined, Math.random()),
      );
      kind.store.scheduleRetry(state.id, new Date(ctx.clock.now().getTime() + seconds * 1000));
      ctx.log.error('Slack refused this message; it is retried later without holding up others', fields);
      return 'done';
    }
  }
}
