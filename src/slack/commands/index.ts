import type { App } from '@slack/bolt';
import type { SlackDeps } from '../deps.js';
import * as away from './away.js';
import * as dispatch from './dispatch.js';

export function register(app: App, deps: SlackDeps): void {
  away.register(app, deps);
  dispatch.register(app, deps);
}
