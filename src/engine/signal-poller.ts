import type { WebClient } from '@slack/web-api';
import { IANAZone } from 'luxon';
import cron, { type ScheduledTask } from 'node-cron';
import type { AgentConfig } from '../config/dispatch-schema.js';
import type { BusySignal, SignalSource } from '../core/availability.js';
import { busyIntervals } from '../core/calendar.js';
import { dndBusy, statusBusy } from '../core/slack-signals.js';
import type { DispatchContext } from '../dispatch/context.js';
import { agentZone, findAgent } from '../dispatch/roster.js';
import { type CheckKind, isCheckDue, recordCheck } from '../dispatch/signal-checks.js';
import { fetchCalendarFeed } from '../integrations/calendar-feed.js';
import { slackErrorCode } from '../slack/errors.js';
import type { LeaseGuard } from './lease.js';
import type { EngineLoop } from './loop.js';

const DAY_MS = 86_400_000;
/** At most this many agents are asked at once: Slack's profile and DND methods are rate-limited. */
const PARALLEL = 4;

/**
 * Keeps the optional availability signals in the database: each agent's Slack time zone and
 * status, DND, and calendar busy time. It only feeds rows; routing reads them at the moment of
 * each offer. A source that fails keeps its last good rows and is logged once; it never blocks
 * dispatch, and it is asked again on its next turn.
 */
export class SignalPoller implements EngineLoop {
  readonly name = 'signals';
  private task: ScheduledTask | undefined;
  private polling: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly ctx: DispatchContext,
    private readonly client: WebClient,
    /** Only the engine's holder asks Slack and the calendars; the others read the rows it keeps. */
    private readonly lease: LeaseGuard,
  ) {}

  /** Asks whatever is due; a call during a poll waits for that poll. Never throws. */
  runOnce(): Promise<void> {
    this.polling ??= this.poll().finally(() => {
      this.polling = undefined;
    });
    return this.polling;
  }

  start(): void {
    this.stopped = false;
    this.task = cron.schedule('*/15 * * * * *', () => void this.runOnce());
  }

  /** Stops the schedule; a poll under way finishes its current agents and takes no more. */
  stop(): void {
    this.stopped = true;
    this.task?.stop();
    this.task = undefined;
  }

  async idle(): Promise<void> {
    await this.polling;
  }

  private async poll(): Promise<void> {
    const term = this.lease.term();
    if (term === null) return;
    const queue = this.ctx.config.agents.filter((a) => a.active);
    const worker = async () => {
      for (
        let agent = queue.shift();
        agent && !this.stopped && this.lease.holds(term);
        agent = queue.shift()
      ) {
        await this.checkSlack(agent).catch((e: unknown) => this.failed(agent, 'slack', e));
        await this.checkCalendar(agent).catch((e: unknown) => this.failed(agent, 'calendar', e));
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
  }

  private async checkSlack(agent: AgentConfig): Promise<void> {
    const { signals } = this.ctx.config;
    if (!isCheckDue(this.ctx, agent.id, 'slack', signals.refresh)) return;
    const now = this.ctx.clock.now();
    const found: Partial<Record<SignalSource, BusySignal[]>> = {};
    const errors: string[] = [];
    let slackTimezone: string | undefined;
    try {
      const { user } = await this.client.users.info({ user: agent.id });
      if (user?.tz && IANAZone.isValidZone(user.tz)) slackTimezone = user.tz;
      const profile = user?.profile;
      if (signals.slack_status) {
        const status = {
          text: profile?.status_text ?? '',
          emoji: profile?.status_emoji ?? '',
          expiration: profile?.status_expiration ?? 0,
        };
        const busy = statusBusy(status, signals.slack_status, now);
        found.status = busy ? [busy] : [];
      }
    } catch (error) {
      errors.push(`users.info: ${slackErrorText(error, 'users:read')}`);
    }
    if (signals.slack_dnd) {
      try {
        found.dnd = dndBusy(await this.client.dnd.info({ user: agent.id }), now);
      } catch (error) {
        errors.push(`dnd.info: ${slackErrorText(error, 'dnd:read')}`);
      }
    }
    this.record(agent, 'slack', found, errors.length > 0 ? errors.join('; ') : null, slackTimezone);
  }

  private async checkCalendar(agent: AgentConfig): Promise<void> {
    const { signals } = this.ctx.config;
    if (!agent.calendar || !isCheckDue(this.ctx, agent.id, 'calendar', signals.calendar_refresh)) return;
    const now = this.ctx.clock.now();
    let error: string | null = null;
    let found: Partial<Record<SignalSource, BusySignal[]>> = {};
    try {
      const text = await fetchCalendarFeed(agent.calendar);
      // From a day back (a meeting under way) to a week ahead: far more than the next refresh needs.
      const zone = agentZone(findAgent(this.ctx.db, agent.id), this.ctx.config);
      const parsed = busyIntervals(
        text,
        new Date(now.getTime() - DAY_MS),
        new Date(now.getTime() + 7 * DAY_MS),
        zone,
      );
      if (parsed.ok) {
        found = { calendar: parsed.busy.map((b) => ({ source: 'calendar', ...b, reason: null })) };
      } else error = parsed.error;
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    this.record(agent, 'calendar', found, error);
  }

  private record(
    agent: AgentConfig,
    kind: CheckKind,
    found: Partial<Record<SignalSource, BusySignal[]>>,
    error: string | null,
    slackTimezone?: string,
  ): void {
    const previous = recordCheck(this.ctx, { agentId: agent.id, kind, found, slackTimezone, error });
    const what = kind === 'slack' ? 'Slack profile' : 'calendar feed';
    if (error !== null && error !== previous) {
      this.ctx.log.warn(`could not read an agent's ${what}; dispatch goes on with what it last knew`, {
        agentId: agent.id,
        error,
      });
    } else if (error === null && previous !== null) {
      this.ctx.log.info(`an agent's ${what} can be read again`, { agentId: agent.id });
    }
  }

  private failed(agent: AgentConfig, kind: CheckKind, error: unknown): void {
    this.ctx.log.error('availability check failed; will retry on its next turn', {
      agentId: agent.id,
      kind,
      error: String(error),
    });
  }
}

/** Slack's error code, with the scope to add when that is the cause. */
function slackErrorText(error: unknown, scope: string): string {
  const code = slackErrorCode(error) ?? (error instanceof Error ? error.message : String(error));
  return code === 'missing_scope' ? `missing_scope (add the ${scope} scope and reinstall the app)` : code;
}
