import { ErrorCode, type WebClient } from '@slack/web-api';
import { and, eq, isNull, lt, lte, or, sql as raw } from 'drizzle-orm';
import { offerDeadline } from '../core/sla.js';
import { classifySlackFailure, retryDelaySeconds, type SlackFailure } from '../core/slack-failure.js';
import type { Db } from '../db/connection.js';
import {
  escalations,
  type NotificationRow,
  notifications,
  offers,
  type TaskRow,
  tasks,
  taskViews,
} from '../db/schema.js';
import type { DispatchContext } from '../dispatch/context.js';
import { failOfferDelivery } from '../dispatch/offer-actions.js';
import { agentZone, findAgent } from '../dispatch/roster.js';
import { renderContactReminder } from './blocks/contact-reminder.js';
import { renderDuplicateNote } from './blocks/duplicate-note.js';
import { renderEscalationMessage, renderEscalationReminder } from './blocks/escalation-message.js';
import { type OfferView, renderOfferMessage } from './blocks/offer-message.js';
import { renderTaskView } from './blocks/task-view-message.js';
import { slackErrorCode } from './errors.js';
import { loadEscalationView, loadOfferView, loadTaskView } from './views-from-rows.js';

/** What /healthz reports about Slack; null means fine. */
export interface DeliveryHealth {
  leadersChannelError: string | null;
  /** Set while our token or app is refused; every delivery is waiting on it. */
  tokenError: string | null;
}

/** A first DM posted later than this after its offer was made gets its deadline moved by the delay. */
const LATE_DM_MS = 5_000;

/** How long an item that failed in an unexpected way rests before it is tried again. */
const COOLDOWN_MS = 5_000;

/**
 * Makes Slack show what the rows say. Every offer and escalation carries a version; this
 * posts or updates its message until the rendered version catches up. Items run independently,
 * so a rate-limited DM waits in the database (retry_at) without holding up anyone else's lead.
 */
export class Delivery {
  readonly health: DeliveryHealth = { leadersChannelError: null, tokenError: null };
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Items that threw unexpectedly, resting until the given time, so a bug cannot spin the loop. */
  private readonly resting = new Map<string, number>();

  constructor(
    private readonly ctx: DispatchContext,
    private readonly client: WebClient,
  ) {}

  /** Starts delivering everything that is due and not already under way. Never throws. */
  kick(): void {
    const now = this.ctx.clock.now();
    for (const id of this.dueOffers(now)) this.start(`offer:${id}`, () => this.deliverOffer(id), now);
    for (const id of this.dueEscalations(now))
      this.start(`escalation:${id}`, () => this.deliverEscalation(id), now);
    for (const id of this.dueNotifications(now))
      this.start(`notification:${id}`, () => this.deliverNotification(id), now);
    for (const id of this.dueViews(now)) this.start(`view:${id}`, () => this.deliverView(id), now);
  }

  /** Resolves once nothing is in flight, including follow-up work kicked along the way. */
  async idle(): Promise<void> {
    do {
      await Promise.allSettled([...this.inFlight.values()]);
      await new Promise((resolve) => setImmediate(resolve));
    } while (this.inFlight.size > 0);
  }

  private start(key: string, work: () => Promise<void>, now: Date): void {
    if (this.inFlight.has(key) || (this.resting.get(key) ?? 0) > now.getTime()) return;
    this.resting.delete(key);
    const run = work()
      .catch((error: unknown) => {
        this.resting.set(key, this.ctx.clock.now().getTime() + COOLDOWN_MS);
        this.ctx.log.error('delivery failed unexpectedly; resting before the next try', {
          key,
          error: String(error),
        });
      })
      .finally(() => {
        this.inFlight.delete(key);
        // Yield first: follow-up work (the next candidate's DM) should not starve timers and HTTP.
        setImmediate(() => this.kick());
      });
    this.inFlight.set(key, run);
  }

  private dueOffers(now: Date): number[] {
    return this.ctx.db
      .select({ id: offers.id })
      .from(offers)
      .where(
        and(lt(offers.renderedVersion, offers.version), or(isNull(offers.retryAt), lte(offers.retryAt, now))),
      )
      .all()
      .map((r) => r.id);
  }

  private dueEscalations(now: Date): number[] {
    return this.ctx.db
      .select({ id: escalations.id })
      .from(escalations)
      .where(
        and(
          lt(escalations.renderedVersion, escalations.version),
          or(isNull(escalations.retryAt), lte(escalations.retryAt, now)),
        ),
      )
      .all()
      .map((r) => r.id);
  }

  private dueNotifications(now: Date): number[] {
    return this.ctx.db
      .select({ id: notifications.id })
      .from(notifications)
      .where(
        and(isNull(notifications.sentAt), or(isNull(notifications.retryAt), lte(notifications.retryAt, now))),
      )
      .all()
      .map((r) => r.id);
  }

  private dueViews(now: Date): number[] {
    return this.ctx.db
      .select({ id: taskViews.id })
      .from(taskViews)
      .where(
        and(
          lt(taskViews.renderedVersion, taskViews.version),
          or(isNull(taskViews.retryAt), lte(taskViews.retryAt, now)),
        ),
      )
      .all()
      .map((r) => r.id);
  }

  private async deliverOffer(offerId: number): Promise<void> {
    const { db, config, clock, log } = this.ctx;
    const view = loadOfferView(db, config, offerId, clock.now());
    const markRendered = (version: number) =>
      db
        .update(offers)
        .set({ renderedVersion: raw`max(${offers.renderedVersion}, ${version})`, retryAt: null, attempts: 0 })
        .where(eq(offers.id, offerId))
        .run();
    if (!view) {
      const unclaimedBroadcast = db
        .select({ version: offers.version })
        .from(offers)
        .where(and(eq(offers.id, offerId), isNull(offers.agentId)))
        .get();
      // A first-to-claim offer has no agent to DM: its copies (task_views) show it until someone claims it.
      if (unclaimedBroadcast) return void markRendered(unclaimedBroadcast.version);
      log.error('offer has no task or agent row; nothing to show', { offerId });
      db.update(offers).set({ renderedVersion: offers.version }).where(eq(offers.id, offerId)).run();
      return;
    }
    if (view.offer.renderedVersion >= view.offer.version) return;
    const current = this.restartLateClock(view);
    const { offer } = current;
    // An offer that ended before it was ever shown needs no DM; a claimed one (a leader's "Take it") does.
    if (!offer.dmTs && offer.status !== 'live' && offer.status !== 'claimed')
      return void markRendered(offer.version);
    const message = renderOfferMessage(current);
    try {
      if (!offer.dmTs) {
        const sentAt = clock.now();
        const posted = await this.client.chat.postMessage({
          channel: view.agent.id,
          text: message.text,
          blocks: message.blocks,
        });
        db.update(offers)
          .set({ dmChannel: posted.channel ?? null, dmTs: posted.ts ?? null, dmPostedAt: sentAt })
          .where(and(eq(offers.id, offerId), isNull(offers.dmTs)))
          .run();
        log.info('offer delivered', { taskId: offer.taskId, offerId, agentId: offer.agentId });
      } else if (offer.dmChannel) {
        await this.client.chat.update({
          channel: offer.dmChannel,
          ts: offer.dmTs,
          text: message.text,
          blocks: message.blocks,
        });
      }
      this.health.tokenError = null;
      markRendered(offer.version);
    } catch (error) {
      const code = slackErrorCode(error);
      const failure = await this.confirmFailure(code, !offer.dmTs);
      const fields = { taskId: offer.taskId, offerId, agentId: offer.agentId, error: code ?? String(error) };
      if (failure === 'recipient' && !offer.dmTs) {
        log.warn('agent cannot be reached on Slack; offering the next candidate', fields);
        failOfferDelivery(this.ctx, offerId, code ?? 'unreachable');
        markRendered(offer.version);
        return;
      }
      if (failure === 'gone' || (failure === 'recipient' && offer.dmTs)) {
        log.warn('offer message is gone; not updating it', fields);
        markRendered(offer.version);
        return;
      }
      this.noteFailure(failure, code, fields);
      const retryAt = this.retryAt(error, offer.attempts);
      db.update(offers)
        .set({ attempts: offer.attempts + 1, retryAt })
        .where(eq(offers.id, offerId))
        .run();
    }
  }

  /**
   * The SLA is the agent's time to answer once told. A first DM that Slack held up (an outage, a
   * rate limit) gets a fresh deadline from now, by the task's frozen SLA, before it is rendered.
   */
  private restartLateClock(view: OfferView): OfferView {
    const { offer, task } = view;
    const now = this.ctx.clock.now();
    if (offer.dmTs || offer.status !== 'live' || now.getTime() - offer.offeredAt.getTime() <= LATE_DM_MS)
      return view;
    const { config, db } = this.ctx;
    const sla = task.sla ?? { kind: 'duration', seconds: config.team.default_sla, clock: 'always' };
    const deadline = offerDeadline(sla, now, config.team.business_hours, config.team.timezone);
    if (deadline <= offer.deadline) return view;
    db.update(offers)
      .set({ deadline })
      .where(and(eq(offers.id, offer.id), eq(offers.status, 'live'), isNull(offers.dmTs)))
      .run();
    return { ...view, offer: { ...offer, deadline } };
  }

  private async deliverEscalation(escalationId: number): Promise<void> {
    const { db, config, clock, log } = this.ctx;
    const view = loadEscalationView(db, config, escalationId, clock.now());
    if (!view || view.escalation.renderedVersion >= view.escalation.version) return;
    const { escalation } = view;
    const message = renderEscalationMessage(view);
    const markRendered = () =>
      db
        .update(escalations)
        .set({
          renderedVersion: raw`max(${escalations.renderedVersion}, ${escalation.version})`,
          retryAt: null,
          attempts: 0,
        })
        .where(eq(escalations.id, escalationId))
        .run();
    try {
      if (!escalation.ts) {
        const channel = config.team.leaders_channel;
        const posted = await this.client.chat.postMessage({
          channel,
          text: message.text,
          blocks: message.blocks,
        });
        db.update(escalations)
          .set({ channel: posted.channel ?? channel, ts: posted.ts ?? null, announcedAt: clock.now() })
          .where(and(eq(escalations.id, escalationId), isNull(escalations.ts)))
          .run();
        log.info('task escalated to leaders', { taskId: escalation.taskId, escalationId });
      } else if (escalation.channel) {
        await this.client.chat.update({
          channel: escalation.channel,
          ts: escalation.ts,
          text: message.text,
          blocks: message.blocks,
        });
      }
      this.health.leadersChannelError = null;
      this.health.tokenError = null;
      markRendered();
    } catch (error) {
      const code = slackErrorCode(error);
      const failure = classifySlackFailure(code);
      if (failure === 'gone') {
        // Someone deleted the leaders' post: post it again rather than leave the task unseen.
        log.warn('escalation message is gone; posting it again', { escalationId });
        db.update(escalations).set({ ts: null, channel: null }).where(eq(escalations.id, escalationId)).run();
        return;
      }
      if (failure === 'recipient') this.health.leadersChannelError = code ?? 'unreachable';
      this.noteFailure(failure, code, {
        escalationId,
        channel: config.team.leaders_channel,
        error: code ?? String(error),
      });
      db.update(escalations)
        .set({ retryAt: this.retryAt(error, escalation.attempts), attempts: escalation.attempts + 1 })
        .where(eq(escalations.id, escalationId))
        .run();
    }
  }

  /** Reminders are one-off posts: sent once, retried while Slack is unavailable, given up on if the recipient is gone. */
  private async deliverNotification(notificationId: number): Promise<void> {
    const { db, config, clock, log } = this.ctx;
    const row = db
      .select({ note: notifications, task: tasks })
      .from(notifications)
      .innerJoin(tasks, eq(tasks.id, notifications.taskId))
      .where(eq(notifications.id, notificationId))
      .get();
    if (!row || row.note.sentAt) return;
    const { note, task } = row;
    const now = clock.now();
    if (!stillRelevant(db, note, task)) {
      // Queued while Slack was unavailable and overtaken since (a leader acted, the owner made contact).
      db.update(notifications).set({ sentAt: now }).where(eq(notifications.id, notificationId)).run();
      return;
    }
    const zone = agentZone(task.ownerId ? findAgent(db, task.ownerId) : undefined, config);
    const message =
      note.kind === 'contact_reminder'
        ? renderContactReminder(task, zone, now)
        : note.kind === 'duplicate_note'
          ? renderDuplicateNote(task, agentZone(findAgent(db, note.recipient), config), now)
          : renderEscalationReminder(task, now);
    try {
      const posted = await this.client.chat.postMessage({
        channel: note.recipient,
        text: message.text,
        blocks: message.blocks,
        ...(note.threadTs ? { thread_ts: note.threadTs } : {}),
      });
      db.update(notifications)
        .set({ sentAt: clock.now(), ts: posted.ts ?? null })
        .where(eq(notifications.id, notificationId))
        .run();
    } catch (error) {
      const code = slackErrorCode(error);
      const failure = classifySlackFailure(code);
      if (failure === 'recipient' || failure === 'gone' || failure === 'content') {
        log.error('reminder could not be sent; giving up on it', {
          notificationId,
          taskId: task.id,
          error: code,
        });
        db.update(notifications)
          .set({ sentAt: clock.now() })
          .where(eq(notifications.id, notificationId))
          .run();
        return;
      }
      this.noteFailure(failure, code, { notificationId, taskId: task.id, error: code ?? String(error) });
      db.update(notifications)
        .set({ retryAt: this.retryAt(error, note.attempts), attempts: note.attempts + 1 })
        .where(eq(notifications.id, notificationId))
        .run();
    }
  }

  /** A watcher's message or a broadcast copy: posted once, then updated whenever its version moves. */
  private async deliverView(viewId: number): Promise<void> {
    const { db, config, clock, log } = this.ctx;
    const loaded = loadTaskView(db, config, viewId, clock.now());
    if (!loaded || loaded.view.renderedVersion >= loaded.view.version) return;
    const { view } = loaded;
    const markRendered = () =>
      db
        .update(taskViews)
        .set({
          renderedVersion: raw`max(${taskViews.renderedVersion}, ${view.version})`,
          retryAt: null,
          attempts: 0,
        })
        .where(eq(taskViews.id, viewId))
        .run();
    const message = renderTaskView(loaded);
    try {
      if (!view.ts) {
        const posted = await this.client.chat.postMessage({
          channel: view.recipient,
          text: message.text,
          blocks: message.blocks,
        });
        db.update(taskViews)
          .set({ channel: posted.channel ?? view.recipient, ts: posted.ts ?? null })
          .where(and(eq(taskViews.id, viewId), isNull(taskViews.ts)))
          .run();
        log.info('task shown', { taskId: view.taskId, viewId, kind: view.kind, recipient: view.recipient });
      } else if (view.channel) {
        await this.client.chat.update({
          channel: view.channel,
          ts: view.ts,
          text: message.text,
          blocks: message.blocks,
        });
      }
      this.health.tokenError = null;
      markRendered();
    } catch (error) {
      const code = slackErrorCode(error);
      const failure = await this.confirmFailure(code, !view.ts);
      const fields = { taskId: view.taskId, viewId, recipient: view.recipient, error: code ?? String(error) };
      if (failure === 'recipient' || failure === 'gone') {
        // A watcher who cannot be reached, or a deleted copy, must not hold anything up.
        log.warn('task copy cannot be shown; giving up on it', fields);
        markRendered();
        return;
      }
      this.noteFailure(failure, code, fields);
      db.update(taskViews)
        .set({ retryAt: this.retryAt(error, view.attempts), attempts: view.attempts + 1 })
        .where(eq(taskViews.id, viewId))
        .run();
    }
  }

  /**
   * Slack uses `account_inactive` both for a deactivated recipient and for a dead token. When a DM
   * fails with a token-class error, ask auth.test: if our token still works, it was the recipient.
   */
  private async confirmFailure(code: string | undefined, isNewDm: boolean): Promise<SlackFailure> {
    const failure = classifySlackFailure(code);
    if (failure !== 'token' || !isNewDm) return failure;
    try {
      await this.client.auth.test();
      return 'recipient';
    } catch {
      return 'token';
    }
  }

  private noteFailure(
    failure: SlackFailure,
    code: string | undefined,
    fields: Record<string, unknown>,
  ): void {
    const { log } = this.ctx;
    if (failure === 'token') {
      this.health.tokenError = code ?? 'refused';
      log.error('Slack refuses our token; deliveries wait until it is fixed', fields);
    } else if (failure === 'content') {
      log.error('Slack rejected a message we rendered; will retry', fields);
    } else if (failure === 'recipient') {
      log.error('cannot post to the leaders channel', fields);
    } else {
      log.warn('Slack delivery will be retried', fields);
    }
  }

  private retryAt(error: unknown, attempts: number): Date {
    const retryAfter = isRateLimited(error) ? error.retryAfter : undefined;
    const seconds = retryDelaySeconds(attempts, retryAfter, Math.random());
    return new Date(this.ctx.clock.now().getTime() + seconds * 1000);
  }
}

function isRateLimited(error: unknown): error is { retryAfter: number } {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    error.code === ErrorCode.RateLimitedError &&
    'retryAfter' in error &&
    typeof error.retryAfter === 'number'
  );
}

/** A reminder is only worth sending while the thing it reminds of is still true. */
function stillRelevant(db: Db, note: NotificationRow, task: TaskRow): boolean {
  if (note.kind === 'duplicate_note') return true;
  if (note.kind === 'contact_reminder') {
    return task.status === 'claimed' && task.ownerId === note.recipient && task.contactedAt === null;
  }
  const open = db
    .select({ ts: escalations.ts })
    .from(escalations)
    .where(and(eq(escalations.taskId, task.id), isNull(escalations.resolvedAt)))
    .get();
  return open?.ts === note.threadTs;
}
