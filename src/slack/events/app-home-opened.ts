import type { App } from '@slack/bolt';
import type { SlackDeps } from '../deps.js';

/** Opening the Home tab publishes it, and from then on the sweeper keeps it current. */
export function register(app: App, deps: SlackDeps): void {
  app.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    await deps.homes.opened(event.user);
  });
}
