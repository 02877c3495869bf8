import type { WebClient } from '@slack/web-api';
import { noteWriteFailure } from '../db/write-health.js';
import type { DispatchContext } from '../dispatch/context.js';
import type { ReloadSource } from '../dispatch/reload-config.js';
import { dispatchTask } from '../dispatch/route-task.js';
import { WebhookFeeder } from '../webhooks/feeder.js';
import { AppHomePublisher } from './app-home-publisher.js';
import { Checkpointer } from './checkpointer.js';
import { ConfigReloader } from './config-reloader.js';
import type { EngineLease } from './lease.js';
import type { EngineLoop } from './loop.js';
import { Outbox, type OutboxTopic } from './outbox/outbox.js';
import { ReportIndexer } from './report-indexer.js';
import { SignalPoller } from './signal-poller.js';
import type { SlackHealth } from './slack-health.js';
import { SlackSync } from './slack-sync/slack-sync.js';
import { Sweeper } from './sweeper.js';
import { UnansweredLeads } from './unanswered-leads.js';

export interface EngineOptions {
  /** Which process runs the engine: the loops act only while this process holds it. */
  lease: EngineLease;
  /** The outside systems the outbox delivers to (CRM write-back, webhooks, replies to leads). */
  outboxTopics?: OutboxTopic[];
  /** Where dispatch.yml is reloaded from (SIGHUP, `lead-dispatch reload`, a saved file). */
  config?: ReloadSource;
}

/**
 * Every loop that acts on rows, in one place with one lifecycle (GoAlert's engine is the model):
 * the sweeper moves deadlines on; Slack sync makes messages show their rows; the outbox delivers
 * to outside systems; App Homes and availability signals refresh. Listeners and use cases only
 * `kick()` it: the rows say what to do, the engine does it.
 *
 * Any number of processes may share one database; only the holder of the engine lease runs the
 * loops (each checks the lease before every outside call). The others take intake and Slack
 * requests, route new tasks (a guarded transaction like any other) and leave the rest to the holder.
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
  /** Keeps each lead's report facts up to date as events arrive. */
  readonly reportFacts: ReportIndexer;
  readonly lease: EngineLease;
  /** Reloads dispatch.yml; absent when the app was given a config rather than a file. */
  readonly reloader: ConfigReloader | undefined;
  private readonly loops: EngineLoop[];
  /** The heartbeat that renews the lease while started. */
  private heartbeat: NodeJS.Timeout | undefined;
  /** Whether the last heartbeat found this process running the engine: a change starts or parks it. */
  private running = false;
  /** After stop(), kicks are ignored: the database is about to close. */
  private stopped = false;
  /** The rest of a new task's kick, run once its first post is on its way (see taskReceived). */
  private deferred: Promise<void> | undefined;
  /** New leads whose sender has no answer yet: nothing about them leaves before it has. */
  private readonly unanswered = new UnansweredLeads();

  constructor(
    private readonly ctx: DispatchContext,
    client: WebClient,
    options: EngineOptions,
  ) {
    const lease = options.lease;
    this.lease = lease;
    this.slack = new SlackSync(ctx, client, this.health, lease, this.unanswered);
    this.outbox = new Outbox(ctx, options.outboxTopics ?? [], lease, (taskId) =>
      this.unanswered.isWaiting(taskId),
    );
    this.webhooks = new WebhookFeeder(ctx, () => this.outbox.kick());
    this.homes = new AppHomePublisher(ctx, client, lease);
    this.signals = new SignalPoller(ctx, client, lease);
    this.sweeper = new Sweeper(
      ctx,
      lease,
      () => {
        if (this.stopped) return;
        this.kick();
        // A `lead-dispatch reload` from another process is a row: looked for once a sweep.
        this.reloader?.kick();
        void this.homes.refreshAll();
      },
      () => this.kick(),
    );
    this.checkpoints = new Checkpointer(ctx.db.$client, ctx.log);
    this.reportFacts = new ReportIndexer(ctx);
    this.reloader = options.config
      ? new ConfigReloader(ctx, options.config, () => {
          if (this.stopped) return;
          this.kick();
          // Agents added or removed, rules changed: every App Home shows the team as it is now.
          void this.homes.refreshAll();
        })
      : undefined;
    this.loops = [
      this.sweeper,
      this.slack,
      // Before the outbox: idle() then waits for the items the feeder queued to be delivered too.
      this.webhooks,
      this.outbox,
      this.homes,
      this.signals,
      this.checkpoints,
      this.reportFacts,
      ...(this.reloader ? [this.reloader] : []),
    ];
  }

  /**
   * The path from a stored lead to its DM: intake has committed the task; routing makes its
   * first offer (one transaction); the posts lane starts on that offer's DM at once. The updates
   * lane and the outbox look for work a turn later: their queries used to run in this same turn,
   * after chat.postMessage was called but before its request could be written to the socket.
   *
   * Intake calls this while the lead's fsync runs (`answered` settles once its 202 is written):
   * routing, rendering and recording the attempt fill the wait for the disk, and the DM is sent as
   * soon as the sender has its answer; the outbox (replies to the lead, webhooks, the CRM) holds the
   * task's items until then too. Without `answered` (a lead already answered for), at once.
   */
  taskReceived(taskId: number, answered?: Promise<void>): void {
    if (answered && this.lease.term() === null) {
      // Not the engine's process: the holder, which cannot see this wait, posts what this routes.
      const route = () => this.taskReceived(taskId);
      void answered.then(route, route);
      return;
    }
    if (answered) {
      this.unanswered.add(taskId, answered);
      void this.unanswered.answerOf(taskId)?.then(() => {
        if (this.stopped) return;
        this.webhooks.kick();
        this.outbox.kick();
      });
    }
    try {
      dispatchTask(this.ctx, taskId);
    } catch (error) {
      noteWriteFailure(this.ctx.db, error);
      this.ctx.log.error('routing failed; the sweeper will retry', { taskId, error: String(error) });
    }
    if (this.stopped || this.lease.term() === null) return;
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
    // Not the holder: the rows are written, the holder's next sweep (within a second) delivers them.
    if (this.stopped || this.lease.term() === null) return;
    this.slack.kick();
    // New events may be rows a webhook wants; the feeder kicks the outbox again if it queues any.
    this.webhooks.kick();
    this.outbox.kick();
  }

  start(): void {
    this.stopped = false;
    for (const loop of this.loops) loop.start();
    this.running = this.lease.term() !== null;
    this.heartbeat = setInterval(() => this.beat(), this.lease.timing.renewEveryMs).unref();
    // Time zones and signals arrive shortly after start; until then the config's zones apply.
    void this.signals.runOnce();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    for (const loop of this.loops) loop.stop();
  }

  /** After stop() and idle(): hands the lease on, so another process takes over at once. */
  release(): void {
    this.lease.release();
    this.running = false;
  }

  /**
   * The lease's heartbeat: renew it, and when this process has just taken it over, do at once
   * whatever the last holder left (a lapsed offer, a DM whose answer was lost). Losing it needs no
   * action here: every loop checks the lease before each outside call and stops.
   */
  private beat(): void {
    if (this.stopped) return;
    this.lease.renew();
    const running = this.lease.term() !== null;
    if (running === this.running) return;
    this.running = running;
    if (running) {
      this.ctx.log.info('engine started: this process holds the lease', { holder: this.lease.id });
      void this.sweeper.runOnce();
    } else {
      this.ctx.log.warn('engine parked: this process no longer holds the lease', { holder: this.lease.id });
    }
  }

  /** Resolves once no loop has work under way. */
  async idle(): Promise<void> {
    await this.deferred;
    // A sweep's last step kicks Slack sync and the outbox: wait for the sweep before them.
    for (const loop of this.loops) await loop.idle();
  }
}
