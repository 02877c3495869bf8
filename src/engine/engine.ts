import type { WebClient } from '@slack/web-api';
import { noteWriteFailure } from '../db/write-health.js';
import type { DispatchContext } from '../dispatch/context.js';
import { dispatchTask } from '../dispatch/route-task.js';
import { WebhookFeeder } from '../webhooks/feeder.js';
import { AppHomePublisher } from './app-home-publisher.js';
import { Checkpointer } from './checkpointer.js';
import type { EngineLoop } from './loop.js';
import { Outbox, type OutboxTopic } from './outbox/outbox.js';
import { SignalPoller } from './signal-poller.js';
import type { SlackHealth } from './slack-health.js';
import { SlackSync } from './slack-sync/slack-sync.js';
import { Sweeper } from './sweeper.js';

export interface EngineOptions {
  /** The outside systems the outbox delivers to (CRM write-back, webhooks, replies to leads). */
  outboxTopics?: OutboxTopic[];
}

/**
 * Every loop that acts on rows, in one place with one lifecycle (GoAlert's engine is the model):
 * the sweeper moves deadlines on; Slack sync makes messages show their rows; the outbox delivers
 * to outside systems; App Homes and availability signals refresh. Listeners and use cases only
 * `kick()` it: the rows say what to do, the engine does it.
 */
export class Engine {
  readonly health: SlackHealth = { leadersChannelError: null, tokenError: null };
  readonly sweeper: Sweeper;
  readonly slack: SlackSync;
  readonly outbox: Outbox;
  /** Queues outbound webhooks from the events table; kicked with the outbox. */
  readonly webhooks: WebhookFeeder;
  readonly homes: AppHomePublisher;
  readonly signals: SignalPoller;
  readonly checkpoints: Checkpointer;
  private readonly loops: EngineLoop[];
  /** After stop(), kicks are ignored: the database is about to close. */
  private stopped = false;
  /** The rest of a new task's kick, run once its first post is on its way (see taskReceived). */
  private deferred: Promise<void> | undefined;

  constructor(
    private readonly ctx: DispatchContext,
    client: WebClient,
    options: EngineOptions = {},
  ) {
    this.slack = new SlackSync(ctx, client, this.health);
    this.outbox = new Outbox(ctx, options.outboxTopics ?? []);
    this.webhooks = new WebhookFeeder(ctx, ctx.config.webhooks, () => this.outbox.kick());
    this.homes = new AppHomePublisher(ctx, client);
    this.signals = new SignalPoller(ctx, client);
    this.sweeper = new Sweeper(
      ctx,
      () => {
        if (this.stopped) return;
        this.kick();
        void this.homes.refreshAll();
      },
      () => this.kick(),
    );
    this.checkpoints = new Checkpointer(ctx.db.$client, ctx.log);
    this.loops = [
      this.sweeper,
      this.slack,
      // Before the outbox: idle() then waits for the items the feeder queued to be delivered too.
      this.webhooks,
      this.outbox,
      this.homes,
      this.signals,
      this.checkpoints,
    ];
  }

  /**
   * The path from a stored lead to its DM: intake has committed the task; routing makes its
   * first offer (one transaction); the posts lane starts on that offer's DM at once. The updates
   * lane and the outbox look for work a turn later: their queries used to run in this same turn,
   * after chat.postMessage was called but before its request could be written to the socket.
   */
  taskReceived(taskId: number): void {
    try {
      dispatchTask(this.ctx, taskId);
    } catch (error) {
      noteWriteFailure(this.ctx.db, error);
      this.ctx.log.error('routing failed; the sweeper will retry', { taskId, error: String(error) });
    }
    if (this.stopped) return;
    this.slack.kickPosts();
    this.deferred ??= new Promise<void>((resolve) =>
      setImmediate(() => {
        this.deferred = undefined;
        if (!this.stopped) {
          this.slack.kickUpdates();
          this.webhooks.kick();
          this.outbox.kick();
        }
        resolve();
      }),
    );
  }

  /** Something changed in the rows: deliver whatever is now due. Never throws, never waits. */
  kick(): void {
    if (this.stopped) return;
    this.slack.kick();
    // New events may be rows a webhook wants; the feeder kicks the outbox again if it queues any.
    this.webhooks.kick();
    this.outbox.kick();
  }

  start(): void {
    this.stopped = false;
    for (const loop of this.loops) loop.start();
    // Time zones and signals arrive shortly after start; until then the config's zones apply.
    void this.signals.runOnce();
  }

  stop(): void {
    this.stopped = true;
    for (const loop of this.loops) loop.stop();
  }

  /** Resolves once no loop has work under way. */
  async idle(): Promise<void> {
    await this.deferred;
    // A sweep's last step kicks Slack sync and the outbox: wait for the sweep before them.
    for (const loop of this.loops) await loop.idle();
  }
}
