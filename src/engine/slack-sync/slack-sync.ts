import type { WebClient } from '@slack/web-api';
import type { DispatchContext } from '../../dispatch/context.js';
import type { LeaseGuard } from '../lease.js';
import { type EngineLoop, KickedPass } from '../loop.js';
import type { SlackHealth } from '../slack-health.js';
import { backgroundTurn } from '../turns.js';
import type { UnansweredLeads } from '../unanswered-leads.js';
import { escalationPosts } from './escalation-posts.js';
import { PostFinder } from './find-posted.js';
import { Gate } from './gate.js';
import type { MessageKind, PendingPost } from './message-kind.js';
import { SYNC_BATCH } from './message-store.js';
import { offerDms } from './offer-dms.js';
import { pondPosts } from './pond-posts.js';
import { reminders } from './reminders.js';
import { postMessage, type StepResult, type SyncDeps, updateMessage } from './sync-step.js';
import { taskCopies } from './task-copies.js';

/** Rows handled per pass; a larger backlog continues in the next pass, after timers and HTTP had a turn. */
const BATCH = SYNC_BATCH;
/** How long a row that threw unexpectedly rests, so a bug cannot spin the lane. */
const RESTING_MS = 5_000;
/**
 * New posts in flight at once. Serially, posts went out at one per round trip: with the CPU shared
 * (a busy host), that fell below 50 leads/s and lead → DM grew to seconds.
 */
const POST_CONCURRENCY = 4;
/** Updates in flight at once: a click's DM update must not wait behind a burst of others. */
const UPDATE_CONCURRENCY = 4;

/**
 * Makes Slack show what the rows say. Two lanes: new posts start oldest task first, a few at
 * a time but one at a time per conversation, so no lead overtakes an earlier one for its agent
 * and no slow answer holds anyone else's DM; updates of posted messages run a few at a time
 * beside them. Slack-wide trouble closes a lane's gate, so after an outage the waiting
 * messages leave in their order rather than at random retry times.
 */
export class SlackSync implements EngineLoop {
  readonly name = 'slack sync';
  readonly kinds: MessageKind[];
  private readonly deps: SyncDeps;
  private readonly postGates = new LaneGates();
  private readonly updateGates = new LaneGates();
  private readonly posts: KickedPass;
  /** The post in flight for each conversation (at most one each), by recipient. */
  private readonly postsInFlight = new Map<string, Promise<void>>();
  /** The rows those posts are for: still due until their answer is recorded, never started twice. */
  private readonly postingRows = new Set<string>();
  /** A pass stopped at a post that waits for an answer in flight (its conversation's, or room). */
  private postsWaiting = false;
  private readonly updates: KickedPass;

  constructor(
    private readonly ctx: DispatchContext,
    client: WebClient,
    health: SlackHealth,
    lease: LeaseGuard,
    /** New leads whose sender waits for its 202: their messages are made but not sent yet. */
    unanswered: UnansweredLeads,
  ) {
    this.kinds = [
      offerDms(ctx),
      escalationPosts(ctx, health),
      taskCopies(ctx),
      pondPosts(ctx),
      reminders(ctx),
    ];
    this.deps = {
      ctx,
      client,
      health,
      lease,
      finder: new PostFinder(client, ctx.log),
      rowsChanged: () => this.kick(),
      answerOf: (taskId) => unanswered.answerOf(taskId),
    };
    const onError = (lane: string) => (error: unknown) =>
      ctx.log.error('Slack sync pass failed unexpectedly; the next kick retries', {
        lane,
        error: String(error),
      });
    this.posts = new KickedPass(() => this.postPass(), onError('posts'));
    this.updates = new KickedPass(() => this.updatePass(), onError('updates'));
  }

  kick(): void {
    this.posts.kick();
    this.updates.kick();
  }

  /** Only the posts lane: a new task has a post to make and nothing posted to update yet. */
  kickPosts(): void {
    this.posts.kick();
  }

  kickUpdates(): void {
    this.updates.kick();
  }

  async runOnce(): Promise<void> {
    await Promise.all([this.posts.runOnce(), this.updates.runOnce()]);
    await this.postsLeft();
  }

  /** Kicked by the engine (and so by every sweep): nothing of its own to schedule. */
  start(): void {}

  stop(): void {}

  async idle(): Promise<void> {
    // A post can leave an update behind (the row changed while it was posted), and the reverse.
    do {
      await Promise.all([this.posts.idle(), this.updates.idle(), this.postsLeft()]);
      await new Promise((resolve) => setImmediate(resolve));
    } while (this.posts.busy || this.updates.busy || this.postsInFlight.size > 0);
  }

  /** Resolves once the posts in flight now have their answers. */
  private async postsLeft(): Promise<void> {
    await Promise.all(this.postsInFlight.values());
  }

  /**
   * Starts due posts strictly oldest task first, up to POST_CONCURRENCY in flight, at most one per
   * conversation, and returns without waiting for their answers: a lead routed while another's
   * post awaits its answer gets its DM at once. The first post whose conversation is still busy
   * stops the pass (nothing younger overtakes it); each answer kicks the lane again.
   */
  private async postPass(): Promise<boolean> {
    const term = this.deps.lease.term();
    if (term === null) return false;
    const now = this.ctx.clock.now();
    if (!this.postGates.lane.isOpen(now)) return false;
    if (this.postsInFlight.size >= POST_CONCURRENCY) {
      this.postsWaiting = true;
      return false;
    }
    this.postsWaiting = false;
    const waiting = this.postGates.waitingAt(now);
    const due = oldestFirst(
      this.kinds.map((kind) => kind.store.duePosts(now, waiting).map((post) => ({ kind, post }))),
      BATCH,
    );
    const held = new Set<string>();
    let started = 0;
    for (const { kind, post } of due) {
      const conversation = post.recipient ?? '';
      if (held.has(conversation) || this.postingRows.has(rowKey(kind, post))) continue;
      // A conversation told to wait: the rest of its posts wait too, in order; others go on.
      if (post.recipient !== null && this.postGates.isWaiting(post.recipient, this.ctx.clock.now())) {
        held.add(conversation);
        continue;
      }
      // Oldest first: nothing younger starts before this post, which waits for its conversation's
      // answer (or for room in flight); that answer kicks the lane again.
      if (this.postsInFlight.has(conversation) || this.postsInFlight.size >= POST_CONCURRENCY) {
        this.postsWaiting = true;
        break;
      }
      this.startPost(term, kind, post, conversation);
      started += 1;
    }
    // Another pass only when this one stopped at its batch size with work left; a step that made
    // more due (the next candidate's DM after an unreachable agent) kicked for it.
    return started > 0 && due.length >= BATCH;
  }

  private startPost(term: number, kind: MessageKind, post: PendingPost, conversation: string): void {
    const row = rowKey(kind, post);
    this.postingRows.add(row);
    const answered = this.isolated(kind, post.id, () => postMessage(this.deps, term, kind, post)).then(
      (result) => {
        this.postsInFlight.delete(conversation);
        this.postingRows.delete(row);
        const stopped = this.postGates.settle(result, post.recipient, this.ctx.clock.now());
        // What waited for this answer may go now (unless the lane must wait: the sweeper's tick
        // retries). Only then: a pass per answer would double the due-queries per lead.
        if (!stopped && this.postsWaiting) this.posts.kick();
        // Its row may already be a version ahead (a click while it was in flight).
        this.updates.kick();
      },
    );
    this.postsInFlight.set(conversation, answered);
  }

  private async updatePass(): Promise<boolean> {
    const term = this.deps.lease.term();
    if (term === null) return false;
    const now = this.ctx.clock.now();
    if (!this.updateGates.lane.isOpen(now)) return false;
    const waiting = this.updateGates.waitingAt(now);
    // Updates need no order among themselves: each shows its own row's latest state.
    const due = this.kinds.flatMap((kind) => kind.store.dueUpdates(now, waiting).map((id) => ({ kind, id })));
    let stopped = false;
    let next = 0;
    // A click's updates go at once; a backlog of them (a full batch: after an outage, a thousand
    // offers lapsed) is background work: past the first few, each takes its turn (see turns.ts),
    // or the answers that arrived together each rendered the next DM in the same turn.
    const backlog = due.length >= BATCH;
    const worker = async () => {
      while (!stopped && next < due.length) {
        if (backlog && next >= UPDATE_CONCURRENCY) await backgroundTurn();
        if (stopped || next >= due.length) break;
        const item = due[next++];
        if (!item) break;
        const result = await this.isolated(item.kind, item.id, () =>
          updateMessage(this.deps, term, item.kind, item.id),
        );
        if (this.updateGates.settle(result, null, this.ctx.clock.now())) stopped = true;
      }
    };
    await Promise.all(Array.from({ length: UPDATE_CONCURRENCY }, worker));
    return !stopped && due.length >= BATCH;
  }

  /**
   * One row that throws (a bug in rendering, a row in a shape we did not expect) rests for a while
   * instead of stopping the lane: everything behind it still goes out.
   */
  private async isolated(
    kind: MessageKind,
    id: number,
    step: () => Promise<StepResult>,
  ): Promise<StepResult> {
    try {
      return await step();
    } catch (error) {
      this.ctx.log.error('a message could not be synced; it rests before the next try', {
        kind: kind.name,
        id,
        error: String(error),
      });
      kind.store.scheduleRetry(id, new Date(this.ctx.clock.now().getTime() + RESTING_MS));
      return 'done';
    }
  }
}

/**
 * A lane's gates: its own, closed by Slack-wide trouble, and one per conversation that must wait
 * (a 429 for that conversation, a channel Slack refuses), which holds only that conversation.
 */
class LaneGates {
  readonly lane = new Gate();
  private readonly conversations = new Map<string, Gate>();

  /** The conversations still waiting now; the ones whose wait is over are forgotten. */
  waitingAt(now: Date): string[] {
    for (const [id, gate] of this.conversations) if (gate.isOpen(now)) this.conversations.delete(id);
    return [...this.conversations.keys()];
  }

  isWaiting(conversation: string, now: Date): boolean {
    const gate = this.conversations.get(conversation);
    return gate !== undefined && !gate.isOpen(now);
  }

  /** Applies a step's outcome; true when the whole lane must stop for now. */
  settle(result: StepResult, conversation: string | null, now: Date): boolean {
    // The lease is gone: the pass ends, and no gate closes (the next holder has its own).
    if (result === 'not_holder') return true;
    if (result === 'done') {
      this.lane.succeeded();
      if (conversation) this.conversations.delete(conversation);
      return false;
    }
    const waiting = result.recipient ?? conversation;
    if (result.wait === 'recipient' && waiting) {
      const gate = this.conversations.get(waiting) ?? new Gate();
      gate.close(now, result.retryAfter);
      this.conversations.set(waiting, gate);
      return false;
    }
    // Posts in flight together fail together: one outage closes the gate once, not once per post.
    if (this.lane.isOpen(now)) this.lane.close(now, result.retryAfter);
    return true;
  }
}

const rowKey = (kind: MessageKind, post: PendingPost) => `${kind.name}:${post.id}`;

/**
 * Merges each kind's due rows (each already oldest task first) into one list, oldest task first.
 * A kind that filled its batch may have older rows beyond it, so the list stops where the
 * shortest full batch ends: nothing later than that goes before them.
 */
export function oldestFirst<T extends { post: PendingPost }>(lists: T[][], limit: number): T[] {
  const taskOf = (item: T) => item.post.taskId;
  let cut = Number.POSITIVE_INFINITY;
  for (const list of lists) {
    const last = list.at(-1);
    if (list.length >= limit && last) cut = Math.min(cut, taskOf(last));
  }
  return lists
    .flat()
    .filter((item) => taskOf(item) <= cut)
    .sort((a, b) => taskOf(a) - taskOf(b));
}
