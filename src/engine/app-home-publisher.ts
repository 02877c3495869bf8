import type { View } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { Statement } from 'better-sqlite3';
import { eq, isNotNull } from 'drizzle-orm';
import { agents } from '../db/schema.js';
import type { DispatchContext } from '../dispatch/context.js';
import { type HomeContext, homeContext, homeData } from '../dispatch/home.js';
import { agentZone, isTeamLeader, isTeamMember } from '../dispatch/roster.js';
import { teamWeek, WEEK_PARTS, type WeekCache } from '../reports/team-week.js';
import { renderAppHome, renderOutsiderHome } from '../slack/blocks/app-home.js';
import type { LeaseGuard } from './lease.js';
import type { EngineLoop } from './loop.js';
import { backgroundTurn } from './turns.js';

/**
 * Keeps each agent's App Home a view of the rows. A reconciler like the rest: after a sweep, when
 * anything a Home shows may have changed (a new event, an away window opened or closed, fresh
 * signals) or a new minute began (the clocks on it), it renders the Homes of agents who opened
 * theirs, one at a time with the event loop free in between, and publishes those that changed.
 */
export class AppHomePublisher implements EngineLoop {
  readonly name = 'app homes';
  /** What each home last showed; after a restart every home is published once more. */
  private readonly shown = new Map<string, string>();
  /** The team's week for leaders' Homes, computed at most once a minute. */
  private readonly week: WeekCache = {};
  private refreshing: Promise<void> | undefined;
  /** The one refresh asked for while another ran; later asks join it. */
  private again: Promise<void> | undefined;
  /** What the rows and the minute were at the last refresh; the same again needs no refresh. */
  private lastMark: string | undefined;
  private readonly marks: Statement;

  constructor(
    private readonly ctx: DispatchContext,
    private readonly client: WebClient,
    private readonly lease: LeaseGuard,
  ) {
    this.marks = ctx.db.$client.prepare(
      // Homes opened (in any process) count too: the holder publishes a first-time opener's Home.
      `select (select max(id) from events) as e, (select max(id) from away_windows) as a,
              (select max(home_opened_at) from agents) as h,
              (select count(*) from away_windows where ended_at is not null) as b,
              (select max(fetched_at) from availability_signals) as s,
              (select max(id) from cover_overrides) as c,
              (select count(*) from cover_overrides where ended_at is not null) as d`,
    );
  }

  /** The agent opened their Home: remember that, and show it now. */
  async opened(agentId: string): Promise<void> {
    const now = this.ctx.clock.now();
    const changed = this.ctx.db
      .update(agents)
      .set({ homeOpenedAt: now })
      .where(eq(agents.id, agentId))
      .run().changes;
    this.shown.delete(agentId);
    // Another process runs the engine: it publishes this Home on its next sweep (the mark changed).
    const term = this.lease.term();
    if (term === null) return;
    // Never an agent here: nothing of theirs to show, and the team's views are not for them.
    if (changed === 0) return this.publishView(term, agentId, renderOutsiderHome());
    await this.publish(term, agentId, homeContext(this.ctx.db, this.ctx.config, now));
  }

  /**
   * A cheap fingerprint of everything a Home reads that can change without a restart: events are
   * written with every change of a task, away windows with /away and /back, signals when polled,
   * covers with `/dispatch cover` (one ending by the clock shows within the minute).
   */
  private markOf(now: Date): string {
    const row = this.marks.get();
    return `${JSON.stringify(row)}:${Math.floor(now.getTime() / 60_000)}`;
  }

  /**
   * Starts a refresh, or one more after the refresh under way (which read the rows before this
   * call: dropping the call left a Home a minute behind); never throws. The sweep does not wait.
   */
  refreshAll(): Promise<void> {
    if (this.refreshing) {
      this.again ??= this.refreshing.then(() => {
        this.again = undefined;
        return this.refreshAll();
      });
      return this.again;
    }
    const term = this.lease.term();
    if (term === null) return Promise.resolve();
    const watching = this.ctx.db
      .select({ id: agents.id })
      .from(agents)
      .where(isNotNull(agents.homeOpenedAt))
      .all();
    if (watching.length === 0) return Promise.resolve();
    const now = this.ctx.clock.now();
    const mark = this.markOf(now);
    if (mark === this.lastMark) return Promise.resolve();
    this.lastMark = mark;
    const done = () => {
      this.refreshing = undefined;
    };
    this.refreshing = (async () => {
      const standing = homeContext(this.ctx.db, this.ctx.config, now);
      const publishing: Array<Promise<void>> = [];
      for (const { id } of watching) {
        // Each Home is a few milliseconds of reading and rendering: let clicks and leads in between.
        await backgroundTurn();
        publishing.push(this.publish(term, id, standing));
      }
      await Promise.all(publishing);
    })().then(done, done);
    return this.refreshing;
  }

  runOnce(): Promise<void> {
    return this.refreshAll();
  }

  /** Homes refresh after each sweep (the sweeper's schedule is theirs), so there is nothing to start. */
  start(): void {}

  stop(): void {}

  /** Resolves when no refresh is under way (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.refreshing || this.again) await (this.again ?? this.refreshing);
  }

  private async publish(term: number, agentId: string, standing: HomeContext): Promise<void> {
    const { db, config, clock } = this.ctx;
    const agent = db.select().from(agents).where(eq(agents.id, agentId)).get();
    const zone = agentZone(agent, config);
    const now = clock.now();
    // Someone taken out of dispatch.yml no longer sees the team, whatever their Home showed before.
    if (!isTeamMember(config, agentId)) return this.publishView(term, agentId, renderOutsiderHome());
    // Added up in parts with leads and clicks in between (see teamWeek); the Home is read after.
    const team = isTeamLeader(config, agentId)
      ? await teamWeek(db, config, now, this.week, { ...WEEK_PARTS, pause: backgroundTurn })
      : undefined;
    const data = homeData(db, standing, agentId, zone, now);
    if (!data) return;
    if (team) data.team = team;
    await this.publishView(term, agentId, renderAppHome(data, zone, now));
  }

  private async publishView(term: number, agentId: string, view: View): Promise<void> {
    const fingerprint = JSON.stringify(view);
    if (this.shown.get(agentId) === fingerprint) return;
    if (!this.lease.holds(term)) return;
    try {
      await this.client.views.publish({ user_id: agentId, view });
      this.shown.set(agentId, fingerprint);
    } catch (error) {
      this.ctx.log.warn('could not publish the App Home; will retry on the next sweep', {
        agentId,
        error: String(error),
      });
    }
  }
}
