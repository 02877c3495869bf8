import type { App } from '@slack/bolt';
import type { SlackDeps } from '../deps.js';
import * as appHome from './app-home-opened.js';

export function register(app: App, deps: SlackDeps): void {
  appHome.register(app, deps);
}
