import { ErrorCode, type WebClient } from '@slack/web-api';
import { and, eq, isNull, lt, lte, or, sql as raw } from 'drizzle-orm';
import { offers, tasks } from '../db/schema.js';
import type { DispatchContext } from '../dispatch/context.js';
import { failOfferDelivery } from '../dispatch/offer-actions.js';
import { renderEscalationMessage } from './blocks/escalation-message.js';
import { renderOfferMessage } from './blocks/offer-message.js';
import { loadEscalationView, loadOfferView } from './views-from-rows.js';

/** Slack errors that will not go away by retrying: the candidate cannot be reached at all. */
const UNREACHABLE = new Set([
  'account_inactive',
  'user_not_found',
  'channel_not_found',
  'messages_tab_disabled',
  'user_disabled',
  'is_archived',
  'not_in_channel',
  'cannot_dm_bot',
]);
/** chat.update errors after which there is nothing left to update. */
const GONE = new Set(['message_not_found', 'cant_update_message', 'channel_not_found', 'is_archived']);

export interface DeliveryHealth {
  leadersChannelError: string | null;
}

/**
 * Makes Slack show what the rows say. Every offer and escalation carries a version; this
 * posts or updates its message until the rendered version catches up. Items run independently,
 * so a rate-limited DM waits in the database (retry_at) without holding up anyone else's lead.
 */
export class Delivery {
  readonly health: DeliveryHealth = { leadersChannelError: null };
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly ctx: DispatchContext,
    private readonly client: WebClient,
  ) {}

  /** Starts delivering everything that is due and not already under way. Never throws. */
  kick(): void {
    const now = this.ctx.clock.now();
    for (const id of this.dueOffers(now)) this.start(`offer:${id}`, () => this.deliverOffer(id));
    for (const id of this.dueEscalations(now))
      this.start(`escalation:${id}`, () => this.deliverEscalation(id));
  }

  /** Resolves once nothing is in flight; follow-up work kicked along the way is awaited too. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight.values()]);
  }

  private start(key: string, work: () => Promise<void>): void {
    if (this.inFlight.has(key)) return;
    const run = work()
      .catch((error: unknown) =>
        this.ctx.log.error('delivery failed unexpectedly', { key, error: String(error) }),
      )
      .finally(() => {
        this.inFlight.delete(key);
        this.kick();
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
      .select({ id: tasks.id })
      .from(tasks)
      .where(
        and(
          lt(tasks.escalationRenderedVersion, tasks.escalationVersion),
          or(isNull(tasks.escalationRetryAt), lte(tasks.escalationRetryAt, now)),
        ),
      )
      .all()
      .map((r) => r.id);
  }

  private async deliverOffer(offerId: number): Promise<void> {
    const { db, config, clock, log } = this.ctx;
    const view = loadOfferView(db, config, offerId, clock.now());
    if (!view || view.offer.renderedVersion >= view.offer.version) return;
    const { offer } = view;
    const version = offer.version;
    const markRendered = () =>
      db
        .update(offers)
        .set({ renderedVersion: raw`max(${offers.renderedVersion}, ${version})`, retryAt: null, attempts: 0 })
        .where(eq(offers.id, offerId))
        .run();
    if (!offer.dmTs && offer.status !== 'live') return void markRendered(); // ended before it was ever shown
    const message = renderOfferMessage(view);
    try {
      if (!offer.dmTs) {
        const posted = await this.client.chat.postMessage({
          channel: offer.agentId,
          text: message.text,
          blocks: message.blocks,
        });
        db.update(offers)
          .set({ dmChannel: posted.channel ?? null, dmTs: posted.ts ?? null, dmPostedAt: clock.now() })
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
      markRendered();
    } catch (error) {
      const code = slackErrorCode(error);
      if (!offer.dmTs && code && UNREACHABLE.has(code)) {
        log.warn('offer undeliverable, moving on', {
          taskId: offer.taskId,
          offerId,
          agentId: offer.agentId,
          error: code,
        });
        failOfferDelivery(this.ctx, offerId, code);
        markRendered();
      } else if (offer.dmTs && code && GONE.has(code)) {
        log.warn('offer message gone, not updating', { offerId, error: code });
        markRendered();
      } else {
        const retryAt = this.retryAt(error, offer.attempts);
        log.warn('offer delivery will be retried', {
          offerId,
          error: code ?? String(error),
          retryAt: retryAt.toISOString(),
        });
        db.update(offers)
          .set({ attempts: offer.attempts + 1, retryAt })
          .where(eq(offers.id, offerId))
          .run();
      }
    }
  }

  private async deliverEscalation(taskId: number): Promise<void> {
    const { db, config, clock, log } = this.ctx;
    const view = loadEscalationView(db, config, taskId, clock.now());
    if (!view || view.task.escalationRenderedVersion >= view.task.escalationVersion) return;
    const { task } = view;
    const version = task.escalationVersion;
    const message = renderEscalationMessage(view);
    try {
      if (!task.escalationTs) {
        const channel = config.team.leaders_channel;
        const posted = await this.client.chat.postMessage({
          channel,
          text: message.text,
          blocks: message.blocks,
        });
        db.update(tasks)
          .set({ escalationChannel: posted.channel ?? channel, escalationTs: posted.ts ?? null })
          .where(and(eq(tasks.id, taskId), isNull(tasks.escalationTs)))
          .run();
        log.info('task escalated to leaders', { taskId });
      } else if (task.escalationChannel) {
        await this.client.chat.update({
          channel: task.escalationChannel,
          ts: task.escalationTs,
          text: message.text,
          blocks: message.blocks,
        });
      }
      this.health.leadersChannelError = null;
      db.update(tasks)
        .set({
          escalationRenderedVersion: raw`max(${tasks.escalationRenderedVersion}, ${version})`,
          escalationRetryAt: null,
        })
        .where(eq(tasks.id, taskId))
        .run();
    } catch (error) {
      const code = slackErrorCode(error) ?? String(error);
      this.health.leadersChannelError = code;
      const retryAt = this.retryAt(error, 3);
      log.error('cannot post to the leaders channel', {
        taskId,
        channel: config.team.leaders_channel,
        error: code,
      });
      db.update(tasks).set({ escalationRetryAt: retryAt }).where(eq(tasks.id, taskId)).run();
    }
  }

  /** Slack's Retry-After when it gave one, else exponential backoff from 1 s up to 60 s. */
  private retryAt(error: unknown, attempts: number): Date {
    const retryAfter = isRateLimited(error) ? error.retryAfter : undefined;
    const seconds = retryAfter ?? Math.min(60, 2 ** attempts);
    return new Date(this.ctx.clock.now().getTime() + seconds * 1000);
  }
}

function slackErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  if (error.code === ErrorCode.PlatformError && 'data' in error) {
    const data = error.data as { error?: unknown };
    return typeof data.error === 'string' ? data.error : undefined;
  }
  return undefined;
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
