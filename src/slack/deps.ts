import type { DispatchContext } from '../dispatch/context.js';
import type { ReloadResult } from '../dispatch/reload-config.js';
import type { AppHomePublisher } from '../engine/app-home-publisher.js';

/** What the Slack listeners need from the rest of the app. */
export interface SlackDeps {
  ctx: DispatchContext;
  /** Tells the engine the rows changed; it delivers whatever is now due. */
  kick(): void;
  homes: Pick<AppHomePublisher, 'opened' | 'refreshAll'>;
  /** Reloads dispatch.yml (`/dispatch reload`); undefined result when the app has no file to reload. */
  reload?(trigger: 'slack', requestedBy: string): ReloadResult | undefined;
}
