import type { WebClient } from '@slack/web-api';
import { eq, isNotNull } from 'drizzle-orm';
import { agents } from '../db/schema.js';
import type { DispatchContext } from '../dispatch/context.js';
import { type HomeContext, homeContext, homeData } from '../dispatch/home.js';
import { agentZone } from '../dispatch/roster.js';
import { renderAppHome } from '../slack/blocks/app-home.js';
import type { EngineLoop } from './loop.js';

/**
 * Keeps each agent's App Home a view of the rows. A reconciler like the rest: after every sweep it
 * renders the homes of agents who have opened theirs and publishes only those that changed.
 */
export class AppHomePublisher implements EngineLoop {
  readonly name = 'app homes';
  /** What each home last showed; after a restart every home is published once more. */
  private readonly shown = new Map<string, string>();
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly ctx: DispatchContext,
    private readonly client: WebClient,
  ) {}

  /** The agent opened their Home: remember that, and show it now. */
  async opened(agentId: string): Promise<void> {
    const now = this.ctx.clock.now();
    const changed = this.ctx.db
      .update(agents)
      .set({ homeOpenedAt: now })
      .where(eq(agents.id, agentId))
      .run().changes;
    if (changed === 0) return; // not an agent in dispatch.yml: nothing of theirs to show
    this.shown.delete(agentId);
    await this.publish(agentId, homeContext(this.ctx.db, this.ctx.config, now));
  }

  /** Starts a refresh unless one is under way; never throws. The sweep does not wait for Slack. */
  refreshAll(): Promise<void> {
    if (this.refreshing) return this.refreshing;
    const watching = this.ctx.db
      .select({ id: agents.id })
      .from(agents)
      .where(isNotNull(agents.homeOpenedAt))
      .all();
    if (watching.length === 0) return Promise.resolve();
    const done = () => {
      this.refreshing = undefined;
    };
    const standing = homeContext(this.ctx.db, this.ctx.config, this.ctx.clock.now());
    this.refreshing = Promise.all(watching.map(({ id }) => this.publish(id, standing))).then(done, done);
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
    await this.refreshing;
  }

  private async publish(agentId: string, standing: HomeContext): Promise<void> {
    const { db, config, clock, log } = this.ctx;
    const agent = db.select().from(agents).where(eq(agents.id, agentId)).get();
    const zone = agentZone(agent, config);
    const now = clock.now();
    const data = homeData(db, standing, agentId, zone, now);
    if (!data) return;
    const view = renderAppHome(data, zone, now);
    const fingerprint = JSON.stringify(view);
    if (this.shown.get(agentId) === fingerprint) return;
    try {
      await this.client.views.publish({ user_id: agentId, view });
      this.shown.set(agentId, fingerprint);
    } catch (error) {
      log.warn('could not publish the App Home; will retry on the next sweep', {
        agentId,
        error: String(error),
      });
    }
  }
}
